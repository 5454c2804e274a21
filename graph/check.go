package graph

import (
	"context"
	"time"

	"github.com/cayleygraph/quad"
)

// CheckResult is what Check found wrong with a changeset.
type CheckResult struct {
	// Problems lists every problem, sorted by file, line and column (problems at the same place
	// in the order they were found); empty when Apply would accept the changeset.
	Problems Problems
}

// OK reports whether the changeset has no problems.
func (r *CheckResult) OK() bool { return len(r.Problems) == 0 }

// Err returns a *ValidationError listing the problems, or nil when there are none: the error
// Apply would return.
func (r *CheckResult) Err() error { return r.Problems.Err() }

// Check validates a changeset against the current state of the store with the checks Apply
// makes, and writes nothing: ids and types, known fields and their values (vocabulary codes,
// numbers, text), references (each resolves to a node of an allowed type in the changeset or
// the store), required fields, statuses and sources, and single-valued facts that contradict
// what another batch stated (a problem whose Err is a *ConflictError). Unlike Apply, which
// stops at the first failing stage, Check reports every problem of every node at once, each
// with the file, line and field it stands at, so that an importer can leave out what has
// problems in one step.
//
// Check takes no lock and runs beside writes, against the read model of the moment: a write
// between Check and Apply can change the answer, and Apply checks again. What only a write can
// tell is left to Apply: a re-loaded batch that would remove a node another batch points at
// (ErrConflict, a problem of the batch as a whole) and storage failures. A read-only store can
// check. The error is not about the changeset: ErrClosed after Close, or the context's.
func (s *Store) Check(ctx context.Context, cs *Changeset) (*CheckResult, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, ps := s.check(s.idx.Load(), cs, nil)
	return &CheckResult{Problems: ps}, nil
}

// check runs the checks of Check against read model ix and returns the compiled changeset with
// every problem, sorted. When the changeset compiles, alongside (if not nil) runs while the
// conflicts with stored facts are checked: Apply diffs the batch then. check only reads ix and
// the terms it holds, so it needs no lock.
func (s *Store) check(ix *index, cs *Changeset, alongside func(*compiled)) (*compiled, Problems) {
	c, ps := compile(cs, ix)
	var conflicts Problems
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		conflicts = checkConflicts(ix, c, quad.IRI(c.batch))
	}()
	if len(ps) == 0 && alongside != nil {
		alongside(c)
	}
	<-checked
	return c, append(ps, conflicts...).Sorted()
}

// batchMeta returns the quads of the batch node itself. A re-load keeps the first load's time
// (and description, files, loader), so that loading the same content again is a no-op.
func (s *Store) batchMeta(ix *index, c *compiled, cs *Changeset) []quad.Quad {
	label := quad.IRI(c.batch)
	meta := []quad.Quad{{Subject: label, Predicate: predType, Object: typeIRI(TypeBatch), Label: label}}
	if bn := ix.nodes[c.batch]; bn != nil && bn.has("loadedAt") {
		for _, p := range []string{"loadedAt", "loadedBy", "description", "file"} {
			for _, v := range bn.values(p) {
				meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI(p), Object: v, Label: label})
			}
		}
		return meta
	}
	at := cs.LoadedAt
	if at == "" {
		at = s.now().UTC().Format(time.RFC3339)
	}
	meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI("loadedAt"), Object: quad.String(at), Label: label})
	if cs.LoadedBy != "" {
		meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI("loadedBy"), Object: quad.String(cs.LoadedBy), Label: label})
	}
	if cs.Description != "" {
		meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI("description"), Object: quad.String(cs.Description), Label: label})
	}
	if len(cs.Files) > 0 {
		b, _ := jsonString(cs.Files)
		meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI("file"), Object: quad.String(b), Label: label})
	}
	return meta
}
