package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
	"kring/resolvers"
)

var update = flag.Bool("update", false, "rewrite golden files")

// starter returns a memstore loaded with the bundled knowledge base: kb/starter.yaml, then the
// batches under kb/batches/ in file-name order, as `kring serve` loads them.
func starter(t testing.TB) *graph.Store {
	t.Helper()
	st := graphtest.NewMemory(t)
	files, err := ingest.BundleFiles(os.DirFS("../kb"), "kb/")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		cs, err := ingest.ReadKB(f.Name, bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("bundled KB: %v", err)
		}
		cs.LoadedAt = "2026-01-01T00:00:00Z"
		graphtest.MustApply(t, st, cs)
	}
	return st
}

type response struct {
	Data   json.RawMessage  `json:"data"`
	Errors []map[string]any `json:"errors"`
}

func post(t testing.TB, h http.Handler, query string, vars map[string]any) (int, response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("decode response %q: %v", rec.Body.String(), err)
	}
	return rec.Code, r
}

// TestGolden runs every testdata/queries/*.graphql against the starter KB and compares the
// response with its .golden.json (go test ./resolvers -run Golden -update rewrites them).
func TestGolden(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	runGolden(t, h, "testdata/queries", false)
}

// runGolden runs every dir/*.graphql through h and compares each response with the file's
// .golden.json; -update rewrites them. With noErrors, a response with errors fails the test.
func runGolden(t *testing.T, h http.Handler, dir string, noErrors bool) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.graphql"))
	if len(files) == 0 {
		t.Fatalf("no queries in %s", dir)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".graphql")
		t.Run(name, func(t *testing.T) {
			q, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, r := post(t, h, string(q), nil)
			if noErrors && len(r.Errors) > 0 {
				t.Errorf("errors: %v", r.Errors)
			}
			got, _ := json.MarshalIndent(r, "", "  ")
			golden := strings.TrimSuffix(f, ".graphql") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(strings.TrimSpace(string(want)), strings.TrimSpace(string(got))); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
			}
		})
	}
}

func TestErrorsAreCoded(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	cases := []struct {
		name, query string
		code        string
	}{
		{"unknown id", `{ method(id: "kring:method/does-not-exist") { id } }`, "NOT_FOUND"},
		{"wrong type", `{ method(id: "kring:workmodel/persoonlijke-vriend") { id } }`, "NOT_FOUND"},
		{"bad cursor", `{ methods(after: "bogus") { totalCount } }`, "BAD_USER_INPUT"},
		{"page too large", `{ methods(first: 100000) { totalCount } }`, "BAD_USER_INPUT"},
		{"too deep", `{ methods { nodes { workModels { workModel { methods { nodes { claims { nodes { outcome { claims { nodes { method { id } } } } } } } } } } } } }`, "BAD_USER_INPUT"},
		{"too many aliases", `{ ` + strings.Repeat("a: workModels { totalCount } ", 1) + aliases(40) + ` }`, "BAD_USER_INPUT"},
		{"too complex", `{ methods(first: 500) { nodes { claims(first: 500) { nodes { sources { title } } } } } }`, "BAD_USER_INPUT"},
		{"syntax error", `{ methods { `, "BAD_USER_INPUT"},
		{"unknown field", `{ methodz { id } }`, "BAD_USER_INPUT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, r := post(t, h, c.query, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("no error for %s", c.query)
			}
			ext, _ := r.Errors[0]["extensions"].(map[string]any)
			if got := ext["code"]; got != c.code {
				t.Errorf("extensions.code = %v; want %s (error %v)", got, c.code, r.Errors[0])
			}
			if msg, _ := r.Errors[0]["message"].(string); strings.Contains(msg, "graph:") || strings.Contains(msg, "input:") {
				t.Errorf("message leaks internals: %q", msg)
			}
		})
	}
}

func aliases(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("w")
		b.WriteString(strings.Repeat("x", i+1))
		b.WriteString(": workModels { totalCount } ")
	}
	return b.String()
}

