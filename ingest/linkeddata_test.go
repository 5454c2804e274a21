package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
)

// export returns the store's quads (of one batch, when batch is not empty) as N-Quads.
func export(tb testing.TB, st *graph.Store, format, batch string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := st.Export(context.Background(), &buf, format, batch); err != nil {
		tb.Fatalf("Export(%s, %q): %v", format, batch, err)
	}
	return buf.Bytes()
}

// TestLinkedDataRoundTrip exports a store holding the starter knowledge base and a literature
// load (sources, a coding sheet's claims and a new outcome) as N-Quads and as JSON-LD, loads
// each export into a fresh store (memory and bolt), and checks that the new store verifies and
// holds exactly the same quads; loading the export again changes nothing.
func TestLinkedDataRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := graphtest.NewMemory(t)
	mustLoad(t, src, readFiles(t, starterKB), ingest.Options{})
	litRep := mustLoad(t, src, readFiles(t, overlapBib, overlapRIS, overlapJSON, sheetCSV), litOptions)
	want := export(t, src, graph.FormatNQuads, "")
	for _, format := range []string{graph.FormatNQuads, graph.FormatJSONLD} {
		name := map[string]string{graph.FormatNQuads: "kring.nq", graph.FormatJSONLD: "kring.jsonld"}[format]
		data := export(t, src, format, "")
		for backend, open := range map[string]func(testing.TB) *graph.Store{
			"memory": graphtest.NewMemory,
			"bolt":   func(tb testing.TB) *graph.Store { st, _ := graphtest.NewBolt(tb); return st },
		} {
			t.Run(format+"/"+backend, func(t *testing.T) {
				dst := open(t)
				rep := mustLoad(t, dst, []ingest.File{{Name: name, Data: data}}, ingest.Options{})
				if len(rep.Batches) != 2 {
					t.Errorf("batches = %d; want 2 (starter and the literature load)", len(rep.Batches))
				}
				if n, err := dst.Verify(ctx); err != nil || n != src.QuadCount() {
					t.Errorf("Verify = %d, %v; want %d quads and no problem", n, err, src.QuadCount())
				}
				if diff := cmp.Diff(string(want), string(export(t, dst, graph.FormatNQuads, ""))); diff != "" {
					t.Errorf("quads after the round trip (-want +got):\n%s", diff)
				}
				again := mustLoad(t, dst, []ingest.File{{Name: name, Data: data}}, ingest.Options{})
				for _, b := range again.Batches {
					if !b.NoChange {
						t.Errorf("loading the export again: %+v; want no change", b)
					}
				}
			})
		}
	}
	// One batch: the literature load on its own, into a store that has the starter KB (whose
	// methods and work models its claims point at).
	t.Run("one batch", func(t *testing.T) {
		lit := litRep.Batches[0].Batch
		dst := graphtest.NewMemory(t)
		mustLoad(t, dst, readFiles(t, starterKB), ingest.Options{})
		mustLoad(t, dst, []ingest.File{{Name: "lit.nq", Data: export(t, src, graph.FormatNQuads, lit)}}, ingest.Options{})
		if diff := cmp.Diff(string(export(t, src, graph.FormatNQuads, lit)), string(export(t, dst, graph.FormatNQuads, lit))); diff != "" {
			t.Errorf("quads (-want +got):\n%s", diff)
		}
		// Without the starter KB, the claims point at nothing: rejected, naming the line.
		empty := graphtest.NewMemory(t)
		rep, err := ingest.Load(ctx, empty, []ingest.File{{Name: "lit.nq", Data: export(t, src, graph.FormatNQuads, lit)}}, ingest.Options{})
		if !errors.Is(err, graph.ErrInvalid) || len(rep.Problems) == 0 || rep.Problems[0].Line == 0 || !empty.Empty() {
			t.Errorf("loading one batch into an empty store: %v, %v; want problems with lines and nothing written", err, rep.Problems)
		}
	})
}

// TestLiteratureRollbackBolt is Cayley #737 with a literature batch on bolt: load, roll back,
// load, roll back, three rounds; the store ends empty and verifies every time.
func TestLiteratureRollbackBolt(t *testing.T) {
	if testing.Short() {
		t.Skip("bolt")
	}
	ctx := context.Background()
	st, _ := graphtest.NewBolt(t)
	files := readFiles(t, overlapBib, overlapRIS, overlapJSON)
	for round := 0; round < 3; round++ {
		rep := mustLoad(t, st, files, litOptions)
		if got := sourceCount(t, st); got != overlapWorks {
			t.Fatalf("round %d: %d sources; want %d", round, got, overlapWorks)
		}
		if _, err := st.Verify(ctx); err != nil {
			t.Fatalf("round %d after load: %v", round, err)
		}
		if _, err := st.Rollback(ctx, rep.Batches[0].Batch, false); err != nil {
			t.Fatalf("round %d: Rollback: %v", round, err)
		}
		if n, err := st.Verify(ctx); err != nil || n != 0 || !st.Empty() {
			t.Fatalf("round %d after rollback: Verify = %d, %v; want an empty quad store", round, n, err)
		}
	}
}
