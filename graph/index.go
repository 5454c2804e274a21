package graph

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/cayleygraph/quad"
)

// The read model: every quad of the store, held compactly and grouped by node.
//
// A quad is four term ids (terms.go). Each node keeps its out-edges (the quads with the node as
// subject: type, literals and links) and its in-edges (the links pointing at it), each edge
// being three ids. The read model is immutable once published; the single writer derives the
// next one from the previous by copying only the nodes a write touches (copy on write), so a
// write costs in proportion to what it changes, not to the size of the store.
//
// Edge order is part of the read model's contract, since values of multi-valued fields come
// out in it: out-edges by predicate, object and label; in-edges by subject, predicate and
// label; terms compare as termLess does. A triple stated by several batches is one edge per
// batch; readers see it once.

// qt is a quad as term ids: subject, predicate, object, label.
type qt [4]uint32

// edge is an out-edge (p, object, label) or an in-edge (p, subject, label).
type edge struct{ p, o, l uint32 }

// node is one node of the read model.
type node struct {
	t   *terms
	tid uint32
	id  string
	typ NodeType // "" when no quad gives the node a type: it exists for its edges only
	out []edge
	in  []edge
}

// index is the in-memory read model. It is immutable once built; the writer builds a new one
// after every write and swaps it in, so readers never lock.
type index struct {
	t          *terms
	nodes      map[string]*node // nodes with a type: what readers see
	hidden     map[string]*node // nodes without a type that hold edges (the writer's concern)
	byType     map[NodeType][]string
	batchQuads map[string]int // batch id → quads it wrote
	batchTypes map[string]map[NodeType]int
	quads      int
	// token is the state token of the store state this read model holds (store.go); the
	// start-up snapshot of it records exactly this token.
	token string
	// release is the release this read model holds ("" for the live content; release.go).
	release string

	// analytics is the claim-facet model of the analytical queries (analytics.go). It is built
	// on first use, once per index, so the writer pays nothing for it.
	analyticsOnce sync.Once
	analyticsData *analytics
}

