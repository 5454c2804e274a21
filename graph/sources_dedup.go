package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/cayleygraph/quad"
)

// SourceRecord is a stored source as a literature import sees it: its fields as a batch file
// would give them, so that an importer can find the source again (by DOI, or by title, year and
// first author) and restate it without contradicting it.
type SourceRecord struct {
	ID string
	// Fields holds every stored field by its batch-file name ("title", "year", "authors",
	// "doi", "type", "status", ...): strings, int64, bool, and []any of strings for lists and
	// references.
	Fields map[string]any
	// Batches are the batches that state the source.
	Batches []string
}

// Str returns a string field, or "".
func (r *SourceRecord) Str(name string) string {
	s, _ := r.Fields[name].(string)
	return s
}

// Year returns the year, or 0.
func (r *SourceRecord) Year() int {
	y, _ := r.Fields["year"].(int64)
	return int(y)
}

// Authors returns the author strings ("Family, Given"), in order.
func (r *SourceRecord) Authors() []string {
	var out []string
	list, _ := r.Fields["authors"].([]any)
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// SourceRecords returns every stored source, in id order.
func (s *Store) SourceRecords(ctx context.Context) ([]SourceRecord, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	spec := TypeOf(TypeSource)
	ids := ix.byType[TypeSource]
	out := make([]SourceRecord, 0, len(ids))
	for _, id := range ids {
		n := ix.nodes[id]
		r := SourceRecord{ID: id, Fields: map[string]any{}, Batches: append([]string(nil), n.batches()...)}
		for i := range spec.Fields {
			f := &spec.Fields[i]
			if v, ok := rawField(n, f); ok {
				r.Fields[f.Name] = v
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// rawField returns a node's field as a batch file would give it.
func rawField(n *node, f *FieldSpec) (any, bool) {
	p := f.Predicate()
	switch f.Kind {
	case StringField, CodeField:
		if s := n.str(p); s != "" {
			return s, true
		}
	case StringsField:
		if len(n.values(p)) == 0 {
			return nil, false
		}
		var out []any
		for _, s := range n.strs(p) {
			out = append(out, s)
		}
		return out, len(out) > 0
	case IntField:
		if v := n.optInt(p); v != nil {
			return int64(*v), true
		}
	case FloatField:
		if v := n.optFloat(p); v != nil {
			return *v, true
		}
	case BoolField:
		if v := n.optBool(p); v != nil {
			return *v, true
		}
	case TextField:
		t := n.text(p)
		switch {
		case t.NL != "" && t.EN != "":
			return map[string]any{"nl": t.NL, "en": t.EN}, true
		case t.NL != "":
			return map[string]any{"nl": t.NL}, true
		case t.EN != "":
			return map[string]any{"en": t.EN}, true
		}
	case RefField:
		if r := n.ref(p); r != "" {
			return ShortID(r), true
		}
	case RefsField:
		var out []any
		for _, r := range n.outs(p) {
			out = append(out, ShortID(r))
		}
		return out, len(out) > 0
	case ConceptField:
		if r := n.ref(p); r != "" {
			return codeOf(r), true
		}
	case ConceptsField:
		var out []any
		for _, r := range n.outs(p) {
			out = append(out, codeOf(r))
		}
		return out, len(out) > 0
	}
	return nil, false
}

// StoredFields returns a node's type and its fields as a batch file would give them (see
// SourceRecord.Fields); ErrNotFound when there is no such node.
func (s *Store) StoredFields(ctx context.Context, id string) (NodeType, map[string]any, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return "", nil, err
	}
	n := ix.nodes[FullID(id)]
	if n == nil {
		return "", nil, fmt.Errorf("graph: node %q: %w", id, ErrNotFound)
	}
	fields := map[string]any{}
	if spec := TypeOf(n.typ); spec != nil {
		for i := range spec.Fields {
			if v, ok := rawField(n, &spec.Fields[i]); ok {
				fields[spec.Fields[i].Name] = v
			}
		}
	}
	return n.typ, fields, nil
}

// IDs returns the ids of every node of the given types, sorted.
func (s *Store) IDs(ctx context.Context, types ...NodeType) ([]string, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range types {
		out = append(out, ix.byType[t]...)
	}
	sort.Strings(out)
	return out, nil
}

// NodeID returns the full id a node spec gets: its own, or for a nested node (a method's
// work-model assignment, actor involvement, ...) the one the store derives from its subject and
// key fields. Importers use it to merge specs that the store would see as one node.
func NodeID(n *NodeSpec) (string, error) {
	spec := TypeOf(n.Type)
	if spec == nil {
		return "", fmt.Errorf("graph: unknown node type %q: %w", n.Type, ErrInvalid)
	}
	id, msg := nodeID(n, spec)
	if msg != "" {
		return "", fmt.Errorf("graph: %s: %w", msg, ErrInvalid)
	}
	return id, nil
}

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

// maxSuggestedRefs bounds the work spent on "did you mean" for unknown references: each costs a
// comparison with every id of the wanted types.
const maxSuggestedRefs = 50

// refSuggester suggests existing ids for unknown references, remembering its answers.
type refSuggester struct {
	ix    *index
	own   map[string]NodeType
	cache map[string]string
}

// suggest returns ` (did you mean "kind/slug"?)` for an unknown id, or "".
func (rs *refSuggester) suggest(target string, rng []NodeType) string {
	if rs.cache == nil {
		rs.cache = map[string]string{}
	}
	if s, ok := rs.cache[target]; ok {
		return s
	}
	if len(rs.cache) >= maxSuggestedRefs {
		return ""
	}
	short := ShortID(target)
	kind, _, _ := strings.Cut(short, "/")
	var cands []string
	consider := func(id string, t NodeType) {
		if len(rng) > 0 && !containsType(rng, t) {
			return
		}
		sid := ShortID(id)
		if k, _, _ := strings.Cut(sid, "/"); k != kind && len(rng) == 0 {
			return
		}
		if d := len(sid) - len(short); d > 6 || d < -6 {
			return
		}
		cands = append(cands, sid)
	}
	for id, t := range rs.own {
		consider(id, t)
	}
	if rs.ix != nil {
		types := rng
		if len(types) == 0 {
			for _, spec := range Types {
				if spec.Kind == kind {
					types = append(types, spec.Type)
				}
			}
		}
		for _, t := range types {
			for _, id := range rs.ix.byType[t] {
				consider(id, t)
			}
		}
	}
	sort.Strings(cands)
	s := suggest(short, cands)
	rs.cache[target] = s
	return s
}
