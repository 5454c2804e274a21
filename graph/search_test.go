package graph_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
	"kring/graph/graphtest"
)

// A small bilingual graph for search, in one batch:
//
//	source/review (ACADEMIC_ANGLO)      source/vlaanderen (GREY_BE)
//	workmodel/wm2 ◄── assignment ── method/buddy ◄── implements ── initiative/stebo
//	                                     ▲
//	                         characteristic (subject)
//	method/fgc (financiële), method/debt (financiele, INFERRED), outcome/lonely,
//	precondition/training (vrijwilliger / volunteer)
func searchBatch() *graph.Changeset {
	src := func(ids ...string) []any {
		out := []any{}
		for _, id := range ids {
			out = append(out, id)
		}
		return out
	}
	return &graph.Changeset{BatchID: "search", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/review", "type", "ACADEMIC_ANGLO", "title", "Social support interventions: a review",
			"authors", []any{"Hogan, B. E."}, "status", "CONFIRMED"),
		graphtest.Node(graph.TypeSource, "source/vlaanderen", "type", "GREY_BE", "title", "Netwerkversterking in Vlaanderen", "status", "CONFIRMED"),
		graphtest.Node(graph.TypeWorkModel, "workmodel/wm2", "code", "WM2", "name", map[string]any{"nl": "persoonlijke vriend", "en": "personal friend"},
			"description", map[string]any{"nl": "Een vrijwillige sleutelfiguur ondersteunt één persoon in armoede: buddywerkingen.",
				"en": "A volunteer key figure supports one person in poverty: buddy schemes."},
			"status", "CONFIRMED", "sources", src("source/review")),
		graphtest.Node(graph.TypeMethod, "method/buddy", "name", map[string]any{"nl": "buddywerking", "en": "buddy scheme"},
			"aliases", []any{"duo-werking"},
			"description", map[string]any{"nl": "Een vrijwilliger wordt gekoppeld aan een persoon in armoede.", "en": "A volunteer is paired with a person in poverty."},
			"status", "CONFIRMED", "sources", src("source/vlaanderen")),
		graphtest.Node(graph.TypeAssignment, "", "subject", "method/buddy", "workModel", "workmodel/wm2", "basis", "CURATOR",
			"status", "INFERRED", "sources", src("source/review")),
		graphtest.Node(graph.TypeCharacteristic, "", "subject", "method/buddy", "kind", "STRENGTH",
			"text", map[string]any{"nl": "Vrijwilligers bieden nabijheid.", "en": "Volunteers offer closeness."},
			"status", "CONFIRMED", "sources", src("source/vlaanderen")),
		graphtest.Node(graph.TypeInitiative, "initiative/stebo", "name", map[string]any{"nl": "Stebo buddyproject", "en": "Stebo buddy project <Genk> & co"},
			"implements", src("method/buddy"), "status", "CONFIRMED", "sources", src("source/vlaanderen")),
		graphtest.Node(graph.TypeMethod, "method/fgc", "name", map[string]any{"nl": "Eigen Kracht-conferentie", "en": "Family Group Conference"},
			"description", map[string]any{"nl": "De familie maakt zelf een plan, ook voor financiële problemen.", "en": "The family makes its own plan."},
			"status", "CONFIRMED", "sources", src("source/review")),
		graphtest.Node(graph.TypeMethod, "method/debt", "name", map[string]any{"nl": "Schuldhulpmaatje", "en": "debt buddy"},
			"description", "Hulp bij financiele problemen door een maatje.", "status", "INFERRED", "sources", src("source/review")),
		graphtest.Node(graph.TypeOutcome, "outcome/lonely", "label", map[string]any{"nl": "eenzaamheid", "en": "loneliness"},
			"domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
		graphtest.Node(graph.TypePrecondition, "precondition/training", "label", map[string]any{"nl": "vorming voor de vrijwilliger", "en": "training for the volunteer"},
			"category", "VOLUNTEER_SUPPORT", "status", "CONFIRMED"),
	}}
}

func search(t *testing.T, st *graph.Store, q graph.SearchQuery) *graph.SearchResult {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = graph.MaxSearchPage
	}
	res, err := st.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func ids(res *graph.SearchResult) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, graph.ShortID(h.ID))
	}
	return out
}

