package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"kring/graph"
	"kring/ingest"
)

// writeBigBibTeX writes n deterministic BibTeX entries with realistic fields: one to three
// authors, a title, a year, a journal (or an institution) and a DOI (about
// two in five), one entry a line.
func writeBigBibTeX(w io.Writer, n int) error {
	bw := bufio.NewWriter(w)
	families := []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
		"Dubois", "Lambert", "Smith", "Jones", "García", "Müller", "Nguyen", "Kowalski", "O'Brien", "van den Berg"}
	givens := []string{"An", "Bart", "Charlotte", "Dirk", "Els", "Frank", "Griet", "Hans", "Inge", "Jan", "Karin", "Luc", "Marie", "Nele", "Oscar"}
	words := []string{"personal", "networks", "poverty", "social", "support", "mentoring", "families", "income", "outcomes", "trial",
		"community", "buddy", "programme", "evaluation", "resilience", "loneliness", "employment", "housing", "children", "ties"}
	journals := []string{"Journal of Social Policy", "Social Networks", "European Journal of Social Work", "Child & Family Social Work",
		"Journal of Community Psychology", "Tijdschrift voor Sociologie", "Poverty & Public Policy", "Social Indicators Research"}
	for i := 0; i < n; i++ {
		kind := "article"
		if i%17 == 0 {
			kind = "techreport"
		}
		fmt.Fprintf(bw, "@%s{k%06d, author = {", kind, i)
		na := 1 + i%3
		for a := 0; a < na; a++ {
			if a > 0 {
				bw.WriteString(" and ")
			}
			fmt.Fprintf(bw, "%s, %s", families[(i*7+a*3)%len(families)], givens[(i*5+a)%len(givens)])
		}
		bw.WriteString("}, title = {")
		nw := 3 + i%4
		for k := 0; k < nw; k++ {
			if k > 0 {
				bw.WriteByte(' ')
			}
			bw.WriteString(words[(i*(k+3)+k*11)%len(words)])
		}
		fmt.Fprintf(bw, " %d}, year = {%d}", i, 1975+i%50)
		if kind == "article" {
			fmt.Fprintf(bw, ", journal = {%s}", journals[i%len(journals)])
		} else {
			bw.WriteString(", institution = {KU Leuven}")
		}
		if i%5 < 2 {
			fmt.Fprintf(bw, ", doi = {10.5555/kring.%d}", i)
		}
		bw.WriteString("}\n")
	}
	return bw.Flush()
}

// TestWriteBigBibTeX writes the 100,000-entry BibTeX file used to measure a big load to the
// path in KRING_BIG_BIB (skipped without it):
//
//	KRING_BIG_BIB=/tmp/big.bib go test ./graph -run TestWriteBigBibTeX -count=1
//	/usr/bin/time -v kring load --data /tmp/bigdata /tmp/big.bib
func TestWriteBigBibTeX(t *testing.T) {
	path := os.Getenv("KRING_BIG_BIB")
	if path == "" {
		t.Skip("KRING_BIG_BIB not set")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeBigBibTeX(f, 100000); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkLoadBibTeX loads KRING_BENCH_BIB_N (20,000 by default) generated BibTeX entries into
// a fresh bolt store through ingest.Load, then writes the same quads into another fresh bolt
// store straight through one Cayley transaction (graph.WriteRaw); x-raw is the ratio of the two
// times. VmHWM-MiB is the process's peak RSS after the load (before the raw write), live-heap-MiB
// the largest live heap during the load. For the 100,000-entry file and a heap profile at the
// peak:
//
//	KRING_BENCH_BIB_N=100000 KRING_BENCH_PEAK_PROFILE=/tmp/peak.out \
//	  go test ./graph -run '^$' -bench BenchmarkLoadBibTeX -benchtime 1x
func BenchmarkLoadBibTeX(b *testing.B) {
	n := 20000
	if s := os.Getenv("KRING_BENCH_BIB_N"); s != "" {
		if _, err := fmt.Sscan(s, &n); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := writeBigBibTeX(&buf, n); err != nil {
		b.Fatal(err)
	}
	files := []ingest.File{{Name: "big.bib", Data: buf.Bytes()}}
	buf = bytes.Buffer{}
	ctx := context.Background()
	var load, raw time.Duration
	hwm := 0
	b.ResetTimer()
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		stop := make(chan struct{})
		peak := make(chan uint64)
		go func() { peak <- sampleLiveHeap(stop) }()
		b.StartTimer()
		t0 := time.Now()
		rep, err := ingest.Load(ctx, st, files, ingest.Options{SourceType: "GREY_BE"})
		load += time.Since(t0)
		b.StopTimer()
		if err != nil {
			b.Fatalf("Load: %v %v", err, rep.Problems)
		}
		close(stop)
		b.ReportMetric(float64(<-peak)/(1<<20), "live-heap-MiB")
		hwm = max(hwm, vmHWM())
		var nq bytes.Buffer
		if err := st.Export(ctx, &nq, graph.FormatNQuads, rep.Batches[0].Batch); err != nil {
			b.Fatal(err)
		}
		st.Close()
		qs, err := graph.ReadQuads("batch.nq", &nq, graph.FormatNQuads)
		if err != nil {
			b.Fatal(err)
		}
		nq = bytes.Buffer{}
		t0 = time.Now()
		if err := graph.WriteRaw(ctx, b.TempDir(), qs); err != nil {
			b.Fatal(err)
		}
		raw += time.Since(t0)
	}
	b.ReportMetric(float64(hwm)/(1<<10), "VmHWM-MiB")
	b.ReportMetric(load.Seconds()/float64(b.N), "load-s/op")
	b.ReportMetric(raw.Seconds()/float64(b.N), "raw-s/op")
	b.ReportMetric(float64(load)/float64(raw), "x-raw")
}

// sampleLiveHeap returns the largest live heap (as of the last GC) seen until stop is closed.
func sampleLiveHeap(stop <-chan struct{}) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var max, profiled uint64
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		metrics.Read(s)
		if v := s[0].Value.Uint64(); v > max {
			max = v
			if path := os.Getenv("KRING_BENCH_PEAK_PROFILE"); path != "" && v > 64<<20 && v > profiled+profiled/10 {
				profiled = v
				// The heap profile at the largest live heap so far (-inuse_space shows what
				// holds the peak).
				if f, err := os.Create(path); err == nil {
					pprof.Lookup("heap").WriteTo(f, 0)
					f.Close()
				}
			}
		}
		select {
		case <-stop:
			return max
		case <-t.C:
		}
	}
}

// vmHWM is this process's peak resident set size in KiB (VmHWM in /proc/self/status; 0 when
// unknown).
func vmHWM() int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb
		}
	}
	return 0
}

// TestWriteRawBig writes the N-Quads file in KRING_RAW_NQ straight through one Cayley
// transaction into a fresh bolt store and prints the time and this process's peak RSS: the raw
// baseline of the big load (skipped without KRING_RAW_NQ).
func TestWriteRawBig(t *testing.T) {
	path := os.Getenv("KRING_RAW_NQ")
	if path == "" {
		t.Skip("KRING_RAW_NQ not set")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := graph.ReadQuads(path, f, graph.FormatNQuads)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if err := graph.WriteRaw(context.Background(), t.TempDir(), qs); err != nil {
		t.Fatal(err)
	}
	t.Logf("raw write of %d quads: %.1f s, VmHWM %d MiB", qs.Len(), time.Since(t0).Seconds(), vmHWM()>>10)
}
