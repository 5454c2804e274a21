package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kring/graph"
	"kring/resolvers"
)

// The tests here run kring commands as separate processes: this test binary, re-executed with
// KRING_CLI_CHILD set, runs only TestCLIChild, which runs the command in KRING_CLI_ARGS as main
// does (runMain: with its signal handling) and exits with its code.
const (
	cliChildEnv = "KRING_CLI_CHILD"
	cliArgsEnv  = "KRING_CLI_ARGS"
)

func TestCLIChild(t *testing.T) {
	if os.Getenv(cliChildEnv) == "" {
		t.Skip("only run as a child of the tests in cli_signal_test.go")
	}
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(cliArgsEnv)), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(runMain(args))
}

// child is a kring command running in its own process.
type child struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{}
	err            error
}

func startChild(t *testing.T, extraEnv []string, args ...string) *child {
	t.Helper()
	b, _ := json.Marshal(args)
	c := &child{done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestCLIChild$", "-test.count=1")
	c.cmd.Env = append(append(os.Environ(), cliChildEnv+"=1", cliArgsEnv+"="+string(b)), extraEnv...)
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.err = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			c.cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

// stillRunning is what wait returns for a child that has not ended (ExitCode's -1 means
// "killed by a signal").
const stillRunning = -1000

// wait waits up to limit for the child to end and returns its exit code (stillRunning: it has
// not ended; -1: a signal killed it).
func (c *child) wait(limit time.Duration) int {
	select {
	case <-c.done:
		return c.cmd.ProcessState.ExitCode()
	case <-time.After(limit):
		return stillRunning
	}
}

// serveChild starts `kring serve` on a bolt data directory in a child process and waits until
// it is ready; it returns the child and the server's URL (from the owner record).
func serveChild(t *testing.T, dir string, extra ...string) (*child, string) {
	t.Helper()
	c := startChild(t, nil, append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--log-level", "warn"}, extra...)...)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var o graph.Owner
		if b, err := os.ReadFile(filepath.Join(dir, "owner.json")); err == nil && json.Unmarshal(b, &o) == nil && o.Addr != "" && o.PID == c.cmd.Process.Pid {
			if resp, err := http.Get(o.Addr + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return c, o.Addr
				}
			}
		}
		select {
		case <-c.done:
			t.Fatalf("serve ended: %v\n%s", c.err, c.stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("serve not ready after 60 s:\n%s", c.stderr.String())
	return nil, ""
}

// TestHeldDataDir: while `kring serve` holds a data directory, a second kring process on it does
// not hang: batch exits at once (non-zero, naming the directory, the server's pid and address,
// and --url); query and export find the server and answer through it; load --url --token loads
// through the API; and serve stops within 2 s of SIGTERM.
func TestHeldDataDir(t *testing.T) {
	if testing.Short() {
		t.Skip("runs several processes")
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "data")
	tokens := filepath.Join(tmp, "tokens")
	tok, err := resolvers.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	writeTokens(t, tokens, "tester CURATOR "+resolvers.HashToken(tok), 0o600)
	srv, url := serveChild(t, dir, "--tokens-file", tokens)
	pid := fmt.Sprint(srv.cmd.Process.Pid)

	start := time.Now()
	c := startChild(t, nil, "batch", "list", "--data", dir)
	code := c.wait(10 * time.Second)
	took := time.Since(start)
	if code == stillRunning {
		t.Fatal("kring batch on a held data dir still runs after 10 s")
	}
	if code == 0 || took > 2*time.Second {
		t.Errorf("kring batch on a held data dir: exit %d after %v; want non-zero within 2 s", code, took)
	}
	for _, want := range []string{dir, "pid " + pid, "kring serve", url, "--url"} {
		if !strings.Contains(c.stderr.String(), want) {
			t.Errorf("message lacks %q:\n%s", want, c.stderr.String())
		}
	}
	t.Logf("second process (kring batch list) on a held data dir: exit %d after %v: %s", code, took.Round(time.Millisecond), strings.TrimSpace(c.stderr.String()))

	// query finds the server.
	c = startChild(t, nil, "query", "--data", dir, "{ workModels { totalCount } }")
	if code := c.wait(20 * time.Second); code != 0 || !strings.Contains(c.stdout.String(), `"totalCount": 7`) || !strings.Contains(c.stderr.String(), "asking it at "+url) {
		t.Errorf("query on a held data dir: exit %d\nstdout %s\nstderr %s", code, c.stdout.String(), c.stderr.String())
	}

	// load --url --token writes through the API; export (found by itself) shows the batch.
	kb := filepath.Join(tmp, "extra.yaml")
	os.WriteFile(kb, []byte("format: kring-batch/1\nbatch: {id: extra}\nsources:\n  - {id: source/held, type: PRESS, title: Held, status: CONFIRMED}\n"), 0o644)
	c = startChild(t, []string{"KRING_TOKEN=" + tok}, "load", "--url", url, kb)
	if code := c.wait(20 * time.Second); code != 0 || !strings.Contains(c.stdout.String(), "batch/extra: loaded") ||
		!strings.Contains(c.stderr.String(), "running as job") {
		t.Errorf("load --url: exit %d (want 0, the batch loaded through a job)\nstdout %s\nstderr %s", code, c.stdout.String(), c.stderr.String())
	}
	// A rejected batch through the API: exit 1 and the problem with its place, as a local load.
	bad := filepath.Join(tmp, "bad.yaml")
	os.WriteFile(bad, []byte("format: kring-batch/1\nbatch: {id: bad}\nsources:\n  - {id: source/bad, type: NOT_A_TYPE, title: Bad, status: CONFIRMED}\n"), 0o644)
	c = startChild(t, []string{"KRING_TOKEN=" + tok}, "load", "--url", url, bad)
	if code := c.wait(20 * time.Second); code != 1 || !strings.Contains(c.stdout.String()+c.stderr.String(), "bad.yaml:4") {
		t.Errorf("load --url of a bad batch: exit %d (want 1 and the problem at bad.yaml:4)\nstdout %s\nstderr %s", code, c.stdout.String(), c.stderr.String())
	}
	c = startChild(t, nil, "load", "--url", url, kb) // no token
	if code := c.wait(20 * time.Second); code == 0 || !strings.Contains(c.stderr.String(), "token") {
		t.Errorf("load --url without a token: exit %d\nstderr %s", code, c.stderr.String())
	}
	c = startChild(t, nil, "export", "--data", dir, "--batch", "extra")
	if code := c.wait(20 * time.Second); code != 0 || !strings.Contains(c.stdout.String(), `"Held"`) {
		t.Errorf("export on a held data dir: exit %d\nstdout %s\nstderr %s", code, c.stdout.String(), c.stderr.String())
	}
	// The bibliography through the server (--url): the RIS record of the loaded source, with its type.
	c = startChild(t, nil, "export", "--url", url, "--format", "ris")
	if code := c.wait(20 * time.Second); code != 0 || !strings.Contains(c.stdout.String(), "ID  - held\r\nTI  - Held\r\n") ||
		!strings.Contains(c.stdout.String(), "KW  - kring-source-type:PRESS\r\n") {
		t.Errorf("export --url --format ris: exit %d\nstdout %.300s\nstderr %s", code, c.stdout.String(), c.stderr.String())
	}

	start = time.Now()
	srv.cmd.Process.Signal(syscall.SIGTERM)
	code = srv.wait(10 * time.Second)
	took = time.Since(start)
	if code != 0 || took > 2*time.Second {
		t.Errorf("serve after SIGTERM: exit %d after %v; want 0 within 2 s\n%s", code, took, srv.stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "owner.json")); !os.IsNotExist(err) {
		t.Errorf("owner.json after serve stopped: %v; want it removed", err)
	}
	st, err := graph.Open(context.Background(), graph.Config{Path: dir})
	if err != nil {
		t.Fatalf("open after serve stopped: %v", err)
	}
	defer st.Close()
	if _, err := graph.Typed[*graph.Source](context.Background(), st, "source/held"); err != nil {
		t.Errorf("the batch loaded through the API: %v", err)
	}
}

// TestLoadInterrupted sends SIGINT to `kring load` of a large BibTeX file while it reads,
// checks and writes: it ends within 2 s, and the batch is then either absent or complete. The
// load stops by itself where it checks the context (between steps, before the commit); a step
// that does not (a long check, the bbolt commit) is ended by main's last-resort exit, which
// bbolt survives as it does kill -9. The log says which it was.
func TestLoadInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds large stores")
	}
	tmp := t.TempDir()
	file := filepath.Join(tmp, "big.bib")
	n := 3000
	if raceEnabled {
		n = 600
	}
	if err := os.WriteFile(file, bigBibTeX(n), 0o644); err != nil {
		t.Fatal(err)
	}
	// The phases a load goes through, as its progress lines name them, and how long after the
	// phase began the signal comes.
	for i, tc := range []struct {
		phase string
		after time.Duration
	}{{"reading", 0}, {"checking", 0}, {"writing", 0}, {"writing", 1500 * time.Millisecond}} {
		phase := tc.phase
		dir := filepath.Join(tmp, fmt.Sprint(i))
		c := startChild(t, nil, "load", "--data", dir, "--json", file)
		for !strings.Contains(c.stderr.String(), "kring load: "+phase) {
			select {
			case <-c.done:
				t.Fatalf("%s: load ended before the phase: %v\n%s", phase, c.err, c.stderr.String())
			case <-time.After(2 * time.Millisecond):
			}
		}
		time.Sleep(tc.after)
		start := time.Now()
		c.cmd.Process.Signal(os.Interrupt)
		code := c.wait(10 * time.Second)
		took := time.Since(start)
		if code == stillRunning {
			t.Fatalf("%s: kring load still runs 10 s after SIGINT", phase)
		}
		if took > 2*time.Second {
			t.Errorf("%s: kring load ended %v after SIGINT; want within 2 s", phase, took)
		}
		got, total := countBatch(t, dir)
		switch {
		case total == 0:
			t.Logf("SIGINT %v into %s: exit %d after %v (last-resort exit: %v); nothing written", tc.after, phase, code, took.Round(time.Millisecond),
				strings.Contains(c.stderr.String(), "still not stopped"))
		case got == total && code == 0:
			t.Logf("SIGINT %v into %s: exit %d after %v; the batch is complete (%d quads): the commit had ended", tc.after, phase, code, took.Round(time.Millisecond), got)
		default:
			t.Errorf("SIGINT while %s: exit %d, %d of %d quads belong to the batch: a half-written batch\n%s", phase, code, got, total, c.stderr.String())
		}
	}
}

// countBatch verifies the store in dir and returns the quads of literature batches and all.
func countBatch(t *testing.T, dir string) (int, int) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "indexes.bolt")); os.IsNotExist(err) {
		return 0, 0
	}
	ctx := context.Background()
	st, err := graph.Open(ctx, graph.Config{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
	var buf bytes.Buffer
	if err := st.Export(ctx, &buf, graph.FormatNQuads, ""); err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.Contains(l, "<kring:batch/lit-") {
			got++
		}
	}
	return got, st.QuadCount()
}

func writeTokens(t *testing.T, path, line string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(line+"\n"), mode); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, mode)
}
