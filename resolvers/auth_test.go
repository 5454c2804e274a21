package resolvers_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/resolvers"
)

func tokensFor(t *testing.T, lines ...string) []resolvers.Token {
	t.Helper()
	ts, err := resolvers.ParseTokens("tokens", strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestMutationsNeedARole(t *testing.T) {
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "b1", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/s", "type", "PRESS", "title", "T", "status", "CONFIRMED")}})
	curator, admin := "curator-secret-token", "admin-secret-token"
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokensFor(t,
		"# team tokens",
		"cora CURATOR "+resolvers.HashToken(curator),
		"ada admin "+resolvers.HashToken(admin))})
	mutation := `mutation { rollbackBatch(id: "b1", dryRun: true) { removed dryRun } }`
	cases := []struct {
		name, auth string
		status     int
		code       string
	}{
		{"anonymous", "", 401, "UNAUTHENTICATED"},
		{"unknown token", "Bearer nope", 401, "UNAUTHENTICATED"},
		{"malformed header", "Basic abc", 401, "UNAUTHENTICATED"},
		{"curator", "Bearer " + curator, 200, ""},
		{"admin", "bearer " + admin, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": mutation})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if c.status == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
			if rec.Code != c.status {
				t.Errorf("status = %d; want %d (%s)", rec.Code, c.status, rec.Body)
			}
			var r response
			json.Unmarshal(rec.Body.Bytes(), &r)
			code := ""
			if len(r.Errors) > 0 {
				code, _ = r.Errors[0]["extensions"].(map[string]any)["code"].(string)
			}
			if code != c.code {
				t.Errorf("error code = %q; want %q (%s)", code, c.code, rec.Body)
			}
			if c.code == "" && !strings.Contains(string(r.Data), `"dryRun":true`) {
				t.Errorf("data = %s; want the dry-run report", r.Data)
			}
		})
	}
	if st.Empty() {
		t.Fatal("a dry run removed data")
	}
}

func TestParseTokensRejectsBadLines(t *testing.T) {
	_, err := resolvers.ParseTokens("tokens", strings.NewReader("a CURATOR 00\nb KING "+resolvers.HashToken("x")+"\nc d\n"))
	var ve *graph.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("ParseTokens = %v; want 3 problems", err)
	}
}