func TestSearch(t *testing.T) {
	graphtest.ForEachBackend(t, func(t *testing.T, b graphtest.Backend) {
		st := b.New(t)
		graphtest.MustApply(t, st, searchBatch())

		finds := []struct {
			name string
			q    graph.SearchQuery
			want []string // among the hits
			top  string   // the best hit, when set
		}{
			{"dutch stemming: plural finds singular", graph.SearchQuery{Text: "vrijwilligers", Lang: graph.NL},
				[]string{"precondition/training", "method/buddy"}, ""},
			{"dutch stemming, no language", graph.SearchQuery{Text: "vrijwilligers"}, []string{"precondition/training"}, ""},
			{"diacritics in the query", graph.SearchQuery{Text: "financiële", Lang: graph.NL}, []string{"method/fgc", "method/debt"}, ""},
			{"diacritics in the text", graph.SearchQuery{Text: "financiele"}, []string{"method/fgc", "method/debt"}, ""},
			{"dutch outcome", graph.SearchQuery{Text: "eenzaamheid"}, []string{"outcome/lonely"}, "outcome/lonely"},
			{"english outcome", graph.SearchQuery{Text: "loneliness", Lang: graph.EN}, []string{"outcome/lonely"}, "outcome/lonely"},
			{"english stemming", graph.SearchQuery{Text: "volunteers", Lang: graph.EN}, []string{"precondition/training", "method/buddy", "workmodel/wm2"}, ""},
			{"compound prefix", graph.SearchQuery{Text: "buddy"}, []string{"method/buddy", "initiative/stebo", "workmodel/wm2", "method/debt"}, ""},
			{"alias", graph.SearchQuery{Text: "duo-werking"}, []string{"method/buddy"}, "method/buddy"},
			{"source title and author", graph.SearchQuery{Text: "hogan review"}, []string{"source/review"}, "source/review"},
			{"case", graph.SearchQuery{Text: "EIGEN KRACHT"}, []string{"method/fgc"}, "method/fgc"},
		}
		for _, c := range finds {
			t.Run(c.name, func(t *testing.T) {
				got := ids(search(t, st, c.q))
				for _, w := range c.want {
					if !slices.Contains(got, w) {
						t.Errorf("Search(%q) = %v; want %s among the hits", c.q.Text, got, w)
					}
				}
				if c.top != "" && (len(got) == 0 || got[0] != c.top) {
					t.Errorf("Search(%q) = %v; want %s first", c.q.Text, got, c.top)
				}
			})
		}

		t.Run("no match", func(t *testing.T) {
			if res := search(t, st, graph.SearchQuery{Text: "xylofoon"}); res.Total != 0 || len(res.Hits) != 0 {
				t.Errorf("Search(xylofoon) = %d hits %v; want none", res.Total, ids(res))
			}
		})

		t.Run("name outranks description", func(t *testing.T) {
			got := ids(search(t, st, graph.SearchQuery{Text: "vrijwilliger", Lang: graph.NL}))
			if len(got) == 0 || got[0] != "precondition/training" {
				t.Errorf("Search(vrijwilliger) = %v; want precondition/training (label) first", got)
			}
		})

		t.Run("type filter", func(t *testing.T) {
			res := search(t, st, graph.SearchQuery{Text: "buddy", Types: []graph.NodeType{graph.TypeInitiative}})
			if diff := cmp.Diff([]string{"initiative/stebo"}, ids(res)); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			if res.Total != 1 {
				t.Errorf("Total = %d; want 1", res.Total)
			}
			// Type counts ignore the type filter; the other facets count the filtered hits.
			wantTypes := []graph.TypeCount{{Type: graph.TypeMethod, Count: 2}, {Type: graph.TypeInitiative, Count: 1}, {Type: graph.TypeWorkModel, Count: 1}}
			if diff := cmp.Diff(wantTypes, res.Facets.Types); diff != "" {
				t.Errorf("type facets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]graph.StatusCount{{Status: graph.Confirmed, Count: 1}}, res.Facets.Statuses); diff != "" {
				t.Errorf("status facets (-want +got):\n%s", diff)
			}
		})

		t.Run("facets", func(t *testing.T) {
			res := search(t, st, graph.SearchQuery{Text: "buddy"})
			want := graph.SearchFacets{
				Types:       []graph.TypeCount{{Type: graph.TypeMethod, Count: 2}, {Type: graph.TypeInitiative, Count: 1}, {Type: graph.TypeWorkModel, Count: 1}},
				Statuses:    []graph.StatusCount{{Status: graph.Confirmed, Count: 3}, {Status: graph.Inferred, Count: 1}},
				SourceTypes: []graph.SourceTypeCount{{SourceType: "ACADEMIC_ANGLO", Count: 2}, {SourceType: "GREY_BE", Count: 2}},
				WorkModels:  []graph.WorkModelCount{{WorkModelID: "kring:workmodel/wm2", Count: 2}},
			}
			if diff := cmp.Diff(want, res.Facets); diff != "" {
				t.Errorf("facets (-want +got):\n%s", diff)
			}
			if res.Total != 4 {
				t.Errorf("Total = %d; want 4 (%v)", res.Total, ids(res))
			}
		})

		t.Run("highlights", func(t *testing.T) {
			res := search(t, st, graph.SearchQuery{Text: "buddy", Types: []graph.NodeType{graph.TypeInitiative}, Lang: graph.EN})
			if len(res.Hits) != 1 {
				t.Fatalf("hits = %v; want initiative/stebo", ids(res))
			}
			en, nl := graph.EN, graph.NL
			want := []*graph.SearchHighlight{
				{Field: "name", Lang: &en, Fragments: []string{"Stebo <mark>buddy</mark> project &lt;Genk&gt; &amp; co"}},
				{Field: "name", Lang: &nl, Fragments: []string{"Stebo <mark>buddyproject</mark>"}},
			}
			if diff := cmp.Diff(want, res.Hits[0].Highlights); diff != "" {
				t.Errorf("highlights (-want +got):\n%s", diff)
			}
			res = search(t, st, graph.SearchQuery{Text: "financiele", Types: []graph.NodeType{graph.TypeMethod}})
			var frags []string
			for _, h := range res.Hits {
				for _, hl := range h.Highlights {
					frags = append(frags, hl.Fragments...)
				}
			}
			if !slices.Contains(frags, "De familie maakt zelf een plan, ook voor <mark>financiële</mark> problemen.") {
				t.Errorf("fragments %q; want the accented word marked in the original text", frags)
			}
		})

		t.Run("scores and order", func(t *testing.T) {
			res := search(t, st, graph.SearchQuery{Text: "buddy armoede"})
			for i, h := range res.Hits {
				if h.Score <= 0 {
					t.Errorf("hit %s: score %v; want > 0", h.ID, h.Score)
				}
				if i > 0 && h.Score > res.Hits[i-1].Score {
					t.Errorf("hits not ordered by score: %v", ids(res))
				}
			}
		})

		t.Run("pages", func(t *testing.T) {
			all := ids(search(t, st, graph.SearchQuery{Text: "buddy vrijwilliger armoede"}))
			if len(all) < 4 {
				t.Fatalf("hits = %v; want at least 4", all)
			}
			var paged []string
			for off := 0; off < len(all); off += 3 {
				res := search(t, st, graph.SearchQuery{Text: "buddy vrijwilliger armoede", Offset: off, Limit: 3})
				if res.Total != len(all) {
					t.Errorf("page at %d: Total = %d; want %d", off, res.Total, len(all))
				}
				paged = append(paged, ids(res)...)
			}
			if diff := cmp.Diff(all, paged); diff != "" {
				t.Errorf("pages joined (-want +got):\n%s", diff)
			}
			res, err := st.Search(context.Background(), graph.SearchQuery{Text: "buddy", Limit: 0})
			if err != nil || len(res.Hits) != 0 || res.Total != 4 {
				t.Errorf("Limit 0: %d hits, total %d, %v; want counts only", len(res.Hits), res.Total, err)
			}
		})

		t.Run("invalid", func(t *testing.T) {
			for _, q := range []graph.SearchQuery{
				{Text: ""}, {Text: "   "}, {Text: strings.Repeat("a", graph.MaxSearchText+1)},
				{Text: "buddy", Limit: graph.MaxSearchPage + 1}, {Text: "buddy", Limit: -1}, {Text: "buddy", Offset: -1},
				{Text: "buddy", Lang: "FR"},
			} {
				if _, err := st.Search(context.Background(), q); !errors.Is(err, graph.ErrInvalid) {
					t.Errorf("Search(%.20q, limit %d, offset %d, lang %q) error = %v; want ErrInvalid", q.Text, q.Limit, q.Offset, q.Lang, err)
				}
			}
		})
	})
}

func TestSearchLongTextFragments(t *testing.T) {
	st := graphtest.NewMemory(t)
	filler := strings.Repeat("Een lange zin zonder het gezochte woord, over netwerken en steun. ", 8)
	desc := filler + "Hier staat het woord kwetsbaarheid midden in de tekst. " + filler + "Op het einde nog eens kwetsbaarheid."
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "long", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeMethod, "method/long", "name", "lang", "description", desc, "status", "CONFIRMED"),
	}})
	res := search(t, st, graph.SearchQuery{Text: "kwetsbaarheid"})
	if len(res.Hits) != 1 || len(res.Hits[0].Highlights) != 1 {
		t.Fatalf("hits %v; want method/long with one highlight", ids(res))
	}
	frags := res.Hits[0].Highlights[0].Fragments
	if len(frags) != 2 {
		t.Fatalf("fragments %q; want two, one per match far apart", frags)
	}
	for i, f := range frags {
		if !strings.HasPrefix(f, "…") || strings.Count(f, "<mark>kwetsbaarheid</mark>") != 1 || len(f) > 300 {
			t.Errorf("fragment %d = %q; want a cut (…) window of at most 300 bytes with one mark", i, f)
		}
	}
	if !strings.HasSuffix(frags[0], "…") || !strings.HasSuffix(frags[1], "<mark>kwetsbaarheid</mark>.") {
		t.Errorf("fragments %q: the first should end cut (…), the last at the end of the text", frags)
	}
}

