package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
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

	table func() *MatrixTable // built once, on first use
}

// Cell returns the non-empty cell with the given row and column keys, or nil when that
// combination is empty or not on the matrix's axes.
func (m *Matrix) Cell(row, column string) *MatrixCell {
	for _, c := range m.Cells {
		if c.Row == row && c.Column == column {
			return c
		}
	}
	return nil
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
	// ViaCount counts the claims that are here only through an implementing initiative.
	ViaCount int
	// UnconfirmedCount counts the claims whose claim, counting link or any source is not
	// CONFIRMED.
	UnconfirmedCount int

	an     *analytics
	claims []int32
	conf   confidenceAcc
}

// ClaimIDs returns the ids of the cell's claims, in id order.
func (c *MatrixCell) ClaimIDs() []string { return c.an.claimIDs(c.claims) }

// Confidence rates the cell's claims (Rate, confidence.go).
func (c *MatrixCell) Confidence() *Confidence {
	r := c.conf.result(c.SourceCount, sharedEnums)
	return &r
}

// Matrix counts the outcome claims matching f by their values on two axes, with the default
// roll-up (MatrixOptions{}). See MatrixWith.
func (s *Store) Matrix(ctx context.Context, rows, columns Axis, f *ClaimFilter) (*Matrix, error) {
	return s.MatrixWith(ctx, rows, columns, f, MatrixOptions{})
}

// MatrixWith counts the outcome claims matching f by their values on two axes. A claim with
// several values on an axis (two work models, say) counts in each of them; a claim with none on
// an axis counts in the axis's "none" value (NoneKey), which is the last row (column) whenever
// some claim of the graph has no value there. o chooses the roll-up. Under f.ConfirmedOnly, a
// value reached through a link that is not CONFIRMED does not count (the claim lands in "none"
// when no value is left). The result is cached for the read model and shared between callers:
// it must not be changed.
func (s *Store) MatrixWith(ctx context.Context, rows, columns Axis, f *ClaimFilter, o MatrixOptions) (*Matrix, error) {
	an, ri, ci, err := s.matrixArgs(ctx, rows, columns)
	if err != nil {
		return nil, err
	}
	return an.cachedMatrix(ri, ci, f, o), nil
}

