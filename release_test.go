package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"kring/resolvers"
)

func sortedNQuads(s string) []string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(ls)
	return ls
}

// TestReleaseCLI: kring release create/list/diff and kring export --release, on a data
// directory, and a re-import of the release's export giving the same quads.
func TestReleaseCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KRING_DATA": filepath.Join(dir, "data"), "USER": "tess"}
	kb := filepath.Join(dir, "kb.yaml")
	os.WriteFile(kb, []byte("format: kring-batch/1\nbatch: {id: extra}\nsources:\n  - {id: source/x, type: PRESS, title: X, status: CONFIRMED}\n"), 0o644)
	if code, _, stderr := runCLI(t, env, "", "load", kb); code != 0 {
		t.Fatalf("load: %d %s", code, stderr)
	}
	_, before, _ := runCLI(t, env, "", "export")
	if code, out, stderr := runCLI(t, env, "", "release", "create", "2027.1", "--note", "eerste"); code != 0 || !strings.Contains(out, "release 2027.1: ") {
		t.Fatalf("release create: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, env, "", "release", "create", "2027.1"); code != 1 || !strings.Contains(stderr, "exists already") {
		t.Errorf("release create again: %d %s; want 1, exists already", code, stderr)
	}
	if code, out, _ := runCLI(t, env, "", "release", "list"); code != 0 || !strings.Contains(out, "2027.1") || !strings.Contains(out, "local:tess") || !strings.Contains(out, "eerste") {
		t.Errorf("release list: %d %s", code, out)
	}
	if code, _, stderr := runCLI(t, env, "", "batch", "rollback", "extra"); code != 0 {
		t.Fatalf("rollback: %d %s", code, stderr)
	}
	code, out, stderr := runCLI(t, env, "", "release", "diff", "2027.1")
	if code != 0 || !strings.Contains(out, "from 2027.1 to now") || !regexp.MustCompile(`removed:\n  BATCH +1\n    batch/extra.*\n  SOURCE +1\n    source/x +X\n`).MatchString(out) ||
		!regexp.MustCompile(`added:\n  BATCH +1\n    batch/rollback-1 `).MatchString(out) || !strings.Contains(out, "changed: none") {
		// added: the rollback's audit record (a batch node of kind rollback, edit.go)
		t.Errorf("release diff: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, env, "", "release", "diff", "1999"); code != 1 || !strings.Contains(stderr, "1999") {
		t.Errorf("release diff 1999: %d %s; want 1 naming the release", code, stderr)
	}
	code, rel, stderr := runCLI(t, env, "", "export", "--release", "2027.1")
	if code != 0 || !slices.Equal(sortedNQuads(before), sortedNQuads(rel)) {
		t.Fatalf("export --release: %d %s; differs from the export at release time", code, stderr)
	}
	// Re-import into an empty store: the same quads.
	f := filepath.Join(dir, "release.nq")
	os.WriteFile(f, []byte(rel), 0o644)
	env2 := map[string]string{"KRING_DATA": filepath.Join(dir, "data2")}
	if code, _, stderr := runCLI(t, env2, "", "load", "--no-starter", f); code != 0 {
		t.Fatalf("load release.nq: %d %s", code, stderr)
	}
	if _, again, _ := runCLI(t, env2, "", "export", "--no-starter"); !slices.Equal(sortedNQuads(rel), sortedNQuads(again)) {
		t.Errorf("re-imported release exports differently")
	}
}

// TestReleaseCLIRemote: the same through a running server (--url, an ADMIN token).
func TestReleaseCLIRemote(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	os.WriteFile(tokens, []byte("ada ADMIN "+resolvers.HashToken("admin-token")+"\ncora CURATOR "+resolvers.HashToken("curator-token")+"\n"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan int, 1)
	senv := map[string]string{"KRING_TOKENS_FILE": tokens}
	go func() {
		done <- run(ctx, []string{"serve", "--backend", "memory", "--addr", "127.0.0.1:0"}, func(k string) string { return senv[k] }, nil, io.Discard, &logs)
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not shut down")
		}
	}()
	re := regexp.MustCompile(`addr=(http://127\.0\.0\.1:\d+)`)
	var url string
	for i := 0; i < 400 && url == ""; i++ {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			url = m[1]
		} else {
			time.Sleep(25 * time.Millisecond)
		}
	}
	if url == "" {
		t.Fatalf("server did not start; logs:\n%s", logs.String())
	}
	env := map[string]string{}
	if code, _, stderr := runCLI(t, env, "", "release", "--url", url, "--token", "curator-token", "create", "r1"); code != 1 || !strings.Contains(stderr, "FORBIDDEN") {
		t.Errorf("create as curator: %d %s; want FORBIDDEN", code, stderr)
	}
	_, before, _ := runCLI(t, env, "", "export", "--url", url)
	if code, out, stderr := runCLI(t, env, "", "release", "--url", url, "--token", "admin-token", "create", "r1", "--note", "via de server"); code != 0 || !strings.Contains(out, "release r1: ") {
		t.Fatalf("create as admin: %d %s %s", code, out, stderr)
	}
	if code, out, _ := runCLI(t, env, "", "release", "--url", url, "list"); code != 0 || !strings.Contains(out, "ada") || !strings.Contains(out, "via de server") {
		t.Errorf("list: %d %s", code, out)
	}
	if code, out, stderr := runCLI(t, env, "", "release", "--url", url, "diff", "r1"); code != 0 || !strings.Contains(out, "added: none\nchanged: none\nremoved: none") {
		t.Errorf("diff r1 (nothing changed): %d %s %s", code, out, stderr)
	}
	code, rel, stderr := runCLI(t, env, "", "export", "--url", url, "--release", "r1")
	if code != 0 || len(before) < 1000 || !slices.Equal(sortedNQuads(before), sortedNQuads(rel)) {
		t.Errorf("export --release via the server: %d %s; differs from the live export", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "", "export", "--url", url, "--release", "nope"); code != 1 || !strings.Contains(stderr, "404") {
		t.Errorf("export --release nope: %d %s; want 404", code, stderr)
	}
}
