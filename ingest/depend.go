package ingest

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"kring/graph"
)

// maxCheckRounds bounds the Check rounds of a literature load (see loadLiterature): the first
// finds every problem; a second is needed only when a left-out unit was merged with a kept one.
const maxCheckRounds = 3

// dependencies knows, for a literature batch, which units state each node and which units'
// specs reference it, so that leaving a unit out also leaves out the units that need what only
// it states (a row citing a left-out record, a row using an outcome a left-out row creates),
// without asking the store again. It is built when first needed: a clean load never is.
type dependencies struct {
	ctx   context.Context
	st    *graph.Store
	units []*unit
	built bool
	defs  map[string][]*unit // node id → the units stating the node
	needs map[string][]need  // node id → the units referencing it, and where
	// ids are the node ids each unit's specs get.
	ids map[*unit][]string
}

// need is a reference of a unit to a node: the field that holds it.
type need struct {
	u     *unit
	field graph.FieldValue
}

func newDependencies(ctx context.Context, st *graph.Store, units []*unit) *dependencies {
	return &dependencies{ctx: ctx, st: st, units: units}
}

func (d *dependencies) build() {
	if d.built {
		return
	}
	d.built = true
	d.defs, d.needs, d.ids = map[string][]*unit{}, map[string][]need{}, map[*unit][]string{}
	for _, u := range d.units {
		for _, n := range u.specs() {
			if id, err := graph.NodeID(&n); err == nil {
				d.ids[u] = append(d.ids[u], id)
				if l := d.defs[id]; len(l) == 0 || l[len(l)-1] != u {
					d.defs[id] = append(l, u)
				}
			}
			spec := graph.TypeOf(n.Type)
			if spec == nil {
				continue
			}
			for _, f := range n.Fields {
				fs := spec.FieldByName(f.Name)
				if fs == nil || (fs.Kind != graph.RefField && fs.Kind != graph.RefsField) {
					continue
				}
				for _, target := range refTargets(f.Value) {
					d.needs[target] = append(d.needs[target], need{u: u, field: f})
				}
			}
		}
	}
}

// refTargets returns the full ids a reference field's value names.
func refTargets(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{graph.FullID(v)}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, graph.FullID(s))
			}
		}
		return out
	case []string:
		var out []string
		for _, s := range v {
			out = append(out, graph.FullID(s))
		}
		return out
	}
	return nil
}

// shared returns, for a problem p of unit u at one of its specs' fields, the same problem for
// every kept unit whose spec for the same node gives that field the same value: the store saw
// the merged node once, and named the first unit's field.
func (d *dependencies) shared(u *unit, p graph.Problem) []mergeProblem {
	d.build()
	var out []mergeProblem
	for _, n := range u.specs() {
		for _, f := range n.Fields {
			if f.Name != p.Field || f.Pos.File != p.File || f.Pos.Line != p.Line || f.Pos.Column != p.Column || f.Name == "sources" || f.Name == "note" {
				continue
			}
			id, err := graph.NodeID(&n)
			if err != nil {
				continue
			}
			for _, v := range d.defs[id] {
				if v == u || v.dropped {
					continue
				}
				for _, vn := range v.specs() {
					if vid, err := graph.NodeID(&vn); err != nil || vid != id {
						continue
					}
					if vf, ok := vn.Field(f.Name); ok && reflect.DeepEqual(vf.Value, f.Value) {
						q := p
						q.File, q.Line, q.Column = vf.Pos.File, vf.Pos.Line, vf.Pos.Column
						out = append(out, mergeProblem{unit: v, problem: q})
					}
				}
			}
		}
	}
	return out
}

// leaveOut follows units just left out to what depends on them: a node that no kept unit
// states and the store does not hold is gone, and every kept unit referencing it is left out
// too (with drop), in turn. remerged reports whether a left-out unit stated a node that a kept
// unit states too: that node's merged spec changed, and is worth checking again.
func (d *dependencies) leaveOut(out []*unit, drop func(*unit, graph.Problem)) (remerged bool, err error) {
	d.build()
	stored := map[string]bool{}
	inStore := func(id string) (bool, error) {
		if v, ok := stored[id]; ok {
			return v, nil
		}
		_, _, err := d.st.StoredFields(d.ctx, id)
		switch {
		case err == nil:
			stored[id] = true
		case errors.Is(err, graph.ErrNotFound):
			stored[id] = false
		default:
			return false, err
		}
		return stored[id], nil
	}
	for queue := out; len(queue) > 0; queue = queue[1:] {
		u := queue[0]
		for _, id := range d.ids[u] {
			kept := false
			for _, v := range d.defs[id] {
				if !v.dropped {
					kept = true
					break
				}
			}
			if kept {
				remerged = true
				continue
			}
			if u.entry != nil && u.entry.stored != nil {
				continue // a stored source: it stays
			}
			if len(d.needs[id]) == 0 {
				continue
			}
			ok, err := inStore(id)
			if err != nil {
				return remerged, err
			}
			if ok {
				continue
			}
			rec := u.records()[0]
			for _, nd := range d.needs[id] {
				if nd.u.dropped {
					continue
				}
				pos := nd.field.Pos
				if pos.File == "" {
					pos = nd.u.records()[0]
				}
				drop(nd.u, graph.Problem{File: pos.File, Line: pos.Line, Column: pos.Column, Field: nd.field.Name,
					Message: fmt.Sprintf("%s is left out: %s:%d has a problem", graph.ShortID(id), rec.File, rec.Line)})
				queue = append(queue, nd.u)
			}
		}
	}
	return remerged, nil
}
