package graph

import (
	"strings"

	"github.com/cayleygraph/quad"
)

// changedCounts counts, per type, the nodes of a batch that existed before and whose content
// changes: the "updated" column of a load report. Restating a stored fact from another batch
// adds a quad (with this batch's label) but changes nothing anyone reads, so it does not count;
// removing a quad does.
func changedCounts(ix *index, nodes map[string]NodeType, adds, removes []quad.Quad) []TypeCount {
	seen := map[string]bool{}
	count := map[NodeType]int{}
	for i, qs := range [][]quad.Quad{adds, removes} {
		for _, q := range qs {
			s, _ := q.Subject.(quad.IRI)
			id := string(s)
			if seen[id] {
				continue
			}
			t, ok := nodes[id]
			if !ok || ix.typeOf(id) == "" || (i == 0 && ix.hasTriple(q)) {
				continue
			}
			seen[id] = true
			count[t]++
		}
	}
	return typeCounts(count)
}

// hasTriple reports whether the read model already states q's subject, predicate and object
// (under any label).
func (ix *index) hasTriple(q quad.Quad) bool {
	s, _ := q.Subject.(quad.IRI)
	n := ix.nodes[string(s)]
	if n == nil {
		return false
	}
	if q.Predicate == predType {
		return n.typ == nodeTypeOf(q.Object)
	}
	p, _ := q.Predicate.(quad.IRI)
	local := strings.TrimPrefix(string(p), prefix)
	if o, ok := q.Object.(quad.IRI); ok {
		return containsString(n.outs(local), string(o))
	}
	want := quad.StringOf(q.Object)
	for _, v := range n.values(local) {
		if quad.StringOf(v) == want {
			return true
		}
	}
	return false
}
