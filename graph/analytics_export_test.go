package graph

import (
	"context"
	"sort"
	"testing"
)

// Hooks for the external tests (package graph_test) of analytics.

// BuildAnalyticsForTest builds the claim-facet model of the store's current read model afresh
// (not the cached one), so that benchmarks can time it.
func BuildAnalyticsForTest(s *Store) { buildAnalytics(s.idx.Load()) }

// NoTallyBitsForTest makes tallies count distinct sources without bitsets until the test ends.
func NoTallyBitsForTest(tb testing.TB) {
	old := maxTallyBits
	maxTallyBits = -1
	tb.Cleanup(func() { maxTallyBits = old })
}

// MatrixRaw computes the same matrix as Store.MatrixWith the naive way: for each claim, build
// it, filter it (with the one claim matcher), and walk the index maps for its axis values (the
// roll-up done by hand); cells and distinct sources are kept in maps. It is the baseline of
// BenchmarkMatrix and the oracle of TestMatrixMatchesRaw. It also returns each cell's claim ids.
func MatrixRaw(ctx context.Context, s *Store, rows, columns Axis, f *ClaimFilter, o MatrixOptions) (*Matrix, map[[2]string][]string, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, nil, err
	}
	an := ix.analytics() // for the row and column value lists, which are not counted, and the filter
	ri, err := axisIndex(rows)
	if err != nil {
		return nil, nil, err
	}
	ci, err := axisIndex(columns)
	if err != nil {
		return nil, nil, err
	}
	match := an.compile(f)
	confirmedOnly := f != nil && f.ConfirmedOnly != nil && *f.ConfirmedOnly
	type cell struct {
		claims      []string
		sources     map[string]bool
		dirs        map[Direction]int
		design      int
		level       int
		via         int
		unconfirmed int
	}
	cells := map[[2]string]*cell{}
	var noneR, noneC bool // some claim of the graph has no value on the axis
	for _, id := range ix.byType[TypeOutcomeClaim] {
		c := ix.build(ix.nodes[id]).(*OutcomeClaim)
		rs, cs := rawValues(ix, c, Axes[ri], o, false), rawValues(ix, c, Axes[ci], o, false)
		noneR, noneC = noneR || rs[0].key == NoneKey, noneC || cs[0].key == NoneKey
		if !match.match(&an.claims[func() int32 { i, _ := an.claimIndex(id); return i }()]) {
			continue
		}
		if confirmedOnly {
			rs, cs = rawValues(ix, c, Axes[ri], o, true), rawValues(ix, c, Axes[ci], o, true)
		}
		claimNC := c.Status != Confirmed
		for _, s := range c.SourceIDs {
			claimNC = claimNC || Status(ix.nodes[s].str("status")) != Confirmed
		}
		for _, r := range rs {
			for _, col := range cs {
				k := [2]string{r.key, col.key}
				x := cells[k]
				if x == nil {
					x = &cell{sources: map[string]bool{}, dirs: map[Direction]int{}, design: -1, level: -1}
					cells[k] = x
				}
				x.claims = append(x.claims, c.ID)
				x.dirs[c.Direction]++
				if r.via || col.via {
					x.via++
				}
				if claimNC || r.linkNC || col.linkNC {
					x.unconfirmed++
				}
				for _, s := range c.SourceIDs {
					x.sources[s] = true
				}
				if c.Design != nil {
					x.design = max(x.design, Rank("StudyDesign", string(*c.Design)))
				}
				if m := ix.nodes[c.MethodID]; m != nil {
					for _, rid := range ix.inTyped(m, "subject", TypeEvidenceRating) {
						x.level = max(x.level, EvidenceRank(EvidenceLevel(ix.nodes[rid].str("evidenceLevel"))))
					}
				}
			}
		}
	}
	R, C := an.axes[ri].values, an.axes[ci].values
	withNone := func(vs []*AxisValue, ax int, row bool) []*AxisValue {
		show := (row && noneR) || (!row && noneC)
		for k := range cells {
			if (row && k[0] == NoneKey) || (!row && k[1] == NoneKey) {
				show = true
			}
		}
		if show {
			return append(append([]*AxisValue{}, vs...), an.axes[ax].none)
		}
		return vs
	}
	R, C = withNone(R, ri, true), withNone(C, ci, false)
	pos := func(vs []*AxisValue, key string) int {
		for i, v := range vs {
			if v.Key == key {
				return i
			}
		}
		return -1
	}
	keys := make([][2]string, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if ra, rb := pos(R, a[0]), pos(R, b[0]); ra != rb {
			return ra < rb
		}
		return pos(C, a[1]) < pos(C, b[1])
	})
	m := &Matrix{Rows: R, Columns: C, Gaps: len(R)*len(C) - len(cells)}
	ids := map[[2]string][]string{}
	e := newEnums()
	for _, k := range keys {
		x := cells[k]
		m.Cells = append(m.Cells, &MatrixCell{Row: k[0], Column: k[1], ClaimCount: len(x.claims), SourceCount: len(x.sources),
			Positive: x.dirs["POSITIVE"], None: x.dirs["NONE"], Negative: x.dirs["NEGATIVE"], Mixed: x.dirs["MIXED"],
			StrongestDesign: e.design(int8(x.design)), HighestEvidenceLevel: e.level(int8(x.level)),
			ViaCount: x.via, UnconfirmedCount: x.unconfirmed})
		ids[k] = x.claims
	}
	return m, ids, nil
}

