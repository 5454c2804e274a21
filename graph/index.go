package graph

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"

	"github.com/cayleygraph/quad"
)

// node is one node of the read model: its literals and edges, deduplicated over batches.
type node struct {
	id      string
	typ     NodeType
	props   map[string][]quad.Value
	out     map[string][]string
	in      map[string][]string
	batches []string // labels of the quads with this node as subject, sorted
}

// index is the in-memory read model. It is immutable once built; the writer builds a new one
// after every write and swaps it in, so readers never lock.
type index struct {
	nodes      map[string]*node
	byType     map[NodeType][]string // ids, sorted
	batchQuads map[string]int        // batch id → quads it wrote
	batchTypes map[string]map[NodeType]int
	quads      int

	// analytics is the claim-facet model of the analytical queries (analytics.go). It is built
	// on first use, once per index, so buildIndex (on the writer's path) pays nothing for it.
	analyticsOnce sync.Once
	analyticsData *analytics
}

func (ix *index) typeOf(id string) NodeType {
	if ix == nil {
		return ""
	}
	if n := ix.nodes[id]; n != nil {
		return n.typ
	}
	return ""
}

func quadKey(q quad.Quad) string {
	return quad.StringOf(q.Subject) + " " + quad.StringOf(q.Predicate) + " " + quad.StringOf(q.Object) + " " + quad.StringOf(q.Label)
}

// buildIndex builds the read model from the full quad set.
func buildIndex(quads map[string]quad.Quad) *index {
	ix := &index{
		nodes:      map[string]*node{},
		byType:     map[NodeType][]string{},
		batchQuads: map[string]int{},
		batchTypes: map[string]map[NodeType]int{},
		quads:      len(quads),
	}
	get := func(id string) *node {
		n := ix.nodes[id]
		if n == nil {
			n = &node{id: id, props: map[string][]quad.Value{}, out: map[string][]string{}, in: map[string][]string{}}
			ix.nodes[id] = n
		}
		return n
	}
	// Sort for determinism: values of multi-valued fields come out in a stable order.
	keys := make([]string, 0, len(quads))
	for k := range quads {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seenTriple := make(map[string]bool, len(quads))
	batchOf := map[string]map[string]bool{}
	for _, k := range keys {
		q := quads[k]
		s, _ := q.Subject.(quad.IRI)
		p, _ := q.Predicate.(quad.IRI)
		label := ""
		if l, ok := q.Label.(quad.IRI); ok {
			label = string(l)
		}
		ix.batchQuads[label]++
		if batchOf[string(s)] == nil {
			batchOf[string(s)] = map[string]bool{}
		}
		batchOf[string(s)][label] = true
		triple := quad.StringOf(q.Subject) + " " + quad.StringOf(q.Predicate) + " " + quad.StringOf(q.Object)
		if seenTriple[triple] {
			continue
		}
		seenTriple[triple] = true
		n := get(string(s))
		if p == predType {
			n.typ = nodeTypeOf(q.Object)
			if ix.batchTypes[label] == nil {
				ix.batchTypes[label] = map[NodeType]int{}
			}
			ix.batchTypes[label][n.typ]++
			continue
		}
		local := strings.TrimPrefix(string(p), prefix)
		if o, ok := q.Object.(quad.IRI); ok {
			n.out[local] = append(n.out[local], string(o))
			t := get(string(o))
			t.in[local] = append(t.in[local], string(s))
			continue
		}
		n.props[local] = append(n.props[local], q.Object)
	}
	for id, n := range ix.nodes {
		if n.typ == "" {
			// Referenced but not (or no longer) defined: not part of the graph.
			delete(ix.nodes, id)
			continue
		}
		for b := range batchOf[id] {
			n.batches = append(n.batches, b)
		}
		sort.Strings(n.batches)
		ix.byType[n.typ] = append(ix.byType[n.typ], id)
	}
	for t := range ix.byType {
		sort.Strings(ix.byType[t])
	}
	// Drop edges to nodes that do not exist.
	for _, n := range ix.nodes {
		for p, ts := range n.out {
			kept := ts[:0]
			for _, t := range ts {
				if ix.nodes[t] != nil {
					kept = append(kept, t)
				}
			}
			n.out[p] = kept
		}
		for p, ss := range n.in {
			kept := ss[:0]
			for _, s := range ss {
				if ix.nodes[s] != nil {
					kept = append(kept, s)
				}
			}
			n.in[p] = kept
		}
	}
	return ix
}

// Accessors used by the typed readers.

func (n *node) str(p string) string {
	for _, v := range n.props[p] {
		switch v := v.(type) {
		case quad.String:
			return string(v)
		case quad.LangString:
			return string(v.Value)
		}
	}
	return ""
}

func (n *node) optStr(p string) *string {
	if s := n.str(p); s != "" {
		return &s
	}
	return nil
}

func (n *node) text(p string) TextValue {
	var t TextValue
	for _, v := range n.props[p] {
		switch v := v.(type) {
		case quad.LangString:
			switch v.Lang {
			case "nl":
				t.NL = string(v.Value)
			case "en":
				t.EN = string(v.Value)
			}
		case quad.String:
			if t.NL == "" {
				t.NL = string(v)
			}
		}
	}
	return t
}

func (n *node) strs(p string) []string {
	var out []string
	for _, v := range n.props[p] {
		if s, ok := v.(quad.String); ok {
			var list []string
			if json.Unmarshal([]byte(s), &list) == nil {
				out = append(out, list...)
			} else {
				out = append(out, string(s))
			}
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func (n *node) optInt(p string) *int {
	for _, v := range n.props[p] {
		if i, ok := v.(quad.Int); ok {
			x := int(i)
			return &x
		}
	}
	return nil
}

func (n *node) optFloat(p string) *float64 {
	for _, v := range n.props[p] {
		switch v := v.(type) {
		case quad.Float:
			x := float64(v)
			return &x
		case quad.Int:
			x := float64(v)
			return &x
		}
	}
	return nil
}

func (n *node) optBool(p string) *bool {
	for _, v := range n.props[p] {
		if b, ok := v.(quad.Bool); ok {
			x := bool(b)
			return &x
		}
	}
	return nil
}

func (n *node) ref(p string) string {
	if ts := n.out[p]; len(ts) > 0 {
		return ts[0]
	}
	return ""
}

func (n *node) refs(p string) []string {
	return append([]string{}, n.out[p]...)
}

// refsTyped returns the subjects of in-edges p whose type is one of ts.
func (ix *index) inTyped(n *node, p string, ts ...NodeType) []string {
	out := []string{}
	for _, s := range n.in[p] {
		if sn := ix.nodes[s]; sn != nil && containsType(ts, sn.typ) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// code returns the code of a concept edge (the last segment of the concept id).
func codeOf(conceptID string) string {
	if i := strings.LastIndex(conceptID, "/"); i >= 0 {
		return conceptID[i+1:]
	}
	return conceptID
}
