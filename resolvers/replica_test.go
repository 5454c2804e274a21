package resolvers_test

import (
	"context"
	"encoding/json"
	"io"
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

// Read-your-writes across two replicas of one PostgreSQL store: a mutation through A answers
// with its state token (header and extension); a read through B that sends it sees the write;
// a state B cannot reach in time gets 503 UNAVAILABLE.
func TestReplicaReadYourWrites(t *testing.T) {
	ctx := context.Background()
	cfg := graphtest.PostgresConfig(t)
	a, err := graph.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cfgB := cfg
	cfgB.Path, cfgB.Follow = t.TempDir(), true
	b, err := graph.Open(ctx, cfgB)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	curator := "curator-secret-token"
	tokens := tokensFor(t, "cora curator "+resolvers.HashToken(curator))
	srvA := httptest.NewServer(resolvers.NewHandler(resolvers.New(a, nil), resolvers.Options{Tokens: tokens}))
	defer srvA.Close()
	srvB := httptest.NewServer(resolvers.NewHandler(resolvers.New(b, nil), resolvers.Options{Tokens: tokens}))
	defer srvB.Close()

	count := func(min string) (int, *http.Response) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srvB.URL+"?"+url.Values{"query": {`{ sources { totalCount } }`}}.Encode(), nil)
		if min != "" {
			req.Header.Set(resolvers.HeaderMinState, min)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Data struct{ Sources struct{ TotalCount int } }
		}
		json.NewDecoder(resp.Body).Decode(&r)
		return r.Data.Sources.TotalCount, resp
	}
	mutate := func(q string) (string, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srvA.URL, strings.NewReader(`{"query":`+jsonString(q)+`}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+curator)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var r struct {
			Errors     []any
			Extensions map[string]any
		}
		if err := json.Unmarshal(body, &r); err != nil || len(r.Errors) > 0 {
			t.Fatalf("mutation: %d %s", resp.StatusCode, body)
		}
		return resp.Header.Get(resolvers.HeaderState), r.Extensions
	}

	for i := range 5 {
		graphtest.MustApply(t, a, sourceBatch(i))
		tok, ext := mutate(`mutation { rollbackBatch(id: "rb` + string(rune('0'+i)) + `") { removed } }`)
		if tok == "" || ext["stateToken"] != tok || tok != a.StateToken() {
			t.Fatalf("mutation answer: %s %q, extensions %v; want A's state %q in both", resolvers.HeaderState, tok, ext, a.StateToken())
		}
		start := time.Now()
		n, resp := count(tok)
		if resp.StatusCode != 200 || n != 0 {
			t.Fatalf("read through B with %s: %d, %d sources; want 200 and the rollback seen (0)", resolvers.HeaderMinState, resp.StatusCode, n)
		}
		t.Logf("round %d: B answered at A's state after %v", i, time.Since(start))
	}
	// A query's answer carries no state token of its own.
	if _, resp := count(""); resp.Header.Get(resolvers.HeaderState) != "" {
		t.Errorf("a query's answer has %s", resolvers.HeaderState)
	}
	start := time.Now()
	_, resp := count("999999-never")
	if resp.StatusCode != http.StatusServiceUnavailable || time.Since(start) < resolvers.MinStateWait {
		t.Errorf("a state never reached: %d after %v; want 503 after %v", resp.StatusCode, time.Since(start), resolvers.MinStateWait)
	}
}

func sourceBatch(i int) *graph.Changeset {
	return &graph.Changeset{BatchID: "rb" + string(rune('0'+i)), Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/rs"+string(rune('0'+i)), "type", "ACADEMIC_ANGLO", "title", "A review", "status", "CONFIRMED",
			"authors", []any{"Hogan, B. E."}, "year", int64(2002)),
	}}
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }
