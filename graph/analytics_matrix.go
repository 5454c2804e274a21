package graph

import (
	"context"
	"sort"
)

// Matrix is the evidence matrix: outcome claims counted by a pair of axis values.
type Matrix struct {
	// Rows and Columns list every value of their axis present in the graph, in axis order.
	Rows    []*AxisValue
	Columns []*AxisValue
	// Cells are the non-empty cells, row by row.
	Cells []*MatrixCell
	// Gaps is the number of empty row × column combinations.
	Gaps int
}

// MatrixGap is an empty cell.
type MatrixGap struct {
	Row    string
	Column string
}

// GapCells lists the empty cells, row by row (computed when asked for).
func (m *Matrix) GapCells() []*MatrixGap {
	filled := make(map[[2]string]bool, len(m.Cells))
	for _, c := range m.Cells {
		filled[[2]string{c.Row, c.Column}] = true
	}
	out := make([]*MatrixGap, 0, m.Gaps)
	for _, r := range m.Rows {
		for _, c := range m.Columns {
			if !filled[[2]string{r.Key, c.Key}] {
				out = append(out, &MatrixGap{Row: r.Key, Column: c.Key})
			}
		}
	}
	return out
}

// MatrixCell counts the claims that take one row value and one column value.
type MatrixCell struct {
	Row                  string
	Column               string
	ClaimCount           int
	SourceCount          int
	Positive             int
	None                 int
	Negative             int
	Mixed                int
	StrongestDesign      *StudyDesign
	HighestEvidenceLevel *EvidenceLevel

	an     *analytics
	claims []int32
}

// ClaimIDs returns the ids of the cell's claims, in id order.
func (c *MatrixCell) ClaimIDs() []string { return c.an.claimIDs(c.claims) }

// Matrix counts the outcome claims matching f by their values on two axes. A claim with several
// values on an axis (two work models, say) counts in each of them; a claim with none on an axis
// is in no row (or column) of it.
func (s *Store) Matrix(ctx context.Context, rows, columns Axis, f *ClaimFilter) (*Matrix, error) {
	ri, err := axisIndex(rows)
	if err != nil {
		return nil, err
	}
	ci, err := axisIndex(columns)
	if err != nil {
		return nil, err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	return ix.analytics().matrix(ri, ci, f), nil
}

func (an *analytics) matrix(ri, ci int, f *ClaimFilter) *Matrix {
	R, C := an.axes[ri].values, an.axes[ci].values
	nc := len(C)
	match := an.compile(f)
	// One pass over the claims: each matching claim is counted in the cells of its row × column
	// values. Cells are numbered by first appearance; a dense array maps cell keys to them when
	// the matrix is small enough (it nearly always is), else a map.
	var (
		dense  []int32 // cell key → set number + 1
		sparse map[int]int32
		keys   []int // set number → cell key
	)
	if len(R)*nc <= 1<<20 {
		dense = make([]int32, len(R)*nc)
	} else {
		sparse = map[int]int32{}
	}
	t := an.newTally(len(R)*nc, false)
	for i := range an.claims {
		c := &an.claims[i]
		if !match.match(c) {
			continue
		}
		rs := an.values(ri, c)
		if len(rs) == 0 {
			continue
		}
		for _, r := range rs {
			for _, col := range an.values(ci, c) {
				k := int(r)*nc + int(col)
				var set int32
				if dense != nil {
					set = dense[k]
				} else {
					set = sparse[k]
				}
				if set == 0 {
					set = int32(t.newSet()) + 1
					keys = append(keys, k)
					if dense != nil {
						dense[k] = set
					} else {
						sparse[k] = set
					}
				}
				t.add(int(set-1), int32(i), c)
			}
		}
	}
	t.finish()
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	m := &Matrix{Rows: R, Columns: C, Cells: make([]*MatrixCell, len(order))}
	cells := make([]MatrixCell, len(order))
	e := newEnums()
	for n, k := range order {
		x := &t.sets[k]
		st := &x.st
		cells[n] = MatrixCell{
			Row: R[keys[k]/nc].Key, Column: C[keys[k]%nc].Key,
			ClaimCount: st.claims, SourceCount: st.sources,
			Positive: st.directions[0], None: st.directions[1], Negative: st.directions[2], Mixed: st.directions[3],
			StrongestDesign: e.design(st.design), HighestEvidenceLevel: e.level(st.level),
			an: an, claims: x.claims,
		}
		m.Cells[n] = &cells[n]
	}
	m.Gaps = len(R)*nc - len(m.Cells)
	return m
}

// ClaimGroup is the statistics of the claims that take one value of an axis (or of all
// matching claims, when not grouped).
type ClaimGroup struct {
	// Value is the group's axis value; nil when the claims are not grouped.
	Value                *AxisValue
	ClaimCount           int
	SourceCount          int
	Positive             int
	None                 int
	Negative             int
	Mixed                int
	StrongestDesign      *StudyDesign
	HighestEvidenceLevel *EvidenceLevel
	SampleSize           *NumberSummary
	EffectSize           *NumberSummary

	an     *analytics
	claims []int32
}

// ClaimIDs returns the ids of the group's claims, in id order.
func (g *ClaimGroup) ClaimIDs() []string { return g.an.claimIDs(g.claims) }

// ClaimStats counts the outcome claims matching f, grouped by their values on groupBy (a claim
// with several values counts in each group), or all together when groupBy is nil. Groups without
// claims are left out; they come in axis order.
func (s *Store) ClaimStats(ctx context.Context, f *ClaimFilter, groupBy *Axis) ([]*ClaimGroup, error) {
	gi := -1
	if groupBy != nil {
		var err error
		if gi, err = axisIndex(*groupBy); err != nil {
			return nil, err
		}
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	return ix.analytics().claimStats(f, gi), nil
}

func (an *analytics) claimStats(f *ClaimFilter, gi int) []*ClaimGroup {
	match := an.compile(f)
	n := 1
	if gi >= 0 {
		n = len(an.axes[gi].values)
	}
	t := an.newTally(n, true)
	for range n {
		t.newSet()
	}
	for i := range an.claims {
		c := &an.claims[i]
		if !match.match(c) {
			continue
		}
		if gi < 0 {
			t.add(0, int32(i), c)
			continue
		}
		for _, v := range an.values(gi, c) {
			t.add(int(v), int32(i), c)
		}
	}
	t.finish()
	out := []*ClaimGroup{}
	e := newEnums()
	for v := range t.sets {
		x := &t.sets[v]
		st := &x.st
		if st.claims == 0 && gi >= 0 {
			continue
		}
		g := &ClaimGroup{ClaimCount: st.claims, SourceCount: st.sources,
			Positive: st.directions[0], None: st.directions[1], Negative: st.directions[2], Mixed: st.directions[3],
			StrongestDesign: e.design(st.design), HighestEvidenceLevel: e.level(st.level),
			SampleSize: &st.sampleSize, EffectSize: &st.effectSize, an: an, claims: x.claims}
		if gi >= 0 {
			g.Value = an.axes[gi].values[v]
		}
		out = append(out, g)
	}
	return out
}
