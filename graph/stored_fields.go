package graph

import (
	"context"
	"fmt"
)

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