// matrixArgs resolves a matrix's axes and the claim-facet model it is computed from.
func (s *Store) matrixArgs(ctx context.Context, rows, columns Axis) (an *analytics, ri, ci int, err error) {
	if ri, err = axisIndex(rows); err != nil {
		return nil, 0, 0, err
	}
	if ci, err = axisIndex(columns); err != nil {
		return nil, 0, 0, err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	return ix.analytics(), ri, ci, nil
}

// maxCachedMatrices bounds the matrix cache of one read model.
const maxCachedMatrices = 32

// cachedMatrix returns the matrix for the arguments, computing it when it is not cached. The
// returned matrix is shared: callers must not change it.
func (an *analytics) cachedMatrix(ri, ci int, f *ClaimFilter, o MatrixOptions) *Matrix {
	fb, err := json.Marshal(f)
	if err != nil {
		return an.matrix(ri, ci, f, o)
	}
	key := fmt.Sprintf("%d,%d,%t,%t,%s", ri, ci, o.AsCoded, o.NoVia, fb)
	an.matricesMu.Lock()
	m := an.matrices[key]
	an.matricesMu.Unlock()
	if m != nil {
		return m
	}
	m = an.matrix(ri, ci, f, o)
	an.matricesMu.Lock()
	if an.matrices == nil || len(an.matrices) >= maxCachedMatrices {
		an.matrices = map[string]*Matrix{}
	}
	an.matrices[key] = m
	an.matricesMu.Unlock()
	return m
}

// noneValue is the value list of a claim without values: the none position of an axis.
func noneValue(n int) []int32 { return []int32{int32(n)} }

// axisLists are one axis's value lists of every method row in one variant, side by side: a
// matrix reads them per claim instead of the whole method row (a few cache lines less per
// claim). nil for the axes whose values come from the claim itself.
type axisLists struct {
	vals  [][]int32
	flags [][]uint8
}

func (an *analytics) axisLists(ax, v int) *axisLists {
	switch ax {
	case axOutcome, axOutcomeDomain, axSourceType:
		return nil
	}
	l := &axisLists{vals: make([][]int32, len(an.methods)), flags: make([][]uint8, len(an.methods))}
	for i := range an.methods {
		l.vals[i], l.flags[i] = an.methods[i].vals[ax][v], an.methods[i].flags[ax][v]
	}
	return l
}

// countedValues returns the claim's values on axis ax (variant v; from lists when not nil) that
// count under match, or the axis's none position (n, its number of values) when there are none.
func (an *analytics) countedValues(ax, v int, lists *axisLists, c *claimRow, match *claimMatcher, none []int32) ([]int32, []uint8) {
	var vs []int32
	var fl []uint8
	switch {
	case lists == nil:
		vs, fl = an.values(ax, v, c)
	case c.method >= 0:
		vs, fl = lists.vals[c.method], lists.flags[c.method]
	}
	if match.confirmed && fl != nil {
		kept := 0
		for i := range vs {
			if fl[i]&flagLinkNC == 0 {
				kept++
			}
		}
		if kept < len(vs) {
			kv, kf := make([]int32, 0, kept), make([]uint8, 0, kept)
			for i := range vs {
				if fl[i]&flagLinkNC == 0 {
					kv, kf = append(kv, vs[i]), append(kf, fl[i])
				}
			}
			vs, fl = kv, kf
		}
	}
	if len(vs) == 0 {
		return none, nil
	}
	return vs, fl
}

func (an *analytics) matrix(ri, ci int, f *ClaimFilter, o MatrixOptions) *Matrix {
	R0, C0 := an.axes[ri].values, an.axes[ci].values
	rv, cv := o.variant(ri), o.variant(ci)
	// Positions len(R0) and len(C0) are the none values.
	nr, nc := len(R0)+1, len(C0)+1
	rNone, cNone := noneValue(len(R0)), noneValue(len(C0))
	match := an.compile(f)
	rl, cl := an.axisLists(ri, rv), an.axisLists(ci, cv)
	// One pass over the claims: each matching claim is counted in the cells of its row × column
	// values. Cells are numbered by first appearance; a dense array maps cell keys to them when
	// the matrix is small enough (it nearly always is), else a map.
	var (
		dense  []int32 // cell key → set number + 1
		sparse map[int]int32
		keys   []int // set number → cell key
	)
	if nr*nc <= 1<<20 {
		dense = make([]int32, nr*nc)
	} else {
		sparse = map[int]int32{}
	}
	t := an.newTally(nr*nc, false)
	for i := range an.claims {
		c := &an.claims[i]
		if !match.match(c) {
			continue
		}
		rs, rf := an.countedValues(ri, rv, rl, c, match, rNone)
		cs, cf := an.countedValues(ci, cv, cl, c, match, cNone)
		for a, r := range rs {
			fr := c.flags | flagAt(rf, a)
			for b, col := range cs {
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
				t.add(int(set-1), int32(i), c, fr|flagAt(cf, b))
			}
		}
	}
	t.finish()
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return keys[order[a]] < keys[order[b]] })
	// The none row (column) is shown when some claim of the graph has no value on the axis, or
	// when this matrix counts a claim there (ConfirmedOnly can empty a claim's values).
	showR, showC := an.hasNone[ri][rv], an.hasNone[ci][cv]
	for _, k := range keys {
		showR = showR || k/nc == nr-1
		showC = showC || k%nc == nc-1
	}
	R, C := R0, C0
	if showR {
		R = append(R0[:len(R0):len(R0)], an.axes[ri].none)
	}
	if showC {
		C = append(C0[:len(C0):len(C0)], an.axes[ci].none)
	}
	valueAt := func(vals []*AxisValue, none *AxisValue, k int) string {
		if k == len(vals) {
			return none.Key
		}
		return vals[k].Key
	}
	m := &Matrix{Rows: R, Columns: C, Cells: make([]*MatrixCell, len(order))}
	cells := make([]MatrixCell, len(order))
	e := sharedEnums
	for n, k := range order {
		x := &t.sets[k]
		st := &x.st
		cells[n] = MatrixCell{
			Row: valueAt(R0, an.axes[ri].none, keys[k]/nc), Column: valueAt(C0, an.axes[ci].none, keys[k]%nc),
			ClaimCount: st.claims, SourceCount: st.sources,
			Positive: st.directions[0], None: st.directions[1], Negative: st.directions[2], Mixed: st.directions[3],
			StrongestDesign: e.design(st.design), HighestEvidenceLevel: e.level(st.level),
			ViaCount: st.via, UnconfirmedCount: st.unconfirmed,
			an: an, claims: x.claims, conf: st.conf,
		}
		m.Cells[n] = &cells[n]
	}
	m.Gaps = len(R)*len(C) - len(m.Cells)
	m.table = sync.OnceValue(m.buildTable)
	return m
}

