package graph_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
)

// analyticsKB builds a changeset of a large synthetic knowledge base: 7 work models, 50
// outcomes, and the given numbers of methods, sources and outcome claims. Each method has one or
// two work models, one or two actor types, a target group, a region and (one in four) a rating;
// each claim cites one to three sources.
func analyticsKB(methods, sources, claims int) *graph.Changeset {
	r := rand.New(rand.NewPCG(1, 2))
	n := graphtest.Node
	cs := &graph.Changeset{BatchID: "synthetic", LoadedAt: "2026-01-01T00:00:00Z"}
	add := func(s graph.NodeSpec) { cs.Nodes = append(cs.Nodes, s) }
	pick := func(scheme string) string {
		v := graph.Vocabularies[scheme]
		return v[r.IntN(len(v))]
	}
	srcs := func(k int) []any {
		out := make([]any, k)
		for i := range out {
			out[i] = fmt.Sprintf("source/s%d", r.IntN(sources))
		}
		return out
	}
	for i := 0; i < sources; i++ {
		add(n(graph.TypeSource, fmt.Sprintf("source/s%d", i), "type", pick("SourceType"), "title", fmt.Sprintf("Source %d", i), "status", "CONFIRMED"))
	}
	for i := 1; i <= 7; i++ {
		add(n(graph.TypeWorkModel, fmt.Sprintf("workmodel/wm%d", i), "code", fmt.Sprintf("WM%d", i), "name", fmt.Sprintf("werkmodel %d", i), "status", "CONFIRMED"))
	}
	for i := 0; i < 20; i++ {
		add(n(graph.TypeTargetGroup, fmt.Sprintf("targetgroup/t%d", i), "label", fmt.Sprintf("doelgroep %d", i), "status", "CONFIRMED"))
	}
	for i := 0; i < 50; i++ {
		add(n(graph.TypeOutcome, fmt.Sprintf("outcome/o%d", i), "label", fmt.Sprintf("uitkomst %d", i), "domain", pick("OutcomeDomain"), "status", "CONFIRMED"))
	}
	for i := 0; i < methods; i++ {
		id := fmt.Sprintf("method/m%d", i)
		add(n(graph.TypeMethod, id, "name", fmt.Sprintf("methodiek %d", i), "status", "CONFIRMED",
			"targetGroups", []any{fmt.Sprintf("targetgroup/t%d", r.IntN(20))}, "regions", []any{pick("Region")},
			"supportFunctions", []any{pick("SupportFunction")}))
		wm := 1 + r.IntN(7)
		for k := 0; k < 1+r.IntN(2); k++ {
			add(n(graph.TypeAssignment, "", "subject", id, "workModel", fmt.Sprintf("workmodel/wm%d", 1+(wm+k-1)%7), "basis", "CURATOR",
				"status", "CONFIRMED", "sources", srcs(1)))
		}
		add(n(graph.TypeInvolvement, "", "subject", id, "type", pick("ActorType"), "status", "CONFIRMED", "sources", srcs(1)))
		if r.IntN(4) == 0 {
			add(n(graph.TypeEvidenceRating, "", "subject", id, "registry", "MOVISIE", "level", pick("EvidenceLevel"), "status", "CONFIRMED", "sources", srcs(1)))
		}
	}
	for i := 0; i < claims; i++ {
		kv := []any{"subject", fmt.Sprintf("method/m%d", r.IntN(methods)), "outcome", fmt.Sprintf("outcome/o%d", r.IntN(50)),
			"direction", pick("Direction"), "status", "CONFIRMED", "sources", srcs(1 + r.IntN(3)), "n", int64(10 + r.IntN(500))}
		if r.IntN(5) > 0 {
			kv = append(kv, "design", pick("StudyDesign"))
		}
		add(n(graph.TypeOutcomeClaim, fmt.Sprintf("claim/c%d", i), kv...))
	}
	return cs
}

// analyticsBenchSize is the synthetic KB's size: KRING_BENCH_CLAIMS claims (200,000 by default), with
// methods and sources scaled from 2,000 and 20,000 at that size.
func analyticsBenchSize(b *testing.B) (methods, sources, claims int) {
	claims = 200_000
	if s := os.Getenv("KRING_BENCH_CLAIMS"); s != "" {
		var err error
		if claims, err = strconv.Atoi(s); err != nil || claims < 100 {
			b.Fatalf("KRING_BENCH_CLAIMS=%q: want a number ≥ 100", s)
		}
	}
	return max(10, claims/100), max(100, claims/10), claims
}

var analyticsBench struct {
	once sync.Once
	st   *graph.Store
	load time.Duration
	err  error
}