type rawValue struct {
	key         string
	via, linkNC bool
}

// rawValues walks the index maps for a claim's values on an axis, the roll-up of o done by
// hand; a claim without values gets the none value.
func rawValues(ix *index, c *OutcomeClaim, a Axis, o MatrixOptions, confirmedOnly bool) []rawValue {
	var out []rawValue
	add := func(v string, via, linkNC bool) {
		if v == "" || (confirmedOnly && linkNC) {
			return
		}
		for i := range out {
			if out[i].key == v {
				// The best path: a confirmed link first, then a direct one.
				if (out[i].linkNC && !linkNC) || (out[i].linkNC == linkNC && out[i].via && !via) {
					out[i].via, out[i].linkNC = via, linkNC
				}
				return
			}
		}
		out = append(out, rawValue{v, via, linkNC})
	}
	nc := func(n *node) bool { return Status(n.str("status")) != Confirmed }
	subjectValues := func(m *node, via bool) {
		switch a {
		case AxisMethod:
			add(m.id, via, false)
		case AxisWorkModel:
			for _, id := range ix.inTyped(m, "subject", TypeAssignment) {
				add(ix.nodes[id].ref("workModel"), via, nc(ix.nodes[id]))
			}
		case AxisActorType:
			for _, id := range ix.inTyped(m, "subject", TypeInvolvement) {
				add(codeOf(ix.nodes[id].ref("actorType")), false, nc(ix.nodes[id]))
			}
		case AxisPreconditionCategory:
			for _, id := range ix.inTyped(m, "subject", TypeRequirement) {
				if p := ix.nodes[ix.nodes[id].ref("precondition")]; p != nil {
					add(codeOf(p.ref("category")), false, nc(ix.nodes[id]))
				}
			}
		case AxisTargetGroup:
			for _, t := range m.outs("targetGroup") {
				add(t, false, false)
			}
		case AxisSupportFunction:
			for _, t := range m.outs("supportFunction") {
				add(codeOf(t), false, false)
			}
		case AxisRegion:
			for _, t := range m.outs("region") {
				add(codeOf(t), false, false)
			}
		}
	}
	switch a {
	case AxisOutcome:
		add(c.OutcomeID, false, false)
	case AxisOutcomeDomain:
		add(string(c.OutcomeDomain), false, false)
	case AxisSourceType:
		for _, s := range c.SourceIDs {
			add(ix.nodes[s].str("sourceType"), false, false)
		}
	default:
		if m := ix.nodes[c.MethodID]; m != nil {
			subjectValues(m, false)
			if !o.NoVia && (a == AxisMethod || a == AxisWorkModel) {
				for _, id := range m.refs("implements") {
					if im := ix.nodes[id]; im != nil && id != m.id {
						subjectValues(im, true)
					}
				}
			}
		}
	}
	if scheme := map[Axis]string{AxisActorType: "ActorType", AxisRegion: "Region", AxisSupportFunction: "SupportFunction",
		AxisOutcomeDomain: "OutcomeDomain", AxisSourceType: "SourceType", AxisPreconditionCategory: "PreconditionCategory"}[a]; scheme != "" && !o.AsCoded {
		for _, v := range append([]rawValue{}, out...) {
			for b, ok := Broader[scheme][v.key]; ok; b, ok = Broader[scheme][b] {
				add(b, false, v.linkNC)
			}
		}
	}
	if len(out) == 0 {
		return []rawValue{{key: NoneKey}}
	}
	return out
}

// MatrixUncachedForTest computes a matrix as Store.MatrixWith does, bypassing the per-read-model
// matrix cache, so that benchmarks time the computation rather than a cache hit.
func MatrixUncachedForTest(ctx context.Context, s *Store, rows, columns Axis, f *ClaimFilter) (*Matrix, error) {
	an, ri, ci, err := s.matrixArgs(ctx, rows, columns)
	if err != nil {
		return nil, err
	}
	return an.matrix(ri, ci, f, MatrixOptions{}), nil
}