// MatrixTable is a matrix's non-empty cells as columns, one entry per cell in cell order: the
// compact form of a large matrix (METHOD × OUTCOME has over 100,000 cells), which costs a
// fraction of one object per cell to send and to read.
type MatrixTable struct {
	Row, Column                           IntColumn // positions in Matrix.Rows and Matrix.Columns
	ClaimCount, SourceCount               IntColumn
	Positive, None, Negative, Mixed       IntColumn
	StrongestDesign, HighestEvidenceLevel CodeColumn
	ViaCount, UnconfirmedCount            IntColumn
	Confidence                            CodeColumn // each cell's ConfidenceLevel
}

// Table returns the matrix's cells as columns.
func (m *Matrix) Table() *MatrixTable {
	if m.table == nil {
		return m.buildTable()
	}
	return m.table()
}

func (m *Matrix) buildTable() *MatrixTable {
	n := len(m.Cells)
	rowPos, colPos := make(map[string]int, len(m.Rows)), make(map[string]int, len(m.Columns))
	for i, v := range m.Rows {
		rowPos[v.Key] = i
	}
	for i, v := range m.Columns {
		colPos[v.Key] = i
	}
	t := &MatrixTable{}
	ints := []*IntColumn{&t.Row, &t.Column, &t.ClaimCount, &t.SourceCount, &t.Positive, &t.None, &t.Negative, &t.Mixed, &t.ViaCount, &t.UnconfirmedCount}
	for _, c := range ints {
		*c = make(IntColumn, 0, n)
	}
	t.StrongestDesign, t.HighestEvidenceLevel, t.Confidence = make(CodeColumn, 0, n), make(CodeColumn, 0, n), make(CodeColumn, 0, n)
	for _, c := range m.Cells {
		for i, v := range []int{rowPos[c.Row], colPos[c.Column], c.ClaimCount, c.SourceCount, c.Positive, c.None, c.Negative, c.Mixed, c.ViaCount, c.UnconfirmedCount} {
			*ints[i] = append(*ints[i], v)
		}
		t.Confidence = append(t.Confidence, string(c.conf.levelOf(c.SourceCount)))
		var d, l string
		if c.StrongestDesign != nil {
			d = string(*c.StrongestDesign)
		}
		if c.HighestEvidenceLevel != nil {
			l = string(*c.HighestEvidenceLevel)
		}
		t.StrongestDesign, t.HighestEvidenceLevel = append(t.StrongestDesign, d), append(t.HighestEvidenceLevel, l)
	}
	return t
}

// IntColumn is a column of integers, written as a JSON array of numbers (the GraphQL scalar
// IntColumn).
type IntColumn []int

// MarshalGQL writes the column as a JSON array.
func (c IntColumn) MarshalGQL(w io.Writer) {
	writeColumn(w, c, 4, func(b []byte, v int) []byte { return strconv.AppendInt(b, int64(v), 10) })
}

// UnmarshalGQL reads a column from a list of integers.
func (c *IntColumn) UnmarshalGQL(v any) error {
	out, err := readColumn("IntColumn", "integers", v, func(x any) (int, error) {
		switch x := x.(type) {
		case int:
			return x, nil
		case int64:
			return int(x), nil
		case json.Number:
			n, err := x.Int64()
			return int(n), err
		}
		return 0, fmt.Errorf("want an integer, got %T", x)
	})
	if err == nil {
		*c = out
	}
	return err
}

// CodeColumn is a column of vocabulary codes, written as a JSON array of strings with null
// for "none" (the GraphQL scalar CodeColumn).
type CodeColumn []string

// MarshalGQL writes the column as a JSON array.
func (c CodeColumn) MarshalGQL(w io.Writer) {
	writeColumn(w, c, 8, func(b []byte, v string) []byte {
		switch {
		case v == "":
			return append(b, "null"...)
		case plainCode(v):
			return append(append(append(b, '"'), v...), '"')
		}
		q, _ := json.Marshal(v)
		return append(b, q...)
	})
}