func TestSearchFollowsWrites(t *testing.T) {
	graphtest.ForEachBackend(t, func(t *testing.T, b graphtest.Backend) {
		st := b.New(t)
		graphtest.MustApply(t, st, searchBatch())
		extra := &graph.Changeset{BatchID: "extra", Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeMethod, "method/praatgroep", "name", map[string]any{"nl": "praatgroep", "en": "talk group"},
				"status", "CONFIRMED", "sources", []any{"source/review"}),
			graphtest.Node(graph.TypeCharacteristic, "", "subject", "method/buddy", "kind", "WEAKNESS",
				"text", map[string]any{"nl": "Wachtlijsten voor een koppeling."}, "status", "CONFIRMED", "sources", []any{"source/review"}),
		}}
		found := func(text, id string) bool {
			t.Helper()
			return slices.Contains(ids(search(t, st, graph.SearchQuery{Text: text})), id)
		}
		if found("praatgroep", "method/praatgroep") {
			t.Fatal("praatgroep found before it was loaded")
		}
		graphtest.MustApply(t, st, extra)
		if !found("praatgroepen", "method/praatgroep") {
			t.Error("praatgroep not found after Apply")
		}
		if n := search(t, st, graph.SearchQuery{Text: "wachtlijst"}).Total; n != 1 {
			t.Errorf("wachtlijst: %d hits after Apply; want 1", n)
		}

		// Replacing the batch: the old name goes, the new one comes.
		renamed := *extra
		renamed.Nodes = []graph.NodeSpec{graphtest.Node(graph.TypeMethod, "method/praatgroep", "name", map[string]any{"nl": "gesprekscirkel"},
			"status", "CONFIRMED", "sources", []any{"source/review"})}
		graphtest.MustApply(t, st, &renamed)
		if found("praatgroep", "method/praatgroep") || !found("gesprekscirkel", "method/praatgroep") {
			t.Error("after replacing the batch: old name still found or new name not found")
		}
		if n := search(t, st, graph.SearchQuery{Text: "wachtlijst"}).Total; n != 0 {
			t.Errorf("wachtlijst: %d hits after the characteristic was dropped; want 0", n)
		}

		if _, err := st.Rollback(context.Background(), "extra", false); err != nil {
			t.Fatal(err)
		}
		if found("gesprekscirkel", "method/praatgroep") {
			t.Error("rolled-back node still found")
		}

		// Facets derived through other nodes follow too: method/buddy and its characteristic are
		// in WM2 through the assignment; a new version of the batch without it takes both out.
		// (Words of buddy's description and of its characteristic only: "vrijwilligers" would also
		// find WM2 itself, through the synonym "volunteer" in its English description.)
		res := search(t, st, graph.SearchQuery{Text: "gekoppeld nabijheid"})
		if diff := cmp.Diff([]graph.WorkModelCount{{WorkModelID: "kring:workmodel/wm2", Count: 2}}, res.Facets.WorkModels); diff != "" {
			t.Errorf("work model facet (-want +got):\n%s", diff)
		}
		unassigned := searchBatch()
		unassigned.Nodes = slices.DeleteFunc(unassigned.Nodes, func(n graph.NodeSpec) bool { return n.Type == graph.TypeAssignment })
		graphtest.MustApply(t, st, unassigned)
		res = search(t, st, graph.SearchQuery{Text: "gekoppeld nabijheid"})
		if len(res.Facets.WorkModels) != 0 || res.Total == 0 {
			t.Errorf("without the assignment: work model facet %v (want none), %d hits (want some)", res.Facets.WorkModels, res.Total)
		}
		if _, err := st.Rollback(context.Background(), "search", false); err != nil {
			t.Fatal(err)
		}
		if n := search(t, st, graph.SearchQuery{Text: "buddy"}).Total; n != 0 {
			t.Errorf("buddy: %d hits after rolling everything back; want 0", n)
		}
	})
}