// TestRoundTrips counts store reads for a 3-level nested query over 100 methods: dataloaders
// must batch each level into one read.
func TestRoundTrips(t *testing.T) {
	st := starter(t)
	// Top the starter KB up to more than 100 methods, each with its own links.
	extra := &graph.Changeset{BatchID: "synthetic"}
	for i := 0; i < 60; i++ {
		id := fmt.Sprintf("method/synthetic-%02d", i)
		extra.Nodes = append(extra.Nodes,
			graphtest.Node(graph.TypeMethod, id, "name", fmt.Sprintf("synthetic %d", i), "status", "CANDIDATE", "sources", []any{"source/hogan2002"}),
			graphtest.Node(graph.TypeAssignment, "", "subject", id, "workModel", "workmodel/persoonlijke-vriend", "basis", "CURATOR", "status", "CANDIDATE", "sources", []any{"source/hogan2002"}),
			graphtest.Node(graph.TypeInvolvement, "", "subject", id, "type", "PEER", "status", "CANDIDATE", "sources", []any{"source/mead2010"}))
	}
	graphtest.MustApply(t, st, extra)
	// A wide batching window, so that goroutine scheduling under -race cannot split a level
	// into two reads; what is counted is store reads, not time.
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{LoaderWait: 50 * time.Millisecond})
	q := `{ methods(first: 100) { nodes { id workModels { workModel { code } sources { title } } actors { actor { code } } } } }`
	before := st.Reads()
	_, r := post(t, h, q, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %v", r.Errors)
	}
	var data struct {
		Methods struct{ Nodes []any }
	}
	json.Unmarshal(r.Data, &data)
	if len(data.Methods.Nodes) < 100 {
		t.Fatalf("only %d methods in the starter KB; the test needs a real list", len(data.Methods.Nodes))
	}
	got := st.Reads() - before
	t.Logf("store reads for %d methods, 3 levels: %d", len(data.Methods.Nodes), got)
	if got > 4 {
		t.Errorf("store reads for a 3-level query over %d methods = %d; want ≤ 4", len(data.Methods.Nodes), got)
	}
}

// TestEnumsMatchVocabularies keeps the SDL enums and graph.Vocabularies in step.
func TestEnumsMatchVocabularies(t *testing.T) {
	files, _ := filepath.Glob("../schema/*.graphqls")
	var srcs []*ast.Source
	for _, f := range files {
		b, _ := os.ReadFile(f)
		srcs = append(srcs, &ast.Source{Name: f, Input: string(b)})
	}
	schema, err := gqlparser.LoadSchema(srcs...)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for scheme, codes := range graph.Vocabularies {
		def := schema.Types[scheme]
		if def == nil || def.Kind != ast.Enum {
			continue
		}
		var got []string
		for _, v := range def.EnumValues {
			got = append(got, v.Name)
		}
		want := append([]string(nil), codes...)
		sort.Strings(got)
		sort.Strings(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("enum %s differs from graph.Vocabularies (-vocab +sdl):\n%s", scheme, diff)
		}
		checked++
	}
	if checked < 15 {
		t.Errorf("only %d enums matched a vocabulary; want ≥ 15", checked)
	}
}

func TestNodesKeepsOrderAndReportsMissing(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	_, r := post(t, h, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{
		"ids": []string{"kring:workmodel/persoonlijke-vriend", "kring:nope/x", "kring:workmodel/persoonlijk-netwerk"}})
	var data struct{ Nodes []*struct{ ID string } }
	json.Unmarshal(r.Data, &data)
	if len(data.Nodes) != 3 || data.Nodes[0] == nil || data.Nodes[1] != nil || data.Nodes[2] == nil {
		t.Fatalf("nodes = %s; want [wm, null, wm]", r.Data)
	}
	if len(r.Errors) != 1 || r.Errors[0]["extensions"].(map[string]any)["code"] != "NOT_FOUND" {
		t.Errorf("errors = %v; want one NOT_FOUND", r.Errors)
	}
}

func TestPagination(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	q := `query($after: String) { methods(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }`
	var seen []string
	var after any
	for page := 0; page < 100; page++ {
		_, r := post(t, h, q, map[string]any{"after": after})
		var d struct {
			Methods struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Nodes []struct{ ID string }
			}
		}
		if err := json.Unmarshal(r.Data, &d); err != nil || len(r.Errors) > 0 {
			t.Fatalf("page %d: %v %v", page, err, r.Errors)
		}
		for _, n := range d.Methods.Nodes {
			seen = append(seen, n.ID)
		}
		if !d.Methods.PageInfo.HasNextPage {
			if len(seen) != d.Methods.TotalCount {
				t.Errorf("walked %d methods; totalCount %d", len(seen), d.Methods.TotalCount)
			}
			if !sort.StringsAreSorted(seen) {
				t.Errorf("pages are not in stable id order")
			}
			return
		}
		after = d.Methods.PageInfo.EndCursor
	}
	t.Fatal("pagination did not end")
}

var _ = context.Background
