package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"kring/graph"
	"kring/resolvers"
)

// matrixQuery is the explorer's matrix query (SERVER_MATRIX_QUERY in
// explorer/src/pages/matrix.tsx; docs/queries/07-matrix-workmodel-outcomedomain.graphql asks
// the same fields): what an analyst's matrix page asks for, every cell with its counts.
const matrixQuery = `query Matrix($rows: Axis!, $cols: Axis!, $filter: ClaimFilter, $lang: Lang!) {
  matrix(rows: $rows, columns: $cols, filter: $filter) {
    rows { key label(lang: $lang) }
    columns { key label(lang: $lang) }
    gaps
    cells { row column claimCount sourceCount positive none negative mixed strongestDesign highestEvidenceLevel }
  }
}`

// matrixTableQuery asks for the same matrix with its cells as columns (Matrix.table), the
// compact form for large matrices.
const matrixTableQuery = `query Matrix($rows: Axis!, $cols: Axis!, $filter: ClaimFilter, $lang: Lang!) {
  matrix(rows: $rows, columns: $cols, filter: $filter) {
    rows { key label(lang: $lang) }
    columns { key label(lang: $lang) }
    gaps
    table { row column claimCount sourceCount positive none negative mixed strongestDesign highestEvidenceLevel }
  }
}`

// BenchmarkMatrixGraphQL measures the evidence matrix as a client gets it: a POST /graphql
// request through the whole HTTP handler `kring serve` runs (newMux: request logging, auth,
// dataloaders, gqlgen with its limits and timeout, the resolvers, JSON encoding), in process
// (httptest requests to handler.ServeHTTP, no network), on the generated large knowledge base
// (issue #4; goals: ≤ 50 ms a matrix, ≥ 50× faster than reading the same counts through Cayley:
// that baseline is graph's BenchmarkMatrixCayleyData on the same data directory, whose path this
// benchmark logs). It reports, it does not fail on the goals.
//
// The data directory is the one BenchmarkStartup generates and caches (startupDataset); a fresh
// copy is opened with graph.Open (bolt, from its start-up snapshot). KRING_BENCH_MATRIX_SCALE
// (large by default; small for a quick run) chooses the scale. Each op is one
// WORK_MODEL × OUTCOME_DOMAIN and one METHOD × OUTCOME request, with the explorer's query
// (matrixQuery) and no filter. Metrics:
//
//	wm-ms          median time of the WORK_MODEL × OUTCOME_DOMAIN request, warm
//	method-ms      median time of the METHOD × OUTCOME request, warm
//	table-ms       median time of the METHOD × OUTCOME request asking for Matrix.table instead
//	               of Matrix.cells (matrixTableQuery), warm
//	table-bytes    size of that response body
//	first-ms       the first request (WORK_MODEL × OUTCOME_DOMAIN), which builds the claim-facet model
//	wm-bytes       size of the WORK_MODEL × OUTCOME_DOMAIN response body
//	method-bytes   size of the METHOD × OUTCOME response body
//	rss-MiB        VmRSS of this process after the warm matrices
//	open-ms        graph.Open of the copied data directory
//
// ns/op is the mean time of the two requests together.
//
//	go test -run '^$' -bench BenchmarkMatrixGraphQL -benchtime 3x .
func BenchmarkMatrixGraphQL(b *testing.B) {
	scale := "large"
	if s := strings.TrimSpace(os.Getenv("KRING_BENCH_MATRIX_SCALE")); s != "" {
		scale = s
	}
	ctx := context.Background()
	pristine := startupDataset(b, startupBuild(b), scale)
	dir := filepath.Join(b.TempDir(), "data")
	if err := startupCopyDir(pristine, dir); err != nil {
		b.Fatalf("copy %s: %v", pristine, err)
	}
	start := time.Now()
	st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: dir})
	if err != nil {
		b.Fatalf("open %s: %v", dir, err)
	}
	open := time.Since(start)
	b.Cleanup(func() {
		if err := st.Close(); err != nil {
			b.Errorf("close: %v", err)
		}
	})

	// The handler as cmdServe wires it with its default flags: info-level text log (requests
	// are logged at debug, so not written), a 15 s timeout, no tokens (anonymous, read-only).
	log, err := newLogger(io.Discard, "text", "info")
	if err != nil {
		b.Fatal(err)
	}
	// The complexity limit is lifted: METHOD × OUTCOME as cell objects (135,814 of them on the
	// large KB) costs far more than a request may (resolvers/cost.go); it is measured here
	// against the table form, which the explorer sends.
	limits := resolvers.DefaultLimits
	limits.MaxComplexity = 1 << 40
	h := newMux(st, log, resolvers.Options{Timeout: 15 * time.Second, Limits: limits})

	wm := newMatrixRequest(b, matrixQuery, "WORK_MODEL", "OUTCOME_DOMAIN")
	method := newMatrixRequest(b, matrixQuery, "METHOD", "OUTCOME")
	table := newMatrixRequest(b, matrixTableQuery, "METHOD", "OUTCOME")
	var w matrixWriter

	// Warm-up, untimed by the loop: the first request builds the claim-facet model.
	first := wm.do(h, &w)
	wmCells := checkMatrixResponse(b, "WORK_MODEL × OUTCOME_DOMAIN", &w)
	wmBytes := w.body.Len()
	methodFirst := method.do(h, &w)
	methodCells := checkMatrixResponse(b, "METHOD × OUTCOME", &w)
	methodBytes := w.body.Len()
	table.do(h, &w)
	checkMatrixTable(b, "METHOD × OUTCOME as a table", &w, methodCells)
	tableBytes := w.body.Len()

	var wmTimes, methodTimes, tableTimes []time.Duration
	for b.Loop() {
		wmTimes = append(wmTimes, wm.do(h, &w))
		checkMatrixBody(b, "WORK_MODEL × OUTCOME_DOMAIN", &w, wmBytes)
		methodTimes = append(methodTimes, method.do(h, &w))
		checkMatrixBody(b, "METHOD × OUTCOME", &w, methodBytes)
		tableTimes = append(tableTimes, table.do(h, &w))
		checkMatrixBody(b, "METHOD × OUTCOME as a table", &w, tableBytes)
	}

	// Includes the benchmark process's own overhead (the test binary, the copy of the last
	// response, the warm-up's decoded responses until collected), not only the store's.
	rss, _, err := startupMemory(os.Getpid())
	if err != nil {
		b.Fatal(err)
	}

	// The raw-Cayley baseline of the same store is graph's BenchmarkMatrixCayleyData (Cayley is
	// graph's own: its sweep is no part of graph's API), which checks Store.Matrix's counts
	// against it; the handler's counts must be Store.Matrix's.
	m, err := st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil)
	if err != nil {
		b.Fatal(err)
	}
	want := map[[2]string]int{}
	for _, c := range m.Cells {
		want[[2]string{c.Row, c.Column}] = c.ClaimCount
	}
	for _, c := range wmCells {
		if got := want[[2]string{c.Row, c.Column}]; got != c.ClaimCount {
			b.Errorf("cell %s × %s: %d claims through the handler, Store.Matrix %d", c.Row, c.Column, c.ClaimCount, got)
		}
	}
	if len(wmCells) != len(m.Cells) {
		b.Errorf("%d non-empty cells through the handler, Store.Matrix %d", len(wmCells), len(m.Cells))
	}
	b.Logf("raw-Cayley baseline: KRING_BENCH_MATRIX_DATA=%s go test ./graph -run '^$' -bench BenchmarkMatrixCayleyData -benchtime 1x", pristine)

	wmMed, methodMed, tableMed := startupMedian(wmTimes), startupMedian(methodTimes), startupMedian(tableTimes)
	ms := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
	b.ReportMetric(ms(wmMed), "wm-ms")
	b.ReportMetric(ms(methodMed), "method-ms")
	b.ReportMetric(ms(tableMed), "table-ms")
	b.ReportMetric(float64(tableBytes), "table-bytes")
	b.ReportMetric(ms(first), "first-ms")
	b.ReportMetric(float64(wmBytes), "wm-bytes")
	b.ReportMetric(float64(methodBytes), "method-bytes")
	b.ReportMetric(rss, "rss-MiB")
	b.ReportMetric(ms(open), "open-ms")
	b.Logf("%s: %d quads; METHOD × OUTCOME warm-up %s", scale, st.QuadCount(), methodFirst.Round(time.Microsecond))
}