func TestSearchPersistence(t *testing.T) {
	ctx := context.Background()
	st, dir := graphtest.NewBolt(t)
	if !st.SearchRebuilt() {
		t.Error("new store: SearchRebuilt = false; want true (no index yet)")
	}
	graphtest.MustApply(t, st, searchBatch())
	st.Close()
	reopen := func() *graph.Store {
		t.Helper()
		st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	st = reopen()
	want := ids(search(t, st, graph.SearchQuery{Text: "buddy"}))
	st.Close()

	t.Run("reused", func(t *testing.T) {
		st := reopen()
		if st.SearchRebuilt() {
			t.Error("reopen: SearchRebuilt = true; want the persisted index reused")
		}
		if diff := cmp.Diff(want, ids(search(t, st, graph.SearchQuery{Text: "buddy"}))); diff != "" {
			t.Errorf("hits after reopen (-want +got):\n%s", diff)
		}
		st.Close()
	})
	t.Run("missing", func(t *testing.T) {
		if err := os.RemoveAll(filepath.Join(dir, "search.bleve")); err != nil {
			t.Fatal(err)
		}
		st := reopen()
		if !st.SearchRebuilt() {
			t.Error("index deleted: SearchRebuilt = false; want true")
		}
		if diff := cmp.Diff(want, ids(search(t, st, graph.SearchQuery{Text: "buddy"}))); diff != "" {
			t.Errorf("hits after rebuild (-want +got):\n%s", diff)
		}
		st.Close()
	})
	t.Run("stale", func(t *testing.T) {
		// Keep a copy of the index, write, then put the old index back: it no longer matches.
		old := filepath.Join(t.TempDir(), "old.bleve")
		if err := os.CopyFS(old, os.DirFS(filepath.Join(dir, "search.bleve"))); err != nil {
			t.Fatal(err)
		}
		st := reopen()
		graphtest.MustApply(t, st, &graph.Changeset{BatchID: "later", Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeMethod, "method/buurtpensioen", "name", "BuurtPensioen", "status", "CONFIRMED", "sources", []any{"source/review"}),
		}})
		st.Close()
		if err := os.RemoveAll(filepath.Join(dir, "search.bleve")); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(filepath.Join(dir, "search.bleve"), os.DirFS(old)); err != nil {
			t.Fatal(err)
		}
		st = reopen()
		if !st.SearchRebuilt() {
			t.Error("stale index: SearchRebuilt = false; want true")
		}
		if got := ids(search(t, st, graph.SearchQuery{Text: "buurtpensioen"})); !slices.Contains(got, "method/buurtpensioen") {
			t.Errorf("after rebuilding a stale index: %v; want method/buurtpensioen", got)
		}
	})
}

