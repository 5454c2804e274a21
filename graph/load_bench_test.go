package graph_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"kring/graph"
	"kring/ingest"
)

// benchBase is what the coded claims point at: methods and outcomes.
func benchBase(methods, outcomes int) *graph.Changeset {
	cs := &graph.Changeset{BatchID: "bench-base", Nodes: []graph.NodeSpec{
		{Type: graph.TypeSource, ID: "source/bench-base", Fields: []graph.FieldValue{
			{Name: "type", Value: "GREY_BE"}, {Name: "title", Value: "Bench base"}, {Name: "status", Value: "CONFIRMED"}}},
	}}
	for i := 0; i < methods; i++ {
		cs.Nodes = append(cs.Nodes, graph.NodeSpec{Type: graph.TypeMethod, ID: fmt.Sprintf("method/m%d", i), Fields: []graph.FieldValue{
			{Name: "name", Value: fmt.Sprintf("method %d", i)}, {Name: "status", Value: "CONFIRMED"}, {Name: "sources", Value: []any{"source/bench-base"}}}})
	}
	domains := graph.Vocabularies["OutcomeDomain"]
	for i := 0; i < outcomes; i++ {
		cs.Nodes = append(cs.Nodes, graph.NodeSpec{Type: graph.TypeOutcome, ID: fmt.Sprintf("outcome/o%d", i), Fields: []graph.FieldValue{
			{Name: "label", Value: fmt.Sprintf("outcome %d", i)}, {Name: "domain", Value: domains[i%len(domains)]}, {Name: "status", Value: "CONFIRMED"}}})
	}
	return cs
}

// benchLiterature generates a BibTeX export of n sources and a coding sheet of claims rows,
// spread over the base's methods and outcomes.
func benchLiterature(n, claims, methods, outcomes int) []ingest.File {
	var bib, sheet bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&bib, "@article{b%d,\n  title = {Study %d of personal network support},\n  author = {Family%d, Given and Second%d, A.},\n", i, i, i%997, i%991)
		fmt.Fprintf(&bib, "  year = {%d},\n  journal = {Journal %d},\n  volume = {%d},\n  pages = {%d--%d},\n  doi = {10.5555/bench.%d},\n  langid = {english}\n}\n", 1980+i%40, i%50, i%30, i%300, i%300+9, i)
	}
	sheet.WriteString("source\tsubject\toutcome\tdirection\tdesign\tn\n")
	designs := graph.Vocabularies["StudyDesign"]
	directions := graph.Vocabularies["Direction"]
	for i := 0; i < claims; i++ {
		// Row i: source i mod n, and a (method, outcome) pair that differs for every row of the
		// same source.
		src := i % n
		k := i / n
		fmt.Fprintf(&sheet, "b%d\tmethod/m%d\toutcome/o%d\t%s\t%s\t%d\n", src, (src+k)%methods, (src*7+k)%outcomes,
			directions[i%len(directions)], designs[i%len(designs)], 10+i%500)
	}
	return []ingest.File{{Name: "bench.bib", Data: bib.Bytes()}, {Name: "bench.tsv", Data: sheet.Bytes()}}
}

// BenchmarkLoadLiterature loads a generated batch (10,000 sources, 50,000 coded claims) into a
// bolt store that holds the methods and outcomes the claims point at, through ingest.Load
// (parse, dedup, build, validate, diff, one Cayley transaction, read model, search index); and
// writes the same quads into another bolt store, written the same way before, straight through
// one Cayley transaction (graph.WriteRaw). x-raw is the ratio of the two times.
func BenchmarkLoadLiterature(b *testing.B) {
	const (
		sources  = 10000
		claims   = 50000
		methods  = 200
		outcomes = 100
	)
	ctx := context.Background()
	files := benchLiterature(sources, claims, methods, outcomes)
	var load, raw time.Duration
	var quads int
	b.ResetTimer()
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Apply(ctx, benchBase(methods, outcomes), false); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		rep, err := ingest.Load(ctx, st, files, ingest.Options{})
		load += time.Since(t0)
		b.StopTimer()
		if err != nil {
			b.Fatalf("Load: %v %v", err, rep.Problems)
		}
		if d := rep.Batches[0].Types; len(d) == 0 {
			b.Fatal("nothing loaded")
		}
		// The raw side: the same two transactions into another fresh bolt store (the base, then
		// the batch, timed).
		var sets []*graph.QuadSet
		for _, batch := range []string{"bench-base", rep.Batches[0].Batch} {
			var buf bytes.Buffer
			if err := st.Export(ctx, &buf, graph.FormatNQuads, batch); err != nil {
				b.Fatal(err)
			}
			qs, err := graph.ReadQuads(batch+".nq", &buf, graph.FormatNQuads)
			if err != nil {
				b.Fatal(err)
			}
			sets = append(sets, qs)
		}
		st.Close()
		dir := b.TempDir()
		if err := graph.WriteRaw(ctx, dir, sets[0]); err != nil {
			b.Fatal(err)
		}
		quads = sets[1].Len()
		t0 = time.Now()
		if err := graph.WriteRaw(ctx, dir, sets[1]); err != nil {
			b.Fatal(err)
		}
		raw += time.Since(t0)
	}
	b.ReportMetric(float64(quads), "quads")
	b.ReportMetric(load.Seconds()/float64(b.N), "load-s/op")
	b.ReportMetric(raw.Seconds()/float64(b.N), "raw-s/op")
	b.ReportMetric(float64(load)/float64(raw), "x-raw")
}
