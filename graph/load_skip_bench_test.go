package graph_test

import (
	"bytes"
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"kring/graph"
	"kring/ingest"
)

// BenchmarkLoadSkipInvalid loads, with SkipInvalid, a generated batch (10,000 sources, 50,000
// coded claims) in which one row in five has a problem of a different kind: a method that does
// not exist, a claim that contradicts a stored claim's direction (a conflict), a new outcome
// created by a row with a bad method, and a row using that outcome (left out with it). It
// reports the time of the load (and the CPU time of the process during it, which a busy machine
// disturbs less), the check rounds (Progress events of PhaseCheck: each was one
// trial Apply before Store.Check, one Check since) and the rows left out.
//
//	go test ./graph -run '^$' -bench BenchmarkLoadSkipInvalid -benchtime 1x
func BenchmarkLoadSkipInvalid(b *testing.B) {
	const (
		sources  = 10000
		claims   = 50000
		methods  = 200
		outcomes = 100
		stored   = 500 // stored claims that rows contradict
	)
	ctx := context.Background()
	base := benchBase(methods, outcomes)
	directions := graph.Vocabularies["Direction"]
	for k := 0; k < stored; k++ {
		base.Nodes = append(base.Nodes, graph.NodeSpec{Type: graph.TypeOutcomeClaim, ID: fmt.Sprintf("claim/base-%d", k), Fields: []graph.FieldValue{
			{Name: "subject", Value: fmt.Sprintf("method/m%d", k%methods)}, {Name: "outcome", Value: fmt.Sprintf("outcome/o%d", k%outcomes)},
			{Name: "direction", Value: "POSITIVE"}, {Name: "status", Value: "CONFIRMED"}, {Name: "sources", Value: []any{"source/bench-base"}}}})
	}
	files := benchLiterature(sources, 0, methods, outcomes)[:1]
	var sheet bytes.Buffer
	sheet.WriteString("source\tsubject\toutcome\toutcomeDomain\tclaim\tdirection\tdesign\tn\n")
	designs := graph.Vocabularies["StudyDesign"]
	domains := graph.Vocabularies["OutcomeDomain"]
	for i := 0; i < claims; i++ {
		src, k := i%sources, i/sources
		subj, oc := fmt.Sprintf("method/m%d", (src+k)%methods), fmt.Sprintf("outcome/o%d", (src*7+k)%outcomes)
		domain, claim, dir := "", "", directions[i%len(directions)]
		switch i % 20 {
		case 1: // no such method
			subj = fmt.Sprintf("method/missing-%d", i)
		case 2: // contradicts a stored claim
			s := (i / 20) % stored
			subj, oc, claim, dir = fmt.Sprintf("method/m%d", s%methods), fmt.Sprintf("outcome/o%d", s%outcomes), fmt.Sprintf("claim/base-%d", s), "NEGATIVE"
		case 3: // creates an outcome, with a bad method
			subj, oc, domain = fmt.Sprintf("method/missing-%d", i), fmt.Sprintf("outcome/new-%d", i), domains[i%len(domains)]
		case 4: // uses the outcome the previous row creates
			oc = fmt.Sprintf("outcome/new-%d", i-1)
		}
		fmt.Fprintf(&sheet, "b%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", src, subj, oc, domain, claim, dir, designs[i%len(designs)], 10+i%500)
	}
	files = append(files, ingest.File{Name: "bench.tsv", Data: sheet.Bytes()})
	var load, cpu time.Duration
	var checks, skipped int
	b.ResetTimer()
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Apply(ctx, base, false); err != nil {
			b.Fatal(err)
		}
		checks = 0
		o := ingest.Options{SkipInvalid: true, Progress: func(p ingest.Progress) {
			if p.Phase == ingest.PhaseCheck {
				checks++
			}
		}}
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		rep, err := ingest.Load(ctx, st, files, o)
		load, cpu = load+time.Since(t0), cpu+cpuTime()-c0
		b.StopTimer()
		if err != nil {
			b.Fatalf("Load: %v %v", err, rep.Problems)
		}
		skipped = len(rep.Skipped)
		st.Close()
	}
	b.ReportMetric(load.Seconds()/float64(b.N), "load-s/op")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(checks), "check-rounds")
	b.ReportMetric(float64(skipped), "skipped")
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