// synthetic returns a batch of about n nodes with Dutch and English text: sources, the seven
// work models, outcomes, and per method or initiative one assignment, one characteristic and
// one outcome claim.
func synthetic(n int) *graph.Changeset {
	nl := strings.Fields("vrijwilliger vrijwilligers buddy buddywerking armoede eenzaamheid netwerk netwerken ouders gezin buurt sociale steun " +
		"financiële problemen schulden begeleiding maatje ontmoeting groep kinderen jongeren werk opleiding vertrouwen wijk huisbezoek " +
		"hulpverlener ervaringsdeskundige participatie koppeling vriendschap mantelzorg vluchtelingen nieuwkomers senioren gesprek")
	en := strings.Fields("volunteer volunteers buddy scheme poverty loneliness network networks parents family neighbourhood social support " +
		"financial problems debt guidance mentor meeting group children young people work training trust home visit " +
		"professional experience expert participation pairing friendship carers refugees newcomers older people conversation")
	r := rand.New(rand.NewPCG(1, 2))
	sentence := func(words []string, k int) string {
		out := make([]string, k)
		for i := range out {
			out[i] = words[r.IntN(len(words))]
		}
		return strings.Join(out, " ") + "."
	}
	text := func(k int) map[string]any { return map[string]any{"nl": sentence(nl, k), "en": sentence(en, k)} }
	cs := &graph.Changeset{BatchID: "synthetic"}
	add := func(t graph.NodeType, id string, kv ...any) {
		cs.Nodes = append(cs.Nodes, graphtest.Node(t, id, kv...))
	}
	const sources, outcomes = 100, 50
	types := graph.Vocabularies["SourceType"]
	for i := range sources {
		add(graph.TypeSource, fmt.Sprintf("source/s%d", i), "type", types[i%len(types)], "title", sentence(en, 8),
			"authors", []any{fmt.Sprintf("Author %d, A.", i)}, "status", "CONFIRMED")
	}
	for i := 1; i <= 7; i++ {
		add(graph.TypeWorkModel, fmt.Sprintf("workmodel/wm%d", i), "code", fmt.Sprintf("WM%d", i), "name", text(3),
			"description", text(30), "status", "CONFIRMED", "sources", []any{"source/s0"})
	}
	domains := graph.Vocabularies["OutcomeDomain"]
	for i := range outcomes {
		add(graph.TypeOutcome, fmt.Sprintf("outcome/o%d", i), "label", text(2), "domain", domains[i%len(domains)], "status", "CONFIRMED")
	}
	methods := (n - sources - 7 - outcomes) / 4
	for i := range methods {
		t, kind := graph.TypeMethod, "method"
		if i%2 == 1 {
			t, kind = graph.TypeInitiative, "initiative"
		}
		id := fmt.Sprintf("%s/m%d", kind, i)
		src := []any{fmt.Sprintf("source/s%d", r.IntN(sources))}
		add(t, id, "name", text(3), "description", text(40), "goal", text(10), "approach", text(20), "status", "CONFIRMED", "sources", src)
		add(graph.TypeAssignment, "", "subject", id, "workModel", fmt.Sprintf("workmodel/wm%d", 1+r.IntN(7)), "basis", "CURATOR",
			"status", "INFERRED", "sources", src)
		add(graph.TypeCharacteristic, "", "subject", id, "kind", "STRENGTH", "text", text(12), "status", "CONFIRMED", "sources", src)
		add(graph.TypeOutcomeClaim, fmt.Sprintf("claim/c%d", i), "subject", id, "outcome", fmt.Sprintf("outcome/o%d", r.IntN(outcomes)),
			"direction", "POSITIVE", "text", text(15), "population", text(4), "status", "CONFIRMED", "sources", src)
	}
	return cs
}

