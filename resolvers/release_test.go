package resolvers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/resolvers"
)

// postAs posts a GraphQL request with a bearer token ("" for none).
// postWithToken is postAs (roles_test.go) with the token first.
func postWithToken(t *testing.T, h http.Handler, token, query string) (int, response) {
	t.Helper()
	return postAs(t, h, query, token)
}

func codeOf(r response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	ext, _ := r.Errors[0]["extensions"].(map[string]any)
	c, _ := ext["code"].(string)
	return c
}

func TestReleasesAPI(t *testing.T) {
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "b1", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/s", "type", "PRESS", "title", "Oude titel", "status", "CONFIRMED")}})
	curator, admin := "curator-secret-token", "admin-secret-token"
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokensFor(t,
		"cora CURATOR "+resolvers.HashToken(curator),
		"ada ADMIN "+resolvers.HashToken(admin))})
	create := `mutation { createRelease(name: "2027.1", note: "eerste") { name note createdBy quads checksum } }`

	// ADMIN only.
	if code, r := postWithToken(t, h, "", create); code != 401 || codeOf(r) != "UNAUTHENTICATED" {
		t.Errorf("anonymous createRelease: %d %s", code, codeOf(r))
	}
	if _, r := postWithToken(t, h, curator, create); codeOf(r) != "FORBIDDEN" {
		t.Errorf("curator createRelease: %+v; want FORBIDDEN", r.Errors)
	}
	_, r := postWithToken(t, h, admin, create)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"createdBy":"ada"`) || !strings.Contains(string(r.Data), `"note":"eerste"`) {
		t.Fatalf("admin createRelease: %s %+v", r.Data, r.Errors)
	}
	if _, r := postWithToken(t, h, admin, create); codeOf(r) != "CONFLICT" {
		t.Errorf("createRelease again: %+v; want CONFLICT", r.Errors)
	}
	if _, r := postWithToken(t, h, admin, `mutation { createRelease(name: "a/b") { name } }`); codeOf(r) != "BAD_USER_INPUT" {
		t.Errorf("createRelease(a/b): %+v; want BAD_USER_INPUT", r.Errors)
	}

	// Change the live content: a new title, a new source.
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "b1", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/s", "type", "PRESS", "title", "Nieuwe titel", "status", "CONFIRMED")}})
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "b2", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/t", "type", "PRESS", "title", "Tweede", "status", "CONFIRMED")}})

	// asOf: the same query, old content.
	q := `{ node(id: "source/s") { ... on Source { title } } t: nodes(ids: ["source/t"]) { id } }`
	_, live := postWithToken(t, h, "", "query "+q)
	_, old := postWithToken(t, h, "", `query @asOf(release: "2027.1") `+q)
	if !strings.Contains(string(live.Data), "Nieuwe titel") || !strings.Contains(string(old.Data), "Oude titel") {
		t.Errorf("live %s / as of 2027.1 %s", live.Data, old.Data)
	}
	if len(old.Errors) != 1 || codeOf(old) != "NOT_FOUND" {
		t.Errorf("source/t as of 2027.1: %+v; want NOT_FOUND (added later)", old.Errors)
	}
	if _, r := postWithToken(t, h, "", `query @asOf(release: "1999") { releases { name } }`); codeOf(r) != "NOT_FOUND" || !strings.Contains(r.Errors[0]["message"].(string), "1999") {
		t.Errorf("asOf unknown release: %+v; want NOT_FOUND naming it", r.Errors)
	}
	if _, r := postWithToken(t, h, admin, `mutation @asOf(release: "2027.1") { rollbackBatch(id: "b2") { removed } }`); codeOf(r) != "BAD_USER_INPUT" {
		t.Errorf("mutation under asOf: %+v; want BAD_USER_INPUT", r.Errors)
	}
	if _, err := st.Node(t.Context(), "source/t"); err != nil {
		t.Errorf("b2 was rolled back under asOf: %v", err)
	}

	// The asOf URL parameter: the whole request as of the release (GET or POST).
	get := func(target string) (int, response) {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var r response
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("decode %q: %v", rec.Body.String(), err)
		}
		return rec.Code, r
	}
	if code, r := get("/graphql?asOf=2027.1&query=" + url.QueryEscape(q)); code != 200 || !strings.Contains(string(r.Data), "Oude titel") {
		t.Errorf("GET ?asOf=2027.1: %d %s %+v", code, r.Data, r.Errors)
	}
	if code, r := get("/graphql?asOf=1999&query=" + url.QueryEscape(q)); code != 404 || codeOf(r) != "NOT_FOUND" || !strings.Contains(r.Errors[0]["message"].(string), "1999") {
		t.Errorf("GET ?asOf=1999: %d %+v; want 404 NOT_FOUND naming it", code, r.Errors)
	}
	body, _ := json.Marshal(map[string]any{"query": `mutation { rollbackBatch(id: "b2") { removed } }`})
	req := httptest.NewRequest(http.MethodPost, "/graphql?asOf=2027.1", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "BAD_USER_INPUT") || !strings.Contains(rec.Body.String(), "read-only") {
		t.Errorf("POST mutation ?asOf=2027.1: %d %s; want BAD_USER_INPUT", rec.Code, rec.Body.String())
	}
	if _, err := st.Node(t.Context(), "source/t"); err != nil {
		t.Errorf("b2 was rolled back under ?asOf: %v", err)
	}

	// releases, release, releaseDiff.
	_, r = postWithToken(t, h, "", `{ releases { name quads } release(name: "2027.1") { note } }`)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"releases":[{"name":"2027.1"`) || !strings.Contains(string(r.Data), `"note":"eerste"`) {
		t.Errorf("releases: %s %+v", r.Data, r.Errors)
	}
	if _, r := postWithToken(t, h, "", `{ release(name: "nope") { name } }`); codeOf(r) != "NOT_FOUND" {
		t.Errorf("release(nope): %+v; want NOT_FOUND", r.Errors)
	}
	_, r = postWithToken(t, h, "", `{ releaseDiff(from: "2027.1") { from to
		added { type count items(first: 1) { id label(lang: NL) } }
		changed { type count items { id type label fields } }
		removed { type count } } }`)
	var d struct {
		ReleaseDiff struct {
			From  string
			To    *string
			Added []struct {
				Type  string
				Count int
				Items []struct{ ID, Label string }
			}
			Changed []struct {
				Type  string
				Count int
				Items []struct {
					ID, Type, Label string
					Fields          []string
				}
			}
			Removed []struct{ Type string }
		}
	}
	if err := json.Unmarshal(r.Data, &d); err != nil || len(r.Errors) > 0 {
		t.Fatalf("releaseDiff: %s %+v %v", r.Data, r.Errors, err)
	}
	rd := d.ReleaseDiff
	if rd.From != "2027.1" || rd.To != nil || len(rd.Removed) != 0 {
		t.Errorf("releaseDiff = %s", r.Data)
	}
	// Added: batch b2 and source/t, one type each; items paged to 1.
	if len(rd.Added) != 2 || rd.Added[0].Type != "BATCH" || rd.Added[1].Type != "SOURCE" || rd.Added[1].Count != 1 ||
		len(rd.Added[1].Items) != 1 || rd.Added[1].Items[0].ID != "kring:source/t" || rd.Added[1].Items[0].Label != "Tweede" {
		t.Errorf("added = %+v", rd.Added)
	}
	if len(rd.Changed) != 1 || rd.Changed[0].Type != "SOURCE" || len(rd.Changed[0].Items) != 1 ||
		rd.Changed[0].Items[0].Label != "Nieuwe titel" || strings.Join(rd.Changed[0].Items[0].Fields, ",") != "title" {
		t.Errorf("changed = %+v", rd.Changed)
	}
	// Paging: after an id, the items that follow it.
	_, r = postWithToken(t, h, "", `{ releaseDiff(from: "2027.1") { added { type items(first: 5, after: "kring:batch/b2") { id } } } }`)
	if len(r.Errors) > 0 || string(r.Data) != `{"releaseDiff":{"added":[{"type":"BATCH","items":[]},{"type":"SOURCE","items":[{"id":"kring:source/t"}]}]}}` {
		t.Errorf("items after kring:batch/b2: %s %+v", r.Data, r.Errors)
	}
	if _, r := postWithToken(t, h, "", `{ releaseDiff(from: "2027.1") { added { items(first: 501) { id } } } }`); codeOf(r) != "BAD_USER_INPUT" {
		t.Errorf("items(first: 501): %+v; want BAD_USER_INPUT", r.Errors)
	}
	if _, r := postWithToken(t, h, "", `{ releaseDiff(from: "2027.1", to: "nope") { from } }`); codeOf(r) != "NOT_FOUND" {
		t.Errorf("releaseDiff(to: nope): %+v; want NOT_FOUND", r.Errors)
	}
}

