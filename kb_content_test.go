package main

import (
	"context"
	"sort"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
)

// The content check of the shipped knowledge base (kb/starter.yaml and kb/batches/*.yaml, as
// embedded in the binary and loaded by `kring serve`). Every failure names the offending item.
// The rules (also in kb/README.md, "Content check"):
//
//  1. Every outcome claim cites at least one source, has a study design, and has a locator
//     (page, table or section of the source). A claim whose locator could not be confirmed must
//     be CANDIDATE: it is a proposal awaiting a check, and says so.
//  2. A CONFIRMED work-model assignment with basis REPORT cites a source that is the Odisee
//     report itself: source/nys2018, or any source whose title (without medium suffix) is the
//     report's title and whose first author is Nys. Only the report can say that it assigns a
//     method to a model.
//  3. No orphans: every node other than batches and vocabulary concepts is linked to at least
//     one other such node by a reference field, in either direction (a claim cites a source, a
//     source is cited by something, an assignment's subject is a method, ...).
//  4. Every code of every controlled vocabulary, and every framework category, has a Dutch and
//     an English label.
//  5. The study's own questions: every research question has its text in Dutch and English,
//     every study parameter its label in both, and each of them that is not ANSWERED says in
//     both languages what is missing (gap). Every experience (research question 5) cites a
//     source, has a study design and a locator.

// reportTitles are the Odisee report's titles as the project pages give them, as MatchTitle
// makes them.
var reportTitles = map[string]bool{
	ingest.MatchTitle("Persoonlijke netwerkversterking bij mensen in armoede"):  true,
	ingest.MatchTitle("Persoonlijke netwerkversterking voor mensen in armoede"): true,
}

func loadShippedKB(t *testing.T) *graph.Store {
	t.Helper()
	files, err := bundleFiles()
	if err != nil {
		t.Fatal(err)
	}
	st := graphtest.NewMemory(t)
	if _, err := ingest.LoadBundle(context.Background(), st, files, "content check"); err != nil {
		t.Fatalf("the shipped knowledge base does not load: %v", err)
	}
	return st
}