// bench10k is built once per test binary: loading 10,000 nodes takes seconds.
var bench10k *graph.Store

func benchStore(b *testing.B) *graph.Store {
	b.Helper()
	if bench10k != nil {
		return bench10k
	}
	cs := synthetic(10000)
	st, err := graph.Open(context.Background(), graph.Config{Backend: graph.BackendMemory})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	rep, err := st.Apply(context.Background(), cs, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("synthetic graph: %d nodes, %d quads, applied (with search indexing) in %v", len(cs.Nodes), rep.Added, time.Since(start).Round(time.Millisecond))
	bench10k = st
	return st
}

// BenchmarkSearchBuild times a full build of the search index from the read model of the
// synthetic 10,000-node graph (resolvers.BenchmarkSearchOpenStarter times the starter KB).
func BenchmarkSearchBuild(b *testing.B) {
	st := benchStore(b)
	for b.Loop() {
		graph.RebuildSearchForTest(b, st)
	}
}

// BenchmarkSearchDocs times what every write adds for search before its bleve batch: deriving
// and hashing every document.
func BenchmarkSearchDocs(b *testing.B) {
	st := benchStore(b)
	for b.Loop() {
		graph.SearchDocsForTest(st)
	}
}

// BenchmarkSearch times queries (first page of 20, with highlights and facets) on the
// synthetic 10,000-node graph.
func BenchmarkSearch(b *testing.B) {
	st := benchStore(b)
	for _, q := range []graph.SearchQuery{
		{Text: "vrijwilligers"},
		{Text: "buddy", Lang: graph.NL},
		{Text: "loneliness", Lang: graph.EN},
		{Text: "financiële problemen schulden"},
		{Text: "eenzaamheid", Types: []graph.NodeType{graph.TypeMethod, graph.TypeInitiative}},
		{Text: "xylofoon"},
	} {
		q.Limit = 20
		b.Run(strings.ReplaceAll(q.Text, " ", "_"), func(b *testing.B) {
			var res *graph.SearchResult
			for b.Loop() {
				var err error
				if res, err = st.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Total), "hits")
		})
	}
}

