package ingest_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"testing/fstest"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
)

// TestKBBundleOrder: the bundle is starter.yaml, then batches/*.yaml in file-name order, whatever
// order the directory lists them in; other files are not part of it.
func TestKBBundleOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"starter.yaml":           {Data: []byte("s")},
		"batches/2026-12-b.yaml": {Data: []byte("b")},
		"batches/2026-12-a.yaml": {Data: []byte("a")},
		"batches/notes.md":       {Data: []byte("x")},
		"README.md":              {Data: []byte("x")},
	}
	files, err := ingest.BundleFiles(fsys, "kb/")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	want := []string{"kb/starter.yaml", "kb/batches/2026-12-a.yaml", "kb/batches/2026-12-b.yaml"}
	if len(names) != len(want) {
		t.Fatalf("files = %v; want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("files = %v; want %v", names, want)
		}
	}
}

// TestKBBundleAllOrNothing: when a later batch of the bundle is rejected, the batches before it
// are rolled back, so the store is left as it was (empty), not with half a bundle.
func TestKBBundleAllOrNothing(t *testing.T) {
	starter, err := os.ReadFile(starterKB)
	if err != nil {
		t.Fatal(err)
	}
	bad := []byte("format: kring-batch/1\nbatch: {id: contradicts-starter}\nworkModels:\n  - {id: workmodel/persoonlijke-vriend, code: WM9, status: CONFIRMED, name: {nl: x, en: x}}\n")
	files, err := ingest.BundleFiles(fstest.MapFS{
		"starter.yaml":           {Data: starter},
		"batches/2026-12-x.yaml": {Data: bad},
	}, "kb/")
	if err != nil {
		t.Fatal(err)
	}
	st := graphtest.NewMemory(t)
	_, err = ingest.LoadBundle(context.Background(), st, files, "test")
	if !errors.Is(err, graph.ErrConflict) && !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("LoadBundle = %v; want the contradicting batch rejected", err)
	}
	if n := st.QuadCount(); n != 0 {
		t.Errorf("store holds %d quads after a rejected bundle; want none (the starter rolled back)", n)
	}
}

// TestCodingSheetLocator: a coding sheet's locator column becomes the claim's locator.
func TestCodingSheetLocator(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	mustLoad(t, st, readFiles(t, starterKB), ingest.Options{})
	sheet := "source;subject;outcome;direction;design;locator;status\n" +
		"mead2010;method/buddy-scheme;outcome/loneliness;POSITIVE;SYSTEMATIC_REVIEW_META;p. 98, table 2;CONFIRMED\n"
	mustLoad(t, st, []ingest.File{{Name: "locator.csv", Data: []byte(sheet)}}, litOptions)
	claims, err := st.Claims(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range claims {
		if c.MethodID == graph.FullID("method/buddy-scheme") && c.OutcomeID == graph.FullID("outcome/loneliness") {
			found = true
			if c.Locator == nil || *c.Locator != "p. 98, table 2" {
				t.Errorf("%s: locator = %v; want \"p. 98, table 2\"", c.ID, c.Locator)
			}
		}
	}
	if !found {
		t.Fatal("the coded claim is not in the store")
	}
}
