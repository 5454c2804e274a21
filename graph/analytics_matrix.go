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
// is in no row (or column) of it. The result is cached for the read model and shared between
// callers: it must not be changed.
func (s *Store) Matrix(ctx context.Context, rows, columns Axis, f *ClaimFilter) (*Matrix, error) {
	an, ri, ci, err := s.matrixArgs(ctx, rows, columns)
	if err != nil {
		return nil, err
	}
	return an.cachedMatrix(ri, ci, f), nil
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
func (an *analytics) cachedMatrix(ri, ci int, f *ClaimFilter) *Matrix {
	fb, err := json.Marshal(f)
	if err != nil {
		return an.matrix(ri, ci, f)
	}
	key := strconv.Itoa(ri) + "," + strconv.Itoa(ci) + "," + string(fb)
	an.matricesMu.Lock()
	m := an.matrices[key]
	an.matricesMu.Unlock()
	if m != nil {
		return m
	}
	m = an.matrix(ri, ci, f)
	an.matricesMu.Lock()
	if an.matrices == nil || len(an.matrices) >= maxCachedMatrices {
		an.matrices = map[string]*Matrix{}
	}
	an.matrices[key] = m
	an.matricesMu.Unlock()
	return m
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
	ints := []*IntColumn{&t.Row, &t.Column, &t.ClaimCount, &t.SourceCount, &t.Positive, &t.None, &t.Negative, &t.Mixed}
	for _, c := range ints {
		*c = make(IntColumn, 0, n)
	}
	t.StrongestDesign, t.HighestEvidenceLevel = make(CodeColumn, 0, n), make(CodeColumn, 0, n)
	for _, c := range m.Cells {
		for i, v := range []int{rowPos[c.Row], colPos[c.Column], c.ClaimCount, c.SourceCount, c.Positive, c.None, c.Negative, c.Mixed} {
			*ints[i] = append(*ints[i], v)
		}
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
