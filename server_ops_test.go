package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
	"kring/resolvers"
)

// TestTokensFileMode: serve refuses a tokens file that group or others can read, saying how to
// fix it, and accepts it once it is mode 600.
func TestTokensFileMode(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	writeTokens(t, tokens, "tester CURATOR "+resolvers.HashToken("kring_x"), 0o644)
	code, _, stderr := runCLI(t, nil, "", "serve", "--backend", "memory", "--addr", "127.0.0.1:0", "--tokens-file", tokens)
	if code == 0 || !strings.Contains(stderr, "chmod 600 "+tokens) {
		t.Errorf("serve with a 0644 tokens file: exit %d, stderr %q; want a refusal saying chmod 600 %s", code, stderr, tokens)
	}
	for _, mode := range []os.FileMode{0o640, 0o604} {
		os.Chmod(tokens, mode)
		if _, err := readTokensFile(tokens); err == nil {
			t.Errorf("tokens file mode %04o accepted", mode)
		}
	}
	os.Chmod(tokens, 0o600)
	if toks, err := readTokensFile(tokens); err != nil || len(toks) != 1 {
		t.Errorf("tokens file mode 600: %v, %d tokens; want it read", err, len(toks))
	}
}

// TestGate: before the store is open, /healthz answers 200, /readyz 503 and GraphQL 503 with
// code UNAVAILABLE; once it is open, /readyz answers 200 and GraphQL serves.
func TestGate(t *testing.T) {
	g := &gate{}
	h := securityHeaders(g)
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	const q = `{"query":"{ workModels { totalCount } }"}`
	if r := do("GET", "/healthz", ""); r.Code != 200 {
		t.Errorf("/healthz before ready: %d", r.Code)
	}
	if r := do("GET", "/readyz", ""); r.Code != 503 {
		t.Errorf("/readyz before ready: %d; want 503", r.Code)
	}
	if r := do("POST", "/graphql", q); r.Code != 503 || !strings.Contains(r.Body.String(), `"code":"UNAVAILABLE"`) {
		t.Errorf("/graphql before ready: %d %s; want 503 UNAVAILABLE", r.Code, r.Body.String())
	}
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, mustStarter(t))
	g.open(routes(st, slog.New(slog.NewTextHandler(io.Discard, nil)), resolvers.Options{}))
	if r := do("GET", "/readyz", ""); r.Code != 200 {
		t.Errorf("/readyz once ready: %d", r.Code)
	}
	if r := do("POST", "/graphql", q); r.Code != 200 || !strings.Contains(r.Body.String(), `"totalCount":7`) {
		t.Errorf("/graphql once ready: %d %s", r.Code, r.Body.String())
	}
}

// TestSecurityHeaders: every response of the mux carries the CSP (no inline script, no
// framing), nosniff, X-Frame-Options and Referrer-Policy.
func TestSecurityHeaders(t *testing.T) {
	st := graphtest.NewMemory(t)
	h := newMux(st, slog.New(slog.NewTextHandler(io.Discard, nil)), resolvers.Options{})
	for _, p := range []string{"/", "/graphiql", "/graphql?query={__typename}", "/healthz", "/readyz", "/export", "/nope.js", "/compare.csv"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		hd := rec.Header()
		csp := hd.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self';", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "script-src 'self' 'unsafe") {
			t.Errorf("GET %s: CSP allows inline script: %q", p, csp)
		}
		if hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("X-Frame-Options") != "DENY" || hd.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("GET %s: headers %v", p, hd)
		}
	}
}

// TestExportEndpoint: GET /export answers what Store.Export writes, 400 for a bad format and
// 404 for an unknown batch.
func TestExportEndpoint(t *testing.T) {
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, mustStarter(t))
	h := newMux(st, slog.New(slog.NewTextHandler(io.Discard, nil)), resolvers.Options{})
	get := func(p string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		return rec
	}
	var want strings.Builder
	if err := st.Export(context.Background(), &want, "nquads", ""); err != nil {
		t.Fatal(err)
	}
	if r := get("/export"); r.Code != 200 || r.Body.String() != want.String() || !strings.HasPrefix(r.Header().Get("Content-Type"), "application/n-quads") {
		t.Errorf("/export: %d %s, %d bytes; want the %d bytes of Store.Export", r.Code, r.Header().Get("Content-Type"), r.Body.Len(), want.Len())
	}
	if r := get("/export?format=jsonld"); r.Code != 200 || !strings.HasPrefix(r.Header().Get("Content-Type"), "application/ld+json") {
		t.Errorf("/export?format=jsonld: %d %s", r.Code, r.Header().Get("Content-Type"))
	}
	if r := get("/export?format=xml"); r.Code != 400 {
		t.Errorf("/export?format=xml: %d; want 400", r.Code)
	}
	if r := get("/export?batch=none"); r.Code != 404 {
		t.Errorf("/export?batch=none: %d %s; want 404", r.Code, r.Body.String())
	}
}

