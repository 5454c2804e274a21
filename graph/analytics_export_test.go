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

// MatrixRaw computes the same matrix as Store.Matrix the naive way: for each claim, build it,
// filter it with index.matchClaim, and walk the index maps for its axis values; cells and
// distinct sources are kept in maps. It is the baseline of BenchmarkMatrix and the oracle of
// TestMatrixMatchesRaw. It also returns each cell's claim ids.
func MatrixRaw(ctx context.Context, s *Store, rows, columns Axis, f *ClaimFilter) (*Matrix, map[[2]string][]string, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, nil, err
	}
	an := ix.analytics() // only for the row and column value lists, which are not counted
	ri, err := axisIndex(rows)
	if err != nil {
		return nil, nil, err
	}
	ci, err := axisIndex(columns)
	if err != nil {
		return nil, nil, err
	}
	type cell struct {
		claims  []string
		sources map[string]bool
		dirs    map[Direction]int
		design  int
		level   int
	}
	cells := map[[2]string]*cell{}
	for _, id := range ix.byType[TypeOutcomeClaim] {
		c := ix.build(ix.nodes[id]).(*OutcomeClaim)
		if !ix.matchClaim(c, f) {
			continue
		}
		for _, r := range rawValues(ix, c, Axes[ri]) {
			for _, col := range rawValues(ix, c, Axes[ci]) {
				k := [2]string{r, col}
				x := cells[k]
				if x == nil {
					x = &cell{sources: map[string]bool{}, dirs: map[Direction]int{}, design: -1, level: -1}
					cells[k] = x
				}
				x.claims = append(x.claims, c.ID)
				x.dirs[c.Direction]++
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
			StrongestDesign: e.design(int8(x.design)), HighestEvidenceLevel: e.level(int8(x.level))})
		ids[k] = x.claims
	}
	return m, ids, nil
}

// rawValues walks the index maps for a claim's values on an axis.
func rawValues(ix *index, c *OutcomeClaim, a Axis) []string {
	var out []string
	add := func(v string) {
		if v != "" && !containsString(out, v) {
			out = append(out, v)
		}
	}
	m := ix.nodes[c.MethodID]
	switch a {
	case AxisOutcome:
		add(c.OutcomeID)
		return out
	case AxisOutcomeDomain:
		add(string(c.OutcomeDomain))
		return out
	case AxisSourceType:
		for _, s := range c.SourceIDs {
			add(ix.nodes[s].str("sourceType"))
		}
		return out
	}
	if m == nil {
		return nil
	}
	switch a {
	case AxisMethod:
		add(m.id)
	case AxisWorkModel:
		for _, id := range ix.inTyped(m, "subject", TypeAssignment) {
			add(ix.nodes[id].ref("workModel"))
		}
	case AxisActorType:
		for _, id := range ix.inTyped(m, "subject", TypeInvolvement) {
			add(codeOf(ix.nodes[id].ref("actorType")))
		}
	case AxisPreconditionCategory:
		for _, id := range ix.inTyped(m, "subject", TypeRequirement) {
			if p := ix.nodes[ix.nodes[id].ref("precondition")]; p != nil {
				add(codeOf(p.ref("category")))
			}
		}
	case AxisTargetGroup:
		for _, t := range m.outs("targetGroup") {
			add(t)
		}
	case AxisSupportFunction:
		for _, t := range m.outs("supportFunction") {
			add(codeOf(t))
		}
	case AxisRegion:
		for _, t := range m.outs("region") {
			add(codeOf(t))
		}
	}
	return out
}

// MatrixUncachedForTest computes a matrix as Store.Matrix does, bypassing the per-read-model
// matrix cache, so that benchmarks time the computation rather than a cache hit.
func MatrixUncachedForTest(ctx context.Context, s *Store, rows, columns Axis, f *ClaimFilter) (*Matrix, error) {
	an, ri, ci, err := s.matrixArgs(ctx, rows, columns)
	if err != nil {
		return nil, err
	}
	return an.matrix(ri, ci, f), nil
}
