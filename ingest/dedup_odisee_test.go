package ingest_test

import (
	"context"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
)

// TestDedupMediumSuffix: the Odisee report appeared twice in the knowledge base because one
// record's title ends in "[onderzoeksrapport]". Its two records (BibTeX without the suffix, RIS
// with it) are one work, and both match the stored source whose title carries the suffix.
func TestDedupMediumSuffix(t *testing.T) {
	ctx := context.Background()
	files := readFiles(t, "testdata/literature/odisee.bib", "testdata/literature/odisee.ris")

	// The two records merge with each other.
	st := graphtest.NewMemory(t)
	rep := mustLoad(t, st, files, litOptions)
	if len(rep.Merged) != 1 {
		t.Fatalf("merged = %+v; want the RIS record merged into the BibTeX one", rep.Merged)
	}
	srcs, err := st.Sources(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 {
		t.Fatalf("sources = %d; want 1 (the report once)", len(srcs))
	}

	// Both match the bundled source/nys2018 ("… in armoede [onderzoeksrapport]"): no new source,
	// and no title conflict.
	st = graphtest.NewMemory(t)
	mustLoad(t, st, readFiles(t, starterKB), ingest.Options{})
	before, _ := st.Sources(ctx, nil)
	rep = mustLoad(t, st, files, litOptions)
	after, _ := st.Sources(ctx, nil)
	if len(after) != len(before) {
		t.Errorf("sources %d → %d; want the two records to be the stored report", len(before), len(after))
	}
	for _, m := range rep.Merged {
		if m.Source != "source/nys2018" {
			t.Errorf("merged %s into %s; want source/nys2018", m.Record, m.Source)
		}
	}
	if len(rep.Merged) != 2 {
		t.Errorf("merged = %+v; want both records merged into source/nys2018", rep.Merged)
	}
	if _, err := graph.Typed[*graph.Source](ctx, st, "source/nys2018"); err != nil {
		t.Error(err)
	}
}

func TestMatchTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Persoonlijke netwerkversterking bij mensen in armoede [onderzoeksrapport]", "persoonlijke netwerkversterking bij mensen in armoede"},
		{"Persoonlijke netwerkversterking bij mensen in armoede", "persoonlijke netwerkversterking bij mensen in armoede"},
		{"Van buddy tot community [Video]", "van buddy tot community"},
		{"Kleine dingen die het doen [Brochure] [rapport]", "kleine dingen die het doen"},
		{"Time banks [electronic resource]", "time banks"},
		// Not a medium designation: a bracketed translation stays part of the title.
		{"Zin en onzin [Sense and nonsense]", "zin en onzin sense and nonsense"},
		// A title that is all brackets keeps its words.
		{"[Video]", "video"},
		{"Rapport (2018)", "rapport 2018"},
	}
	for _, tt := range tests {
		if got := ingest.MatchTitle(tt.in); got != tt.want {
			t.Errorf("MatchTitle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