// BenchmarkSearchWrite times a small write on the synthetic 10,000-node graph: the Cayley
// transaction, the read model rebuild and the search update (BenchmarkSearchDocs is the part
// search adds before its one-document bleve batch).
func BenchmarkSearchWrite(b *testing.B) {
	st := benchStore(b)
	i := 0
	for b.Loop() {
		i++
		graphtest.MustApply(b, st, &graph.Changeset{BatchID: "bench-write", Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeMethod, "method/bench-write", "name", fmt.Sprintf("schrijftest %d", i%2), "status", "CONFIRMED",
				"sources", []any{"source/s0"}),
		}})
	}
}

// TestSearchIncremental: a write re-derives only the documents it may have changed; every
// document that does change (derived in full before and after each write) must be among them,
// facets included: a source's type reaches the claims citing it, an assignment's work model
// reaches the method and everything about it.
func TestSearchIncremental(t *testing.T) {
	graphtest.ForEachBackend(t, func(t *testing.T, b graphtest.Backend) {
		ctx := context.Background()
		st := b.New(t)
		missed := graph.WatchSearchDocsForTest(t)
		base := searchBatch()
		graphtest.MustApply(t, st, base)
		claims := &graph.Changeset{BatchID: "claims", Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeWorkModel, "workmodel/wm3", "code", "WM3", "name", map[string]any{"nl": "groep", "en": "group"}, "status", "CANDIDATE", "sources", []any{"source/review"}),
			graphtest.Node(graph.TypeOutcomeClaim, "claim/buddy-lonely", "subject", "method/buddy", "outcome", "outcome/lonely", "direction", "POSITIVE",
				"text", map[string]any{"nl": "Minder eenzaam", "en": "Less lonely"}, "status", "CONFIRMED", "sources", []any{"source/review"}),
			graphtest.Node(graph.TypeCharacteristic, "", "subject", "method/fgc", "kind", "WEAKNESS",
				"text", map[string]any{"nl": "Tijdrovend.", "en": "Takes time."}, "status", "CONFIRMED", "sources", []any{"source/vlaanderen"}),
		}}
		graphtest.MustApply(t, st, claims)
		// The base batch again, with another source type and the assignment moved to WM3.
		changed := searchBatch()
		for i, n := range changed.Nodes {
			for j, f := range n.Fields {
				switch {
				case n.ID == "source/vlaanderen" && f.Name == "type":
					changed.Nodes[i].Fields[j].Value = "ACADEMIC_NL"
				case n.Type == graph.TypeAssignment && f.Name == "workModel":
					changed.Nodes[i].Fields[j].Value = "workmodel/wm3"
				}
			}
		}
		graphtest.MustApply(t, st, changed)
		if got := ids(search(t, st, graph.SearchQuery{Text: "eenzaam"})); !slices.Contains(got, "claim/buddy-lonely") {
			t.Errorf("search after the changes: %v; want claim/buddy-lonely", got)
		}
		// The base batch once more moves the assignment back, so nothing depends on the claims
		// batch's WM3 any more: its rollback must go through and take its claim out of the index.
		graphtest.MustApply(t, st, base)
		if _, err := st.Rollback(ctx, "claims", false); err != nil {
			t.Fatalf("rollback of the claims batch: %v", err)
		}
		if got := ids(search(t, st, graph.SearchQuery{Text: "eenzaam"})); slices.Contains(got, "claim/buddy-lonely") {
			t.Errorf("search after the rollback: %v; want claim/buddy-lonely gone", got)
		}
		if got := ids(search(t, st, graph.SearchQuery{Text: "tijdrovend"})); len(got) != 0 {
			t.Errorf("search for the rolled-back weakness: %v; want nothing", got)
		}
		if m := missed(); len(m) > 0 {
			t.Errorf("documents changed by a write but not re-derived: %v", m)
		}
	})
}