// plainCode reports whether s needs no escaping in JSON (vocabulary codes never do).
func plainCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// UnmarshalGQL reads a column from a list of strings and nulls.
func (c *CodeColumn) UnmarshalGQL(v any) error {
	out, err := readColumn("CodeColumn", "codes", v, func(x any) (string, error) {
		switch x := x.(type) {
		case nil:
			return "", nil
		case string:
			return x, nil
		}
		return "", fmt.Errorf("want a code or null, got %T", x)
	})
	if err == nil {
		*c = out
	}
	return err
}

// writeColumn writes a column as a JSON array, each entry appended by entry; size is a guess at
// an entry's length.
func writeColumn[T any](w io.Writer, c []T, size int, entry func(b []byte, v T) []byte) {
	b := make([]byte, 0, 2+len(c)*size)
	b = append(b, '[')
	for i, v := range c {
		if i > 0 {
			b = append(b, ',')
		}
		b = entry(b, v)
	}
	w.Write(append(b, ']'))
}

// readColumn reads a column from a GraphQL list value, each entry read by entry.
func readColumn[T any](scalar, what string, v any, entry func(x any) (T, error)) ([]T, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: want a list of %s, got %T", scalar, what, v)
	}
	out := make([]T, len(list))
	for i, x := range list {
		var err error
		if out[i], err = entry(x); err != nil {
			return nil, fmt.Errorf("%s: entry %d: %w", scalar, i, err)
		}
	}
	return out, nil
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
	ViaCount             int
	UnconfirmedCount     int

	an     *analytics
	claims []int32
	conf   confidenceAcc
}

// ClaimIDs returns the ids of the group's claims, in id order.
func (g *ClaimGroup) ClaimIDs() []string { return g.an.claimIDs(g.claims) }

// Confidence rates the group's claims (Rate, confidence.go).
func (g *ClaimGroup) Confidence() *Confidence {
	r := g.conf.result(g.SourceCount, sharedEnums)
	return &r
}

// ClaimStats counts the outcome claims matching f, grouped by their values on groupBy (a claim
// with several values counts in each group, one with none in the "none" group, as in
// MatrixWith), or all together when groupBy is nil. Groups without claims are left out; they
// come in axis order, the none group last.
func (s *Store) ClaimStats(ctx context.Context, f *ClaimFilter, groupBy *Axis) ([]*ClaimGroup, error) {
	return s.ClaimStatsWith(ctx, f, groupBy, MatrixOptions{})
}

// ClaimStatsWith is ClaimStats with a choice of roll-up.
func (s *Store) ClaimStatsWith(ctx context.Context, f *ClaimFilter, groupBy *Axis, o MatrixOptions) ([]*ClaimGroup, error) {
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
	return ix.analytics().claimStats(f, gi, o), nil
}

func (an *analytics) claimStats(f *ClaimFilter, gi int, o MatrixOptions) []*ClaimGroup {
	match := an.compile(f)
	n, v := 1, 0
	var none []int32
	var lists *axisLists
	if gi >= 0 {
		n = len(an.axes[gi].values) + 1
		v = o.variant(gi)
		none = noneValue(n - 1)
		lists = an.axisLists(gi, v)
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
			t.add(0, int32(i), c, c.flags)
			continue
		}
		vs, fl := an.countedValues(gi, v, lists, c, match, none)
		for k, x := range vs {
			t.add(int(x), int32(i), c, c.flags|flagAt(fl, k))
		}
	}
	t.finish()
	out := []*ClaimGroup{}
	e := sharedEnums
	for k := range t.sets {
		x := &t.sets[k]
		st := &x.st
		if st.claims == 0 && gi >= 0 {
			continue
		}
		g := &ClaimGroup{ClaimCount: st.claims, SourceCount: st.sources,
			Positive: st.directions[0], None: st.directions[1], Negative: st.directions[2], Mixed: st.directions[3],
			StrongestDesign: e.design(st.design), HighestEvidenceLevel: e.level(st.level),
			SampleSize: &st.sampleSize, EffectSize: &st.effectSize, ViaCount: st.via, UnconfirmedCount: st.unconfirmed,
			an: an, claims: x.claims, conf: st.conf}
		if gi >= 0 {
			if k == n-1 {
				g.Value = an.axes[gi].none
			} else {
				g.Value = an.axes[gi].values[k]
			}
		}
		out = append(out, g)
	}
	return out
}
