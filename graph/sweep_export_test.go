package graph

import (
	"context"

	"github.com/cayleygraph/cayley"
	"github.com/cayleygraph/quad"
)

// CayleySweep counts the claims of every WORK_MODEL × OUTCOME_DOMAIN cell straight from the quad
// store, with one Cayley path query and no read model:
//
//	claim ──outcome──► outcome ──domain──► concept
//	  └───subject──► method ◄──subject── assignment ──workModel──► work model
//
// The keys are the work model's IRI and the domain's code; a claim counts once per cell.
//
// It is the raw-Cayley baseline of the analytics benchmarks (BenchmarkMatrix), and checks the
// fast matrix's counts; test code only (this file is compiled for the tests of package graph).
// It reads every claim through Cayley's iterators on each call.
func CayleySweep(ctx context.Context, s *Store) (map[[2]string]int, error) {
	p := cayley.StartPath(s.h.QuadStore).Has(predType, typeIRI(TypeOutcomeClaim)).Tag("claim").
		Out(predIRI("outcome")).Out(predIRI("domain")).Tag("domain").Back("claim").
		Out(predIRI("subject")).In(predIRI("subject")).Has(predType, typeIRI(TypeAssignment)).
		Out(predIRI("workModel")).Tag("wm")
	counts := map[[2]string]int{}
	seen := map[[3]string]bool{}
	err := p.Iterate(ctx).TagValues(s.h.QuadStore, func(t map[string]quad.Value) error {
		wm, _ := t["wm"].(quad.IRI)
		dom, _ := t["domain"].(quad.IRI)
		claim, _ := t["claim"].(quad.IRI)
		k := [3]string{string(wm), codeOf(string(dom)), string(claim)}
		if !seen[k] {
			seen[k] = true
			counts[[2]string{k[0], k[1]}]++
		}
		return nil
	})
	return counts, err
}