// matrixRequest is one matrix query, ready to send again and again.
type matrixRequest struct {
	body  []byte
	label context.Context // profile label: matrix=ROWSxCOLS, with -table for matrixTableQuery
}

func newMatrixRequest(b *testing.B, query, rows, cols string) *matrixRequest {
	body, err := json.Marshal(map[string]any{
		"operationName": "Matrix",
		"query":         query,
		"variables":     map[string]any{"rows": rows, "cols": cols, "filter": nil, "lang": "NL"},
	})
	if err != nil {
		b.Fatal(err)
	}
	label := rows + "x" + cols
	if query == matrixTableQuery {
		label += "-table"
	}
	return &matrixRequest{body, pprof.WithLabels(context.Background(), pprof.Labels("matrix", label))}
}

// do sends the request to h, as the explorer's client does, and returns how long h took. The
// handler runs with the profile label matrix=ROWSxCOLS (inherited by the goroutines it starts),
// so that a CPU profile separates the two matrices and the sweep (matrix=cayley):
//
//	go test -run '^$' -bench BenchmarkMatrixGraphQL -benchtime 50x -cpuprofile cpu.out .
//	go tool pprof -top -tagfocus matrix=METHODxOUTCOME cpu.out
func (m *matrixRequest) do(h http.Handler, w *matrixWriter) time.Duration {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(m.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	w.reset()
	pprof.SetGoroutineLabels(m.label)
	defer pprof.SetGoroutineLabels(context.Background())
	start := time.Now()
	h.ServeHTTP(w, req)
	return time.Since(start)
}

// matrixWriter is an http.ResponseWriter that keeps the body in a buffer reused across
// requests, so that the timed requests pay for writing their response, as to a socket, but not
// for growing a fresh buffer each time (as httptest.ResponseRecorder would).
type matrixWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *matrixWriter) reset() {
	w.header, w.status = http.Header{}, 0
	w.body.Reset()
}