func TestContentKB(t *testing.T) {
	ctx := context.Background()
	st := loadShippedKB(t)
	fields := func(id string) (graph.NodeType, map[string]any) {
		t.Helper()
		typ, f, err := st.StoredFields(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return typ, f
	}
	str := func(f map[string]any, k string) string { s, _ := f[k].(string); return s }
	list := func(f map[string]any, k string) []string {
		var out []string
		vs, _ := f[k].([]any)
		for _, v := range vs {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}

	t.Run("claims", func(t *testing.T) {
		ids, _ := st.IDs(ctx, graph.TypeOutcomeClaim)
		if len(ids) == 0 {
			t.Fatal("no outcome claims")
		}
		for _, id := range ids {
			_, f := fields(id)
			if len(list(f, "sources")) == 0 {
				t.Errorf("%s: no source", graph.ShortID(id))
			}
			if str(f, "design") == "" {
				t.Errorf("%s: no study design", graph.ShortID(id))
			}
			if str(f, "locator") == "" && str(f, "status") != string(graph.Candidate) {
				t.Errorf("%s: no locator (give the page, table or section, or mark the claim CANDIDATE)", graph.ShortID(id))
			}
		}
	})

	t.Run("study questions", func(t *testing.T) {
		qs, _ := st.IDs(ctx, graph.TypeResearchQuestion)
		if len(qs) == 0 {
			t.Fatal("no research questions")
		}
		ps, _ := st.IDs(ctx, graph.TypeStudyParameter)
		for _, id := range append(qs, ps...) {
			typ, f := fields(id)
			text := "text"
			if typ == graph.TypeStudyParameter {
				text = "label"
			}
			checkLabel(t, graph.ShortID(id)+" "+text, f[text])
			if str(f, "answer") != "ANSWERED" {
				checkLabel(t, graph.ShortID(id)+" gap ("+str(f, "answer")+")", f["gap"])
			}
		}
		es, _ := st.IDs(ctx, graph.TypeExperience)
		for _, id := range es {
			_, f := fields(id)
			if len(list(f, "sources")) == 0 {
				t.Errorf("%s: no source", graph.ShortID(id))
			}
			if str(f, "design") == "" {
				t.Errorf("%s: no study design", graph.ShortID(id))
			}
			if str(f, "locator") == "" {
				t.Errorf("%s: no locator (give the page, table or section of the source)", graph.ShortID(id))
			}
		}
	})

	t.Run("report basis", func(t *testing.T) {
		isReport := map[string]bool{}
		for _, r := range mustSourceRecords(t, st) {
			first := ""
			if as := r.Authors(); len(as) > 0 {
				first, _, _ = strings.Cut(as[0], ",")
			}
			if r.ID == "source/nys2018" || (reportTitles[ingest.MatchTitle(r.Str("title"))] && strings.EqualFold(strings.TrimSpace(first), "Nys")) {
				isReport[graph.ShortID(r.ID)] = true
			}
		}
		ids, _ := st.IDs(ctx, graph.TypeAssignment)
		for _, id := range ids {
			_, f := fields(id)
			if str(f, "basis") != "REPORT" || str(f, "status") != string(graph.Confirmed) {
				continue
			}
			ok := false
			for _, s := range list(f, "sources") {
				ok = ok || isReport[s]
			}
			if !ok {
				t.Errorf("%s: CONFIRMED with basis REPORT, but no source is the Odisee report itself (sources: %s)", graph.ShortID(id), strings.Join(list(f, "sources"), ", "))
			}
		}
	})

	t.Run("orphans", func(t *testing.T) {
		var entity []graph.NodeType
		for _, spec := range graph.Types {
			if spec.Type != graph.TypeBatch && spec.Type != graph.TypeConcept {
				entity = append(entity, spec.Type)
			}
		}
		ids, _ := st.IDs(ctx, entity...)
		isEntity := map[string]bool{}
		for _, id := range ids {
			isEntity[graph.ShortID(id)] = true
		}
		linked := map[string]bool{}
		for _, id := range ids {
			typ, f := fields(id)
			for _, fs := range graph.TypeOf(typ).Fields {
				var targets []string
				switch fs.Kind {
				case graph.RefField:
					if s := str(f, fs.Name); s != "" {
						targets = []string{s}
					}
				case graph.RefsField:
					targets = list(f, fs.Name)
				}
				for _, to := range targets {
					if isEntity[to] && to != graph.ShortID(id) {
						linked[to] = true
						linked[graph.ShortID(id)] = true
					}
				}
			}
		}
		var orphans []string
		for id := range isEntity {
			if !linked[id] {
				orphans = append(orphans, id)
			}
		}
		sort.Strings(orphans)
		for _, id := range orphans {
			t.Errorf("%s: orphan (nothing refers to it and it refers to nothing)", id)
		}
	})

	t.Run("labels", func(t *testing.T) {
		schemes := make([]string, 0, len(graph.Vocabularies))
		for s := range graph.Vocabularies {
			schemes = append(schemes, s)
		}
		sort.Strings(schemes)
		for _, scheme := range schemes {
			for _, code := range graph.Vocabularies[scheme] {
				id := graph.ConceptID(scheme, code)
				_, f, err := st.StoredFields(ctx, id)
				if err != nil {
					t.Errorf("%s/%s: no concept node (give it nl and en labels in concepts:)", scheme, code)
					continue
				}
				checkLabel(t, scheme+"/"+code, f["label"])
			}
		}
		ids, _ := st.IDs(ctx, graph.TypeFrameworkCategory)
		for _, id := range ids {
			_, f := fields(id)
			checkLabel(t, graph.ShortID(id), f["label"])
		}
	})
}

func checkLabel(t *testing.T, what string, label any) {
	t.Helper()
	m, _ := label.(map[string]any)
	for _, lang := range []string{"nl", "en"} {
		if s, _ := m[lang].(string); strings.TrimSpace(s) == "" {
			t.Errorf("%s: no %s label", what, lang)
		}
	}
}

func mustSourceRecords(t *testing.T, st *graph.Store) []graph.SourceRecord {
	t.Helper()
	rs, err := st.SourceRecords(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