// BenchmarkRelease measures, on the bundled knowledge base (memstore, and bolt), making a
// release, building its read model on first use (PinRelease) and a releaseDiff against now. Run
// with go test ./resolvers -run '^$' -bench Release -benchtime 5x.
func BenchmarkRelease(b *testing.B) {
	mem := starter(b)
	var buf bytes.Buffer
	if err := mem.Export(b.Context(), &buf, graph.FormatNQuads, ""); err != nil {
		b.Fatal(err)
	}
	qs, err := graph.ReadQuads("kb.nq", &buf, graph.FormatNQuads)
	if err != nil {
		b.Fatal(err)
	}
	bolt, _ := graphtest.NewBolt(b)
	if _, err := bolt.ApplyQuads(b.Context(), qs, false); err != nil {
		b.Fatal(err)
	}
	b.Run("memory", func(b *testing.B) { benchRelease(b, mem) })
	b.Run("bolt", func(b *testing.B) { benchRelease(b, bolt) })
}

func benchRelease(b *testing.B, st *graph.Store) {
	ctx := b.Context()
	var create, build, diff time.Duration
	for i := 0; b.Loop(); i++ {
		name := fmt.Sprintf("bench-%d", i)
		t0 := time.Now()
		if _, err := st.CreateRelease(ctx, name, "", "bench"); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := st.PinRelease(ctx, name); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if _, err := st.ReleaseDiff(ctx, name, ""); err != nil {
			b.Fatal(err)
		}
		create, build, diff = create+t1.Sub(t0), build+t2.Sub(t1), diff+time.Since(t2)
	}
	n := float64(b.N)
	b.ReportMetric(float64(st.QuadCount()), "quads/release")
	b.ReportMetric(float64(create.Milliseconds())/n, "create-ms")
	b.ReportMetric(float64(build.Milliseconds())/n, "readmodel-ms")
	b.ReportMetric(float64(diff.Milliseconds())/n, "diff-ms")
}