// analyticsBenchStore loads the synthetic KB once for all benchmarks of the run (it takes tens of
// seconds at full size). The store stays open until the process ends.
func analyticsBenchStore(b *testing.B) (*graph.Store, time.Duration) {
	b.Helper()
	methods, sources, claims := analyticsBenchSize(b)
	analyticsBench.once.Do(func() {
		ctx := context.Background()
		st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendMemory})
		if err != nil {
			analyticsBench.err = err
			return
		}
		start := time.Now()
		if _, err := st.Apply(ctx, analyticsKB(methods, sources, claims), false); err != nil {
			analyticsBench.err = err
			return
		}
		analyticsBench.st, analyticsBench.load = st, time.Since(start)
	})
	if analyticsBench.err != nil {
		b.Fatalf("load synthetic KB: %v", analyticsBench.err)
	}
	return analyticsBench.st, analyticsBench.load
}

// BenchmarkMatrix times the WORK_MODEL × OUTCOME_DOMAIN matrix over a large synthetic KB (one
// op), and reports alongside: the same counts from a raw Cayley path query over the quad store
// (cayley-ns/op, and cayley/fast, the ratio; the counts must agree), the same matrix computed
// naively, walking the index maps per claim (raw-ns/op, and raw/fast), the one-off build of the claim-facet model
// (facets-ms), and the time to load the KB through Store.Apply (load-s).
//
//	go test ./graph -run '^$' -bench Matrix -benchtime 20x
func BenchmarkMatrix(b *testing.B) {
	ctx := context.Background()
	st, load := analyticsBenchStore(b)
	_, _, claims := analyticsBenchSize(b)

	start := time.Now()
	graph.BuildAnalyticsForTest(st)
	facets := time.Since(start)

	const rawRuns = 3
	start = time.Now()
	for i := 0; i < rawRuns; i++ {
		if _, _, err := graph.MatrixRaw(ctx, st, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil, graph.MatrixOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	raw := time.Since(start) / rawRuns

	// The raw-Cayley baseline: the same counts from one path query over the quad store.
	start = time.Now()
	sweep, err := graph.CayleySweep(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	cayleyRaw := time.Since(start)

	if _, err := st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil); err != nil { // builds the facets
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := graph.MatrixUncachedForTest(ctx, st, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil); err != nil {
			b.Fatal(err)
		}
	}
	fast := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	m, _ := graph.MatrixUncachedForTest(ctx, st, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil)
	for _, c := range m.Cells {
		if got := sweep[[2]string{c.Row, c.Column}]; got != c.ClaimCount {
			b.Fatalf("cell %s × %s: matrix %d claims, Cayley sweep %d", c.Row, c.Column, c.ClaimCount, got)
		}
	}
	if len(sweep) != len(m.Cells) {
		b.Fatalf("Cayley sweep has %d non-empty cells, the matrix %d", len(sweep), len(m.Cells))
	}
	b.ReportMetric(float64(cayleyRaw.Nanoseconds()), "cayley-ns/op")
	b.ReportMetric(float64(cayleyRaw.Nanoseconds())/fast, "cayley/fast")
	b.ReportMetric(float64(claims), "claims")
	b.ReportMetric(float64(raw.Nanoseconds()), "raw-ns/op")
	b.ReportMetric(float64(raw.Nanoseconds())/fast, "raw/fast")
	b.ReportMetric(float64(facets.Milliseconds()), "facets-ms")
	b.ReportMetric(load.Seconds(), "load-s")
}

// BenchmarkMatrixFiltered is the same matrix with a filter (positive claims, quasi-experimental
// or better, from academic sources), which every claim is tested against.
func BenchmarkMatrixFiltered(b *testing.B) {
	ctx := context.Background()
	st, _ := analyticsBenchStore(b)
	quasi := graph.StudyDesign("QUASI_EXPERIMENTAL")
	f := &graph.ClaimFilter{Direction: []graph.Direction{"POSITIVE"}, MinDesign: &quasi, SourceType: []graph.SourceType{"ACADEMIC_NL", "ACADEMIC_ANGLO"}}
	for b.Loop() {
		if _, err := graph.MatrixUncachedForTest(ctx, st, graph.AxisWorkModel, graph.AxisOutcomeDomain, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatrixLarge is the METHOD × OUTCOME matrix: 100,000 combinations at full size, too
// many for per-cell source bitsets, so sources are counted in a second pass.
func BenchmarkMatrixLarge(b *testing.B) {
	ctx := context.Background()
	st, _ := analyticsBenchStore(b)
	for b.Loop() {
		if _, err := graph.MatrixUncachedForTest(ctx, st, graph.AxisMethod, graph.AxisOutcome, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClaimStats groups every claim by method, with number summaries.
func BenchmarkClaimStats(b *testing.B) {
	ctx := context.Background()
	st, _ := analyticsBenchStore(b)
	by := graph.AxisMethod
	for b.Loop() {
		if _, err := st.ClaimStats(ctx, nil, &by); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindMethods runs a some-quantifier with counts over every method, sorted by source
// count.
func BenchmarkFindMethods(b *testing.B) {
	ctx := context.Background()
	st, _ := analyticsBenchStore(b)
	quasi := graph.StudyDesign("QUASI_EXPERIMENTAL")
	two := 2
	w := &graph.MethodWhere{Claims: &graph.ClaimsWhere{Some: &graph.SomeClaims{
		Where: &graph.ClaimFilter{Direction: []graph.Direction{"POSITIVE"}, MinDesign: &quasi}, MinSources: &two}}}
	order := []*graph.MethodOrder{{By: graph.OrderBySourceCount, Direction: graph.Desc}}
	for b.Loop() {
		if _, err := st.FindMethods(ctx, w, order); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPaths searches the paths of up to 4 hops from a method to an outcome; on the
// synthetic KB there are far more than MaxPaths, so the search is cut off.
func BenchmarkPaths(b *testing.B) {
	ctx := context.Background()
	st, _ := analyticsBenchStore(b)
	var r *graph.PathResult
	for b.Loop() {
		var err error
		if r, err = st.Paths(ctx, "method/m1", "outcome/o1", graph.MaxPathHops); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Paths)), "paths")
}

// BenchmarkMatrixCayleyData is the raw-Cayley baseline of BenchmarkMatrixGraphQL (repository
// root) on the same knowledge base: the bolt data directory in KRING_BENCH_MATRIX_DATA (that
// benchmark logs the path of its cached large KB), opened read-only; skipped without it. It
// times one CayleySweep of the WORK_MODEL × OUTCOME_DOMAIN counts, cut off after
// KRING_BENCH_CAYLEY_LIMIT (a duration, 60s by default; 0: no limit: on the large KB the whole
// sweep takes about 9 minutes), checks its counts against the matrix (equal when complete, no
// more when cut), and reports cayley-s, cayley-done (the fraction of the cell claims swept: 1,
// or less when cut off), matrix-ms (Store.Matrix, warm) and cayley/matrix (a lower bound when
// cut off). Divide cayley-s by BenchmarkMatrixGraphQL's wm-ms, method-ms or table-ms for the
// ratios through the whole handler.
//
//	KRING_BENCH_MATRIX_DATA=$TMPDIR/kring-bench-startup/large-<key>/data \
//	  go test ./graph -run '^$' -bench BenchmarkMatrixCayleyData -benchtime 1x
func BenchmarkMatrixCayleyData(b *testing.B) {
	dir := os.Getenv("KRING_BENCH_MATRIX_DATA")
	if dir == "" {
		b.Skip("KRING_BENCH_MATRIX_DATA not set")
	}
	limit := 60 * time.Second
	if s := strings.TrimSpace(os.Getenv("KRING_BENCH_CAYLEY_LIMIT")); s != "" {
		var err error
		if limit, err = time.ParseDuration(s); err != nil {
			b.Fatalf("KRING_BENCH_CAYLEY_LIMIT=%q: want a duration (0: no limit)", s)
		}
	}
	ctx := context.Background()
	st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: dir, ReadOnly: true})
	if err != nil {
		b.Fatalf("open %s: %v", dir, err)
	}
	defer st.Close()
	m, err := st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil) // builds the facets
	if err != nil {
		b.Fatal(err)
	}
	var matrix time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil); err != nil {
			b.Fatal(err)
		}
		matrix += time.Since(start)
	}
	matrix /= time.Duration(b.N)

	sctx, cancel := ctx, context.CancelFunc(func() {})
	if limit > 0 {
		sctx, cancel = context.WithTimeout(ctx, limit)
	}
	start := time.Now()
	sweep, err := graph.CayleySweep(sctx, st)
	cayley := time.Since(start)
	cancel()
	cut := limit > 0 && errors.Is(err, context.DeadlineExceeded)
	if err != nil && !cut {
		b.Fatalf("Cayley sweep: %v", err)
	}
	total, swept := 0, 0
	for _, c := range m.Cells {
		total += c.ClaimCount
		got := sweep[[2]string{c.Row, c.Column}]
		swept += got
		if got > c.ClaimCount || !cut && got != c.ClaimCount {
			b.Errorf("cell %s × %s: matrix %d claims, Cayley sweep %d", c.Row, c.Column, c.ClaimCount, got)
		}
	}
	if len(sweep) > len(m.Cells) || !cut && len(sweep) != len(m.Cells) {
		b.Errorf("the Cayley sweep has %d non-empty cells, the matrix %d", len(sweep), len(m.Cells))
	}
	done := float64(swept) / float64(max(total, 1))
	if cut {
		b.Logf("the Cayley sweep was cut off after %s, %.1f%% done", limit, 100*done)
	}
	b.ReportMetric(cayley.Seconds(), "cayley-s")
	b.ReportMetric(done, "cayley-done")
	b.ReportMetric(float64(matrix.Nanoseconds())/1e6, "matrix-ms")
	b.ReportMetric(cayley.Seconds()/matrix.Seconds(), "cayley/matrix")
	b.Logf("%s: %d quads", dir, st.QuadCount())
}