// TestSearchCommitFailure: the search index is updated while Cayley commits; when the commit
// fails, the index is put back as it was, and the next write brings it forward.
func TestSearchCommitFailure(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, searchBatch())
	renamed := searchBatch()
	for i, n := range renamed.Nodes {
		if n.ID == "method/fgc" {
			renamed.Nodes[i] = graphtest.Node(graph.TypeMethod, "method/fgc", "name", map[string]any{"nl": "Familieberaad", "en": "family council"},
				"status", "CONFIRMED", "sources", []any{"source/review"})
		}
	}
	renamed.Nodes = append(renamed.Nodes, graphtest.Node(graph.TypeMethod, "method/praatgroep", "name", "praatgroep", "status", "CONFIRMED", "sources", []any{"source/review"}))
	restore := graph.FailCommitsForTest(st)
	if _, err := st.Apply(ctx, renamed, false); err == nil {
		t.Fatal("Apply with a failing commit succeeded")
	}
	restore()
	for text, want := range map[string]bool{"praatgroep": false, "familieberaad": false, "kracht": true} {
		got := ids(search(t, st, graph.SearchQuery{Text: text}))
		if found := slices.Contains(got, "method/praatgroep") || slices.Contains(got, "method/fgc"); found != want {
			t.Errorf("after the failed commit, search %q = %v; want a hit: %v", text, got, want)
		}
	}
	graphtest.MustApply(t, st, renamed)
	for text, want := range map[string]bool{"praatgroep": true, "familieberaad": true} {
		got := ids(search(t, st, graph.SearchQuery{Text: text}))
		if found := slices.Contains(got, "method/praatgroep") || slices.Contains(got, "method/fgc"); found != want {
			t.Errorf("after the good commit, search %q = %v; want a hit: %v", text, got, want)
		}
	}
	if _, err := st.Verify(ctx); err != nil {
		t.Error(err)
	}
}

// TestSynonymsOf: a term of a set, found on word boundaries and case- and accent-insensitively,
// brings in the other terms of its set; words that only contain a term do not.
func TestSynonymsOf(t *testing.T) {
	for _, tc := range []struct {
		text      string
		has, lack []string
	}{
		{"Alleenstaande Moeder", []string{"eenoudergezin", "single parent", "lone parent"}, []string{"alleenstaande moeder"}},
		{"eenoudergezin in Gent", []string{"alleenstaande moeder", "single mother"}, nil},
		{"vrijwilligers en buddy's", []string{"volunteer", "volunteers", "maatje"}, []string{"vrijwilligers"}},
		{"eenzaamheid", []string{"loneliness", "lonely"}, []string{"social isolation"}},
		{"sociaal isolement", []string{"social isolation"}, []string{"loneliness"}},
		{"alleenstaanden", nil, []string{"eenoudergezin"}},
		{"tijdsbank", nil, []string{"time bank"}},
	} {
		got := graph.SynonymsOfForTest(tc.text)
		for _, w := range tc.has {
			if !slices.Contains(got, w) {
				t.Errorf("synonyms of %q = %v; want %q among them", tc.text, got, w)
			}
		}
		for _, w := range tc.lack {
			if slices.Contains(got, w) {
				t.Errorf("synonyms of %q = %v; want no %q", tc.text, got, w)
			}
		}
	}
}