func newIndex(t *terms) *index {
	return &index{t: t, nodes: map[string]*node{}, hidden: map[string]*node{}, byType: map[NodeType][]string{},
		batchQuads: map[string]int{}, batchTypes: map[string]map[NodeType]int{}}
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

// lookup returns the node (typed or not) with IRI id.
func (ix *index) lookup(id string) *node {
	if n := ix.nodes[id]; n != nil {
		return n
	}
	return ix.hidden[id]
}

func quadKey(q quad.Quad) string {
	return quad.StringOf(q.Subject) + " " + quad.StringOf(q.Predicate) + " " + quad.StringOf(q.Object) + " " + quad.StringOf(q.Label)
}

// Edge order.

// termCmp compares two terms as termLess orders them.
func (t *terms) termCmp(a, b uint32) int {
	switch {
	case a == b:
		return 0
	case termLess(t.str(a), t.str(b)):
		return -1
	}
	return 1
}

// outCmp orders out-edges by predicate, object and label.
func (t *terms) outCmp(a, b edge) int {
	if a.p != b.p {
		return strings.Compare(t.str(a.p), t.str(b.p))
	}
	if c := t.termCmp(a.o, b.o); c != 0 {
		return c
	}
	return t.termCmp(a.l, b.l)
}

// inCmp orders in-edges by subject, predicate and label.
func (t *terms) inCmp(a, b edge) int {
	if c := t.termCmp(a.o, b.o); c != 0 {
		return c
	}
	if a.p != b.p {
		return strings.Compare(t.str(a.p), t.str(b.p))
	}
	return t.termCmp(a.l, b.l)
}

// typeOfEdges returns the type a node's out-edges give it.
func (t *terms) typeOfEdges(out []edge, typePred uint32) NodeType {
	for _, e := range out {
		if e.p == typePred && t.isIRI(e.o) {
			return NodeType(strings.TrimPrefix(t.iri(e.o), prefix+"type/"))
		}
	}
	return ""
}

// buildIndex builds the read model from a set of quads (each once); typePred is the id of
// rdf:type. sorted says the quads come grouped by subject in node order with out-edges in edge
// order (a snapshot), so no sorting is needed.
func buildIndex(t *terms, quads []qt, typePred uint32, sorted bool) *index {
	t.notePreds(quads)
	ix := newIndex(t)
	ix.quads = len(quads)
	byTid := make([]*node, t.n)
	get := func(tid uint32) *node {
		n := byTid[tid]
		if n == nil {
			n = &node{t: t, tid: tid, id: t.iri(tid)}
			byTid[tid] = n
		}
		return n
	}
	// Out-edges: counted, then cut from one slab.
	outDeg := make([]int32, t.n)
	inDeg := make([]int32, t.n)
	nIn := 0
	for _, q := range quads {
		outDeg[q[0]]++
		if q[1] != typePred && t.isIRI(q[2]) {
			inDeg[q[2]]++
			nIn++
		}
	}
	outSlab := make([]edge, len(quads))
	inSlab := make([]edge, nIn)
	off, inOff := 0, 0
	for tid := range outDeg {
		if d := int(outDeg[tid]); d > 0 {
			n := get(uint32(tid))
			n.out = outSlab[off : off : off+d]
			off += d
		}
		if d := int(inDeg[tid]); d > 0 {
			n := get(uint32(tid))
			n.in = inSlab[inOff : inOff : inOff+d]
			inOff += d
		}
	}
	outDeg, inDeg = nil, nil
	for _, q := range quads {
		n := byTid[q[0]]
		n.out = append(n.out, edge{q[1], q[2], q[3]})
		ix.batchQuads[t.iri(q[3])]++
	}
	var subjects []*node
	if sorted {
		for i, q := range quads {
			if i == 0 || q[0] != quads[i-1][0] {
				subjects = append(subjects, byTid[q[0]])
			}
		}
	} else {
		for _, n := range byTid {
			if n != nil && len(n.out) > 0 {
				subjects = append(subjects, n)
			}
		}
		for _, n := range subjects {
			slices.SortFunc(n.out, t.outCmp)
		}
		sort.Slice(subjects, func(i, j int) bool { return iriLess(subjects[i].id, subjects[j].id) })
	}
	// In-edges in subject order, so that they come out sorted.
	for _, s := range subjects {
		for _, e := range s.out {
			if e.p != typePred && t.isIRI(e.o) {
				o := byTid[e.o]
				o.in = append(o.in, edge{e.p, s.tid, e.l})
			}
		}
	}
	for _, n := range byTid {
		if n == nil {
			continue
		}
		n.typ = t.typeOfEdges(n.out, typePred)
		if n.typ == "" {
			ix.hidden[n.id] = n
			continue
		}
		ix.nodes[n.id] = n
		ix.byType[n.typ] = append(ix.byType[n.typ], n.id)
		for _, e := range n.out {
			if e.p == typePred {
				ix.countType(t.iri(e.l), t.iri(e.o), 1)
			}
		}
	}
	for typ := range ix.byType {
		sort.Strings(ix.byType[typ])
	}
	return ix
}

func (ix *index) countType(label, typeIRI string, d int) {
	typ := NodeType(strings.TrimPrefix(typeIRI, prefix+"type/"))
	m := ix.batchTypes[label]
	if m == nil {
		m = map[NodeType]int{}
		ix.batchTypes[label] = m
	}
	if m[typ] += d; m[typ] <= 0 {
		delete(m, typ)
		if len(m) == 0 {
			delete(ix.batchTypes, label)
		}
	}
}

// change is what a write does to one node's edges.
type change struct {
	addOut, delOut, addIn, delIn []edge
}

// apply derives the read model after a write from ix: adds and removes are quads (as term ids)
// that are, respectively, not yet stored and stored.
func (ix *index) apply(adds, removes []qt, typePred uint32) *index {
	t := ix.t
	nx := &index{t: t, nodes: maps.Clone(ix.nodes), hidden: maps.Clone(ix.hidden), byType: maps.Clone(ix.byType),
		batchQuads: maps.Clone(ix.batchQuads), batchTypes: map[string]map[NodeType]int{}, quads: ix.quads + len(adds) - len(removes)}
	for l, m := range ix.batchTypes {
		nx.batchTypes[l] = maps.Clone(m)
	}
	changes := map[uint32]*change{}
	ch := func(tid uint32) *change {
		c := changes[tid]
		if c == nil {
			c = &change{}
			changes[tid] = c
		}
		return c
	}
	for _, q := range removes {
		ch(q[0]).delOut = append(ch(q[0]).delOut, edge{q[1], q[2], q[3]})
		if q[1] != typePred && t.isIRI(q[2]) {
			ch(q[2]).delIn = append(ch(q[2]).delIn, edge{q[1], q[0], q[3]})
		}
		label := t.iri(q[3])
		if nx.batchQuads[label]--; nx.batchQuads[label] <= 0 {
			delete(nx.batchQuads, label)
		}
		if q[1] == typePred {
			nx.countType(label, t.iri(q[2]), -1)
		}
	}
	for _, q := range adds {
		ch(q[0]).addOut = append(ch(q[0]).addOut, edge{q[1], q[2], q[3]})
		if q[1] != typePred && t.isIRI(q[2]) {
			ch(q[2]).addIn = append(ch(q[2]).addIn, edge{q[1], q[0], q[3]})
		}
		nx.batchQuads[t.iri(q[3])]++
		if q[1] == typePred {
			nx.countType(t.iri(q[3]), t.iri(q[2]), 1)
		}
	}
	typeAdds, typeDels := map[NodeType][]string{}, map[NodeType]map[string]bool{}
	for tid, c := range changes {
		id := t.iri(tid)
		old := ix.lookup(id)
		n := &node{t: t, tid: tid, id: id}
		if old != nil {
			n.out, n.in, n.typ = old.out, old.in, old.typ
		}
		n.out = mergeEdges(n.out, c.addOut, c.delOut, t.outCmp)
		n.in = mergeEdges(n.in, c.addIn, c.delIn, t.inCmp)
		n.typ = t.typeOfEdges(n.out, typePred)
		oldTyp := NodeType("")
		if old != nil {
			oldTyp = old.typ
		}
		delete(nx.nodes, id)
		delete(nx.hidden, id)
		switch {
		case n.typ != "":
			nx.nodes[id] = n
		case len(n.out) > 0 || len(n.in) > 0:
			nx.hidden[id] = n
		}
		if oldTyp != n.typ {
			if oldTyp != "" {
				if typeDels[oldTyp] == nil {
					typeDels[oldTyp] = map[string]bool{}
				}
				typeDels[oldTyp][id] = true
			}
			if n.typ != "" {
				typeAdds[n.typ] = append(typeAdds[n.typ], id)
			}
		}
	}
	for typ := range typeDels {
		if _, ok := typeAdds[typ]; !ok {
			typeAdds[typ] = nil
		}
	}
	for typ, added := range typeAdds {
		del := typeDels[typ]
		ids := make([]string, 0, len(ix.byType[typ])+len(added))
		for _, id := range ix.byType[typ] {
			if !del[id] {
				ids = append(ids, id)
			}
		}
		if len(added) > 0 {
			sort.Strings(added)
			ids = mergeSorted(ids, added)
		}
		if len(ids) == 0 {
			delete(nx.byType, typ)
		} else {
			nx.byType[typ] = ids
		}
	}
	return nx
}

// mergeEdges returns old without del and with add, in order; old is not modified.
func mergeEdges(old, add, del []edge, cmp func(a, b edge) int) []edge {
	if len(add) == 0 && len(del) == 0 {
		return old
	}
	out := make([]edge, 0, len(old)+len(add)-len(del))
	if len(del) > 0 {
		gone := make(map[edge]bool, len(del))
		for _, e := range del {
			gone[e] = true
		}
		for _, e := range old {
			if !gone[e] {
				out = append(out, e)
			}
		}
	} else {
		out = append(out, old...)
	}
	if len(add) == 0 {
		return out
	}
	slices.SortFunc(add, cmp)
	if len(out) == 0 {
		return append(out, add...)
	}
	merged := make([]edge, 0, len(out)+len(add))
	i, j := 0, 0
	for i < len(out) && j < len(add) {
		if cmp(add[j], out[i]) < 0 {
			merged = append(merged, add[j])
			j++
		} else {
			merged = append(merged, out[i])
			i++
		}
	}
	merged = append(merged, out[i:]...)
	return append(merged, add[j:]...)
}

func mergeSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if b[j] < a[i] {
			out = append(out, b[j])
			j++
		} else {
			out = append(out, a[i])
			i++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// eachQuad calls f with every quad of the read model, node by node in node order.
func (ix *index) eachQuad(f func(q qt)) {
	all := make([]*node, 0, len(ix.nodes)+len(ix.hidden))
	for _, n := range ix.nodes {
		if len(n.out) > 0 {
			all = append(all, n)
		}
	}
	for _, n := range ix.hidden {
		if len(n.out) > 0 {
			all = append(all, n)
		}
	}
	sort.Slice(all, func(i, j int) bool { return iriLess(all[i].id, all[j].id) })
	for _, n := range all {
		for _, e := range n.out {
			f(qt{n.tid, e.p, e.o, e.l})
		}
	}
}

// quadOf turns ids into a quad.
func (t *terms) quadOf(q qt) quad.Quad {
	out := quad.Quad{Subject: t.value(q[0]), Predicate: t.value(q[1]), Object: t.value(q[2])}
	if l := t.str(q[3]); l != noLabel {
		out.Label = t.value(q[3])
	}
	return out
}

// Accessors used by the typed readers. They see each triple once, whichever batches state it.

// vals calls f with the object of every distinct p-edge.
func (n *node) vals(p string, f func(enc string) bool) {
	pid, ok := n.t.predID(p)
	if !ok {
		return
	}
	var last uint32
	first := true
	for _, e := range n.out {
		if e.p != pid {
			continue
		}
		if !first && e.o == last {
			continue
		}
		first, last = false, e.o
		if !f(n.t.str(e.o)) {
			return
		}
	}
}

// values returns the literal values of field p.
func (n *node) values(p string) []quad.Value {
	var out []quad.Value
	n.vals(p, func(enc string) bool {
		if enc[0] != kIRI {
			out = append(out, decodeTerm(enc))
		}
		return true
	})
	return out
}

// has reports whether the node has any value for p.
func (n *node) has(p string) bool {
	found := false
	n.vals(p, func(string) bool { found = true; return false })
	return found
}

// outs returns the targets of the node's p-links.
func (n *node) outs(p string) []string {
	var out []string
	n.vals(p, func(enc string) bool {
		if enc[0] == kIRI {
			out = append(out, enc[1:])
		}
		return true
	})
	return out
}

// ins returns the subjects of the p-links at the node.
func (n *node) ins(p string) []string {
	pid, ok := n.t.predID(p)
	if !ok {
		return nil
	}
	var out []string
	var last uint32
	first := true
	for _, e := range n.in {
		if e.p != pid || (!first && e.o == last) {
			continue
		}
		first, last = false, e.o
		out = append(out, n.t.iri(e.o))
	}
	return out
}

// eachLink calls f with every distinct link of the node, out (in false) or in: the local name
// of its predicate and the node at its other end.
func (n *node) eachLink(in bool, f func(p, other string)) {
	edges := n.out
	if in {
		edges = n.in
	}
	var last edge
	for i, e := range edges {
		if !n.t.isIRI(e.o) || (i > 0 && e.p == last.p && e.o == last.o) {
			continue
		}
		last = e
		ps := n.t.iri(e.p)
		if !strings.HasPrefix(ps, prefix) {
			continue
		}
		f(ps[len(prefix):], n.t.iri(e.o))
	}
}

// batches returns the labels of the quads with the node as subject, sorted.
func (n *node) batches() []string {
	var out []string
	for _, e := range n.out {
		if l := n.t.iri(e.l); !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// inBatch reports whether a quad of batch label has the node as subject.
func (n *node) inBatch(label string) bool {
	for _, e := range n.out {
		if n.t.iri(e.l) == label {
			return true
		}
	}
	return false
}

func (n *node) str(p string) string {
	var s string
	n.vals(p, func(enc string) bool {
		switch enc[0] {
		case kString:
			s = enc[1:]
			return false
		case kLang:
			_, s, _ = strings.Cut(enc[1:], "\x00")
			return false
		}
		return true
	})
	return s
}

func (n *node) optStr(p string) *string {
	if s := n.str(p); s != "" {
		return &s
	}
	return nil
}

// note returns the node's curator note: a plain string is English, language-tagged values keep
// their language.
func (n *node) note() TextValue { return n.langText("note", "en") }

// text returns a text field: a plain string counts as Dutch, language-tagged values keep their
// language.
func (n *node) text(p string) TextValue { return n.langText(p, "nl") }

// langText reads p's nl and en values; a plain (untagged) string counts as plain's language
// when that language has no tagged value.
func (n *node) langText(p, plain string) TextValue {
	var t TextValue
	n.vals(p, func(enc string) bool {
		switch enc[0] {
		case kLang:
			lang, v, _ := strings.Cut(enc[1:], "\x00")
			switch lang {
			case "nl":
				t.NL = v
			case "en":
				t.EN = v
			}
		case kString:
			if plain == "en" && t.EN == "" {
				t.EN = enc[1:]
			} else if plain == "nl" && t.NL == "" {
				t.NL = enc[1:]
			}
		}
		return true
	})
	return t
}

func (n *node) strs(p string) []string {
	var out []string
	n.vals(p, func(enc string) bool {
		if enc[0] == kString {
			var list []string
			if json.Unmarshal([]byte(enc[1:]), &list) == nil {
				out = append(out, list...)
			} else {
				out = append(out, enc[1:])
			}
		}
		return true
	})
	if out == nil {
		out = []string{}
	}
	return out
}

func (n *node) optInt(p string) *int {
	var r *int
	n.vals(p, func(enc string) bool {
		if enc[0] == kInt {
			x := int(decodeTerm(enc).(quad.Int))
			r = &x
			return false
		}
		return true
	})
	return r
}

func (n *node) optFloat(p string) *float64 {
	var r *float64
	n.vals(p, func(enc string) bool {
		switch enc[0] {
		case kFloat:
			x := float64(decodeTerm(enc).(quad.Float))
			r = &x
			return false
		case kInt:
			x := float64(decodeTerm(enc).(quad.Int))
			r = &x
			return false
		}
		return true
	})
	return r
}

func (n *node) optBool(p string) *bool {
	var r *bool
	n.vals(p, func(enc string) bool {
		if enc[0] == kBool {
			x := enc[1:] == "1"
			r = &x
			return false
		}
		return true
	})
	return r
}

func (n *node) ref(p string) string {
	var r string
	n.vals(p, func(enc string) bool {
		if enc[0] == kIRI {
			r = enc[1:]
			return false
		}
		return true
	})
	return r
}

func (n *node) refs(p string) []string {
	if out := n.outs(p); out != nil {
		return out
	}
	return []string{}
}

// inTyped returns the subjects of in-edges p whose type is one of ts.
func (ix *index) inTyped(n *node, p string, ts ...NodeType) []string {
	out := []string{}
	for _, s := range n.ins(p) {
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
