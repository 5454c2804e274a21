package ingest_test

import (
	"context"
	"errors"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
)

// upload is a BibTeX export with a book that names no type (line 1), a record of a stored source
// with its DOI (line 8), a second record of the book without DOI (line 15: same title, year and
// first author) and an article (line 21).
const upload = `@book{buurtboek,
  title = {Buren als bondgenoten},
  author = {Peeters, An},
  year = {2021},
  url = {https://www.voorbeeld.be/buren}
}

@article{hogancopy,
  title = {Social support interventions: Do they work?},
  author = {Hogan, B. E.},
  year = {2002},
  doi = {https://doi.org/10.1016/S0272-7358(01)00102-7}
}

@book{buurtboek2,
  title = {Buren als Bondgenoten},
  author = {Peeters, A.},
  year = {2021}
}

@article{nieuw2020,
  title = {Een nieuw artikel over netwerken},
  author = {Jansen, Piet},
  year = {2020},
  journal = {Tijdschrift},
  langid = {dutch}
}
`

func TestPerRecordSourceTypes(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	mustLoad(t, st, readFiles(t, starterKB), ingest.Options{})
	files := []ingest.File{{Name: "up.bib", Data: []byte(upload)}}

	// A dry run without types lists the book and computes the rest of the diff.
	rep, err := ingest.Load(ctx, st, files, ingest.Options{DryRun: true})
	if err != nil || rep.Rejected() {
		t.Fatalf("dry run: err %v, problems %v", err, rep.Problems)
	}
	if len(rep.NeedsSourceType) != 1 {
		t.Fatalf("needs: %+v", rep.NeedsSourceType)
	}
	n := rep.NeedsSourceType[0]
	if n.File != "up.bib" || n.Line != 1 || n.EntryType != "book" || n.Title != "Buren als bondgenoten" || n.Suggested != "GREY_BE" || n.Source != "source/buurtboek" {
		t.Errorf("need: %+v", n)
	}
	rules := map[string]string{}
	for _, m := range rep.Merged {
		rules[m.Record] = m.Rule + " " + m.Source + " " + m.With
	}
	if rules["up.bib:8"] != "DOI source/hogan2002 stored, from batch/starter" || rules["up.bib:15"] != "TITLE_YEAR_AUTHOR source/buurtboek up.bib:1" || len(rules) != 2 {
		t.Errorf("merged: %v", rules)
	}
	items := map[string]string{}
	for _, it := range rep.Batches[0].Items {
		items[it.ID] = string(it.Type) + " " + it.Label
	}
	if items["source/buurtboek"] != "SOURCE Buren als bondgenoten" || items["source/nieuw2020"] != "SOURCE Een nieuw artikel over netwerken" || len(items) != 2 {
		t.Errorf("items: %v", items)
	}
	if _, _, err := st.StoredFields(ctx, "source/buurtboek"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("dry run wrote: %v", err)
	}

	// A load without a type for the book is rejected, naming file, line and field (of both its
	// records: the second has nothing to merge with).
	rep, err = ingest.Load(ctx, st, files, ingest.Options{})
	var ve *graph.ValidationError
	if !errors.As(err, &ve) || len(rep.Problems) != 2 || rep.Problems[0].File != "up.bib" || rep.Problems[0].Line != 1 || rep.Problems[0].Field != "type" || rep.Problems[1].Line != 15 {
		t.Fatalf("load without type: err %v, problems %+v", err, rep.Problems)
	}
	if _, _, err := st.StoredFields(ctx, "source/nieuw2020"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("rejected load wrote: %v", err)
	}

	// A key naming no record, or a code that is none, is a problem.
	for _, types := range []map[string]string{{"up.bib:2": "GREY_NL"}, {"up.bib:1": "BOOK"}} {
		rep, err = ingest.Load(ctx, st, files, ingest.Options{DryRun: true, SourceTypes: types})
		if !errors.As(err, &ve) || len(rep.Problems) != 1 || rep.Problems[0].Field != "sourceType" {
			t.Errorf("%v: err %v, problems %+v", types, err, rep.Problems)
		}
	}

	// With a type for that record (over the one for all) it loads.
	rep, err = ingest.Load(ctx, st, files, ingest.Options{SourceType: "PRESS", SourceTypes: map[string]string{"up.bib:1": "grey_nl"}})
	if err != nil || len(rep.NeedsSourceType) != 0 {
		t.Fatalf("load with types: err %v, problems %+v", err, rep.Problems)
	}
	typ, fields, err := st.StoredFields(ctx, "source/buurtboek")
	if err != nil || typ != graph.TypeSource || fields["type"] != "GREY_NL" {
		t.Errorf("stored book: %v %v %v", typ, fields, err)
	}
}

// TestAddedItems: a batch file's dry run lists the nodes it adds (at most MaxItems per type),
// and loading it again adds none.
func TestAddedItems(t *testing.T) {
	st := graphtest.NewMemory(t)
	files := readFiles(t, starterKB)
	rep := mustLoad(t, st, files, ingest.Options{DryRun: true})
	per := map[graph.NodeType]int{}
	for _, it := range rep.Batches[0].Items {
		per[it.Type]++
	}
	for _, td := range rep.Batches[0].Types {
		if want := min(td.New, ingest.MaxItems); per[td.Type] != want {
			t.Errorf("%s: %d items, %d new (want %d items)", td.Type, per[td.Type], td.New, want)
		}
	}
	if per[graph.TypeSource] == 0 || per[graph.TypeOutcomeClaim] == 0 {
		t.Errorf("items per type: %v", per)
	}
	mustLoad(t, st, files, ingest.Options{})
	if rep := mustLoad(t, st, files, ingest.Options{DryRun: true}); len(rep.Batches[0].Items) != 0 {
		t.Errorf("a reload adds %d items", len(rep.Batches[0].Items))
	}
}