// TestVerifyCLI: kring verify says ok on a sound data dir and names what differs when the
// search index is gone or the snapshot is corrupt, with exit 1.
func TestVerifyCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	kb := filepath.Join(t.TempDir(), "kb.yaml")
	os.WriteFile(kb, []byte("format: kring-batch/1\nbatch: {id: extra}\nsources:\n  - {id: source/x, type: PRESS, title: X, status: CONFIRMED}\n"), 0o644)
	if code, _, stderr := runCLI(t, nil, "", "load", "--data", dir, kb); code != 0 {
		t.Fatalf("load: %d %s", code, stderr)
	}
	if code, out, stderr := runCLI(t, nil, "", "verify", "--data", dir); code != 0 || !strings.Contains(out, "ok:") {
		t.Fatalf("verify of a sound dir: exit %d\n%s%s", code, out, stderr)
	}
	os.RemoveAll(filepath.Join(dir, "search.bleve"))
	if err := os.WriteFile(filepath.Join(dir, "readmodel.snap"), []byte("not a snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, nil, "", "verify", "--data", dir)
	if code != 1 || !strings.Contains(out, "differs: search index") || !strings.Contains(out, "differs: snapshot") {
		t.Errorf("verify after removing the search index and corrupting the snapshot: exit %d\n%s%s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "search.bleve")); !os.IsNotExist(err) {
		t.Errorf("verify wrote a search index: %v", err)
	}
}

// TestServeReadOnly: serve --read-only serves a data dir, answers mutations with a clear
// FORBIDDEN, and writes nothing (no owner record).
func TestServeReadOnly(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "data")
	kb := filepath.Join(tmp, "kb.yaml")
	os.WriteFile(kb, []byte("format: kring-batch/1\nbatch: {id: extra}\nsources:\n  - {id: source/x, type: PRESS, title: X, status: CONFIRMED}\n"), 0o644)
	if code, _, stderr := runCLI(t, nil, "", "load", "--data", dir, kb); code != 0 {
		t.Fatalf("load: %d %s", code, stderr)
	}
	tok, _ := resolvers.NewToken()
	tokens := filepath.Join(tmp, "tokens")
	writeTokens(t, tokens, "tester CURATOR "+resolvers.HashToken(tok), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--read-only", "--data", dir, "--addr", "127.0.0.1:0", "--tokens-file", tokens}, func(string) string { return "" }, nil, io.Discard, &logs)
	}()
	re := regexp.MustCompile(`msg=serving addr=(http://127\.0\.0\.1:\d+)`)
	var url string
	for i := 0; i < 400 && url == ""; i++ {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			url = m[1]
		} else {
			time.Sleep(25 * time.Millisecond)
		}
	}
	if url == "" {
		t.Fatalf("read-only serve did not start:\n%s", logs.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "owner.json")); !os.IsNotExist(err) {
		t.Errorf("read-only serve wrote owner.json: %v", err)
	}
	code, out, _ := runCLI(t, map[string]string{"KRING_TOKEN": tok}, "", "query", "--url", url, `mutation { rollbackBatch(id: "extra") { removed } }`)
	if code != 1 || !strings.Contains(out, "FORBIDDEN") || !strings.Contains(out, "read-only") {
		t.Errorf("mutation on a read-only server: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "", "query", "--url", url, `{ source(id: "kring:source/x") { title } }`)
	if code != 0 || !strings.Contains(out, `"title": "X"`) {
		t.Errorf("read on a read-only server: exit %d\n%s", code, out)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d:\n%s", code, logs.String())
	}
}

func mustStarter(t *testing.T) *graph.Changeset {
	t.Helper()
	data, err := bundledKB.ReadFile("kb/starter.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ingest.ReadKB("kb/starter.yaml", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
