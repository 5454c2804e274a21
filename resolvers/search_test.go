package resolvers_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
	"kring/resolvers"
)

type searchData struct {
	Search struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       string
		}
		Edges []struct {
			Cursor string
			Score  float64
			Node   struct {
				ID       string
				Typename string `json:"__typename"`
				Name     string
			}
			Highlights []struct {
				Field     string
				Lang      *string
				Fragments []string
			}
		}
		Facets struct {
			Types []struct {
				Type  string
				Count int
			}
			Statuses []struct {
				Status string
				Count  int
			}
			WorkModels []struct {
				WorkModel struct{ ID string }
				Count     int
			}
		}
	}
}

const searchQuery = `query($text: String!, $lang: Lang, $types: [NodeType!], $first: Int, $after: String) {
  search(text: $text, lang: $lang, types: $types, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor score
      node { id __typename ... on Method { name(lang: EN) } }
      highlights { field lang fragments }
    }
    facets { types { type count } statuses { status count } workModels { workModel { id } count } }
  }
}`

func TestSearchStarter(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	run := func(t *testing.T, vars map[string]any) searchData {
		t.Helper()
		_, r := post(t, h, searchQuery, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("search(%v): errors %v", vars, r.Errors)
		}
		var d searchData
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}

	t.Run("buddy finds the buddy initiatives", func(t *testing.T) {
		d := run(t, map[string]any{"text": "buddy", "types": []string{"INITIATIVE"}, "first": 100})
		var got []string
		for _, e := range d.Search.Edges {
			got = append(got, e.Node.ID)
			if e.Node.Typename != "Method" || e.Node.Name == "" || e.Score <= 0 {
				t.Errorf("edge %s: __typename %q, name %q, score %v; want a named Method with a positive score", e.Node.ID, e.Node.Typename, e.Node.Name, e.Score)
			}
		}
		for _, want := range []string{"kring:initiative/armentekort-buddy", "kring:initiative/stebo-buddy", "kring:initiative/buddy4you"} {
			if !slices.Contains(got, want) {
				t.Errorf("search(buddy) = %v; want %s among the hits", got, want)
			}
		}
		if len(d.Search.Edges) == 0 {
			t.Fatal("no hits")
		}
		marked := false
		for _, hl := range d.Search.Edges[0].Highlights {
			for _, f := range hl.Fragments {
				marked = marked || strings.Contains(strings.ToLower(f), "<mark>buddy")
			}
		}
		if !marked {
			t.Errorf("best hit's highlights %+v; want a <mark>ed buddy", d.Search.Edges[0].Highlights)
		}
		var types []string
		for _, f := range d.Search.Facets.Types {
			types = append(types, f.Type)
		}
		if !slices.Contains(types, "INITIATIVE") || !slices.Contains(types, "METHOD") {
			t.Errorf("type facets %v; want INITIATIVE and METHOD (types ignore the filter)", types)
		}
		if len(d.Search.Facets.Statuses) == 0 {
			t.Error("no status facets")
		}
	})

	t.Run("dutch and english", func(t *testing.T) {
		for _, q := range []map[string]any{
			{"text": "eenzaamheid", "lang": "NL"}, {"text": "loneliness", "lang": "EN"}, {"text": "vrijwilligers"},
		} {
			if d := run(t, q); d.Search.TotalCount == 0 {
				t.Errorf("search(%v): no hits", q)
			}
		}
	})

	t.Run("pages", func(t *testing.T) {
		all := run(t, map[string]any{"text": "buddy vrijwilliger", "first": 100})
		if all.Search.TotalCount < 4 {
			t.Skipf("only %d hits in the starter KB", all.Search.TotalCount)
		}
		p1 := run(t, map[string]any{"text": "buddy vrijwilliger", "first": 2})
		p2 := run(t, map[string]any{"text": "buddy vrijwilliger", "first": 2, "after": p1.Search.PageInfo.EndCursor})
		var got []string
		for _, p := range []searchData{p1, p2} {
			for _, e := range p.Search.Edges {
				got = append(got, e.Node.ID)
			}
		}
		var want []string
		for _, e := range all.Search.Edges[:4] {
			want = append(want, e.Node.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("two pages of 2 = %v; want the first 4 hits %v", got, want)
		}
		if !p1.Search.PageInfo.HasNextPage || p1.Search.PageInfo.HasPreviousPage || !p2.Search.PageInfo.HasPreviousPage {
			t.Errorf("pageInfo: first %+v, second %+v", p1.Search.PageInfo, p2.Search.PageInfo)
		}
	})

	t.Run("work model facet resolves", func(t *testing.T) {
		d := run(t, map[string]any{"text": "buddy"})
		if len(d.Search.Facets.WorkModels) == 0 || !strings.HasPrefix(d.Search.Facets.WorkModels[0].WorkModel.ID, "kring:workmodel/") {
			t.Errorf("work model facets %+v; want work models", d.Search.Facets.WorkModels)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, vars := range []map[string]any{
			{"text": ""}, {"text": "  "}, {"text": "buddy", "first": 101}, {"text": "buddy", "first": -1},
			{"text": "buddy", "after": "bogus"}, {"text": "buddy", "after": "YzprcmluZzptZXRob2QveA"}, // a connection cursor
		} {
			_, r := post(t, h, searchQuery, vars)
			if len(r.Errors) == 0 {
				t.Errorf("search(%v): no error", vars)
				continue
			}
			if code := r.Errors[0]["extensions"].(map[string]any)["code"]; code != "BAD_USER_INPUT" {
				t.Errorf("search(%v): code %v; want BAD_USER_INPUT (%v)", vars, code, r.Errors[0])
			}
			if msg, _ := r.Errors[0]["message"].(string); strings.Contains(msg, "graph:") {
				t.Errorf("message leaks internals: %q", msg)
			}
		}
	})
}

// BenchmarkSearchOpenStarter times opening a bolt store that holds the starter KB, with the
// persisted search index reused and with it rebuilt: the difference is the index build.
func BenchmarkSearchOpenStarter(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	open := func() *graph.Store {
		st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: dir})
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	st := open()
	f, err := os.Open("../kb/starter.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cs, err := ingest.ReadKB("kb/starter.yaml", f)
	f.Close()
	if err != nil {
		b.Fatalf("starter KB: %v", err)
	}
	graphtest.MustApply(b, st, cs)
	st.Close()
	for _, rebuild := range []bool{false, true} {
		name := "reuse"
		if rebuild {
			name = "rebuild"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if rebuild {
					if err := os.RemoveAll(filepath.Join(dir, "search.bleve")); err != nil {
						b.Fatal(err)
					}
				}
				st := open()
				if st.SearchRebuilt() != rebuild {
					b.Fatalf("SearchRebuilt = %v; want %v", st.SearchRebuilt(), rebuild)
				}
				st.Close()
			}
		})
	}
}
