package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kring/graph"
)

// The kill test runs `kring load` in a child process: this test binary, re-executed with
// KRING_KILL_CHILD set, runs only TestLoadKillChild, which calls run with the arguments in
// KRING_KILL_ARGS and exits with its code.
const (
	killChildEnv = "KRING_KILL_CHILD"
	killArgsEnv  = "KRING_KILL_ARGS"
)

// killRuns is how many loads are killed.
var killRuns = 5

func TestLoadKillChild(t *testing.T) {
	if os.Getenv(killChildEnv) == "" {
		t.Skip("only run as the child of TestLoadKilledMidway")
	}
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(killArgsEnv)), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(run(context.Background(), args, os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// bigBibTeX generates n journal articles with two authors and a DOI each.
func bigBibTeX(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "@article{kill%d,\n  title = {Network intervention number %d for people in poverty},\n", i, i)
		fmt.Fprintf(&b, "  author = {Family%d, Given and Second%d, Author},\n  year = {%d},\n", i%97, i%89, 1990+i%30)
		fmt.Fprintf(&b, "  journal = {Journal of Social Intervention},\n  volume = {%d},\n  pages = {%d--%d},\n", i%40, i, i+10)
		fmt.Fprintf(&b, "  doi = {10.5555/kring.kill.%d},\n  langid = {english}\n}\n\n", i)
	}
	return b.Bytes()
}

// startLoad starts `kring load --data dir file` in a child process.
func startLoad(t *testing.T, dir, file string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	args, _ := json.Marshal([]string{"load", "--data", dir, "--json", file})
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"=1", killArgsEnv+"="+string(args))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// batchQuads opens the store in dir, verifies it and returns its quads with the batch's label
// (as N-Quads lines) and the number of all quads.
func batchQuads(t *testing.T, dir, batch string) (map[string]bool, int) {
	t.Helper()
	ctx := context.Background()
	st, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: dir})
	if err != nil {
		t.Fatalf("open the store after the load: %v", err)
	}
	defer st.Close()
	if _, err := st.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
	var buf bytes.Buffer
	if err := st.Export(ctx, &buf, graph.FormatNQuads, ""); err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	label := "<" + graph.BatchIRI(batch) + "> ."
	for sc.Scan() {
		if strings.HasSuffix(sc.Text(), label) {
			line := sc.Text()
			if strings.Contains(line, "<kring:loadedAt>") {
				line = "(the batch's load time)" // differs from load to load
			}
			lines[line] = true
		}
	}
	return lines, st.QuadCount()
}

// TestLoadKilledMidway kills `kring load` of a large literature batch on bolt at random moments
// (SIGKILL: no chance to clean up) and checks that the batch is then either completely in the
// store or not at all, and that the store verifies. It measures one full load first and kills
// the next ones at random delays between 0 and that time.
func TestLoadKilledMidway(t *testing.T) {
	if testing.Short() {
		t.Skip("builds large stores")
	}
	start := time.Now()
	budget := 25 * time.Second
	tmp := t.TempDir()
	file := filepath.Join(tmp, "big.bib")
	n := 1500
	if raceEnabled {
		n = 300
	}
	if err := os.WriteFile(file, bigBibTeX(n), 0o644); err != nil {
		t.Fatal(err)
	}

	// One load to the end: what the batch holds, and how long a load takes.
	full := filepath.Join(tmp, "full")
	t0 := time.Now()
	cmd, out := startLoad(t, full, file)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("full load: %v\n%s", err, out)
	}
	loadTime := time.Since(t0)
	var rep struct {
		Batches []struct{ Batch string }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Batches) != 1 {
		t.Fatalf("full load report: %v\n%s", err, out)
	}
	batch := strings.TrimPrefix(rep.Batches[0].Batch, "batch/")
	want, total := batchQuads(t, full, batch)
	if len(want) == 0 || len(want) != total {
		t.Fatalf("full load: %d quads labelled %s of %d; want all of them", len(want), batch, total)
	}
	t.Logf("a full load of %d quads takes %v", len(want), loadTime)

	var complete, absent int
	for i := 0; i < killRuns; i++ {
		if time.Since(start) > budget-2*loadTime {
			t.Logf("time budget used after %d kills", i)
			break
		}
		dir := filepath.Join(tmp, fmt.Sprintf("run%d", i))
		delay := time.Duration(rand.Int64N(int64(loadTime)))
		cmd, _ := startLoad(t, dir, file)
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		killed := err != nil && strings.Contains(err.Error(), "killed")
		if _, statErr := os.Stat(dir); os.IsNotExist(statErr) {
			absent++ // killed before the store was even created
			continue
		}
		got, n := batchQuads(t, dir, batch)
		t.Logf("kill %d after %v: %d of %d quads", i, delay, len(got), len(want))
		switch {
		case len(got) == 0 && n == 0:
			absent++
		case len(got) == len(want) && n == len(want):
			for q := range want {
				if !got[q] {
					t.Fatalf("kill %d after %v: a complete-looking batch lacks %s", i, delay, q)
				}
			}
			complete++
		default:
			t.Fatalf("kill %d after %v (killed %v): %d of %d quads of the batch, %d in the store: a half-written batch",
				i, delay, killed, len(got), len(want), n)
		}
	}
	t.Logf("after SIGKILL: %d loads complete, %d absent, none partial (%v)", complete, absent, time.Since(start).Round(time.Millisecond))
}