func (w *matrixWriter) Header() http.Header { return w.header }

func (w *matrixWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *matrixWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(p)
}

type matrixCell struct {
	Row, Column                                              string
	ClaimCount, SourceCount, Positive, None, Negative, Mixed int
	StrongestDesign, HighestEvidenceLevel                    *string
}

// checkMatrixResponse decodes a matrix response and fails unless it has no errors, rows,
// columns and non-empty cells whose counts add up; it returns the cells.
func checkMatrixResponse(b *testing.B, name string, w *matrixWriter) []matrixCell {
	b.Helper()
	if w.status != http.StatusOK {
		b.Fatalf("%s: HTTP %d: %.2000s", name, w.status, w.body.Bytes())
	}
	var resp struct {
		Data struct {
			Matrix *struct {
				Rows, Columns []struct{ Key, Label string }
				Gaps          int
				Cells         []matrixCell
			}
		}
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(w.body.Bytes(), &resp); err != nil {
		b.Fatalf("%s: %v: %.2000s", name, err, w.body.Bytes())
	}
	if len(resp.Errors) > 0 || resp.Data.Matrix == nil {
		b.Fatalf("%s: errors: %.2000s", name, w.body.Bytes())
	}
	m := resp.Data.Matrix
	if len(m.Rows) == 0 || len(m.Columns) == 0 || len(m.Cells) == 0 {
		b.Fatalf("%s: %d rows, %d columns, %d cells", name, len(m.Rows), len(m.Columns), len(m.Cells))
	}
	claims := 0
	for _, c := range m.Cells {
		if c.ClaimCount <= 0 || c.SourceCount <= 0 || c.Positive+c.None+c.Negative+c.Mixed != c.ClaimCount {
			b.Fatalf("%s: cell %+v", name, c)
		}
		claims += c.ClaimCount
	}
	if want := len(m.Rows)*len(m.Columns) - len(m.Cells); m.Gaps != want {
		b.Errorf("%s: %d gaps; %d rows × %d columns with %d cells leave %d", name, m.Gaps, len(m.Rows), len(m.Columns), len(m.Cells), want)
	}
	b.Logf("%s: %d rows × %d columns, %d cells (%d claims counted), %d gaps, %d bytes",
		name, len(m.Rows), len(m.Columns), len(m.Cells), claims, m.Gaps, w.body.Len())
	return m.Cells
}

// checkMatrixTable decodes a response asking for Matrix.table and fails unless its columns
// hold exactly the cells (as decoded from the cells response).
func checkMatrixTable(b *testing.B, name string, w *matrixWriter, cells []matrixCell) {
	b.Helper()
	var resp struct {
		Data struct {
			Matrix *struct {
				Rows, Columns []struct{ Key string }
				Table         struct {
					Row, Column, ClaimCount, SourceCount, Positive, None, Negative, Mixed []int
					StrongestDesign, HighestEvidenceLevel                                 []*string
				}
			}
		}
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(w.body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 || resp.Data.Matrix == nil {
		b.Fatalf("%s: %v: %.2000s", name, err, w.body.Bytes())
	}
	m := resp.Data.Matrix
	t := m.Table
	if len(t.Row) != len(cells) {
		b.Fatalf("%s: %d table entries; want %d cells", name, len(t.Row), len(cells))
	}
	for i, c := range cells {
		got := matrixCell{m.Rows[t.Row[i]].Key, m.Columns[t.Column[i]].Key, t.ClaimCount[i], t.SourceCount[i],
			t.Positive[i], t.None[i], t.Negative[i], t.Mixed[i], t.StrongestDesign[i], t.HighestEvidenceLevel[i]}
		if !reflect.DeepEqual(got, c) {
			b.Fatalf("%s: entry %d = %+v; the cell is %+v", name, i, got, c)
		}
	}
	b.Logf("%s: %d cells, %d bytes", name, len(cells), w.body.Len())
}

// checkMatrixBody checks a timed response cheaply: 200, data and no errors (gqlgen writes
// errors before data), and the warm-up's size (the store does not change).
func checkMatrixBody(b *testing.B, name string, w *matrixWriter, size int) {
	b.Helper()
	if w.status != http.StatusOK || !bytes.HasPrefix(w.body.Bytes(), []byte(`{"data":{"matrix":{`)) || w.body.Len() != size {
		b.Fatalf("%s: HTTP %d, %d bytes (warm-up: %d): %.500s", name, w.status, w.body.Len(), size, w.body.Bytes())
	}
}
