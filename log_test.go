package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kring/graph"
	"kring/resolvers"
)

// TestLogCLI: a load, an edit, a revert and a rollback, each in `kring log` with who, when,
// what and why: from the data directory, as JSON, filtered, and from a server with a token.
func TestLogCLI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"KRING_DATA": data, "USER": "lena"}
	kb := filepath.Join(dir, "kb.yaml")
	os.WriteFile(kb, []byte("format: kring-batch/1\nbatch: {id: extra}\nsources:\n  - {id: source/x, type: PRESS, title: X, year: 2001, status: CANDIDATE}\n"), 0o644)
	kb2 := filepath.Join(dir, "kb2.yaml")
	os.WriteFile(kb2, []byte("format: kring-batch/1\nbatch: {id: other}\nsources:\n  - {id: source/y, type: PRESS, title: Y, status: CONFIRMED}\n"), 0o644)
	for _, f := range []string{kb, kb2} {
		if code, _, stderr := runCLI(t, env, "", "load", "--no-starter", f); code != 0 {
			t.Fatalf("load: %d %s", code, stderr)
		}
	}
	st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: data})
	if err != nil {
		t.Fatal(err)
	}
	v := "2002"
	if _, err := st.Edit(ctx, graph.EditRequest{Target: "source/x", Field: "year", Value: &v, Reason: "the cover says 2002", Author: "cora"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Revert(ctx, "edit-1", "ada", "the cover is the reprint's"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code, out, stderr := runCLI(t, env, "", "batch", "rollback", "--reason", "loaded by mistake", "other"); code != 0 {
		t.Fatalf("rollback: %d %s %s", code, out, stderr)
	}
	code, out, stderr := runCLI(t, env, "", "log")
	if code != 0 {
		t.Fatalf("log: %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{
		"ROLLBACK  lena          rollback batch/other: ",
		"REVERT    ada           revert batch/edit-1 (source/x year: 2002 → 2001)  — the cover is the reprint's",
		"EDIT      cora          edit source/x year: 2001 → 2002  — the cover says 2002  [reverted by batch/revert-2]",
		"LOAD      lena          load batch/extra: ",
	}
	if len(lines) != len(want) {
		t.Fatalf("log has %d lines; want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("log line %d = %q; want it to contain %q", i+1, lines[i], w)
		}
	}
	if !strings.Contains(lines[0], "loaded by mistake") {
		t.Errorf("rollback line %q lacks the reason", lines[0])
	}
	code, out, _ = runCLI(t, env, "", "log", "--kind", "edit", "--json")
	var es []graph.AuditEntry
	if err := json.Unmarshal([]byte(out), &es); code != 0 || err != nil || len(es) != 1 || es[0].Kind != graph.AuditEdit || es[0].Actor != "cora" {
		t.Errorf("log --kind edit --json: %d %v %+v", code, err, es)
	}
	if code, _, stderr := runCLI(t, env, "", "log", "--kind", "nope"); code != 2 || !strings.Contains(stderr, "--kind") {
		t.Errorf("log --kind nope: %d %s; want 2", code, stderr)
	}
	// Through a server: the audit log needs a curator's token.
	st, err = graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: data})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tok := "log-test-token"
	tokens, _ := resolvers.ParseTokens("tokens", strings.NewReader("cora CURATOR "+resolvers.HashToken(tok)))
	srv := httptest.NewServer(resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokens}))
	defer srv.Close()
	code, out, stderr = runCLI(t, nil, "", "log", "--url", srv.URL, "--token", tok, "--actor", "ada")
	if code != 0 || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "REVERT    ada") {
		t.Errorf("log --url --actor ada: %d %q %s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, nil, "", "log", "--url", srv.URL); code != 1 || !strings.Contains(stderr, "UNAUTHENTICATED") {
		t.Errorf("log --url without a token: %d %s; want 1 and UNAUTHENTICATED", code, stderr)
	}
}
