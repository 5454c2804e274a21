package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
)

// startReplica starts `kring serve --store pg --data dir` in a child process (this test binary,
// as TestLoadKillChild runs commands) and waits until its /readyz answers 200.
func startReplica(t *testing.T, pg, dir, addr string) *exec.Cmd {
	t.Helper()
	args, _ := json.Marshal([]string{"serve", "--store", pg, "--data", dir, "--addr", addr, "--no-starter", "--log-level", "info"})
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"=1", killArgsEnv+"="+string(args))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd
			}
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("kring serve at %s not ready after 30 s", addr)
		}
	}
}

func httpBody(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// A replica (`kring serve` on a shared PostgreSQL store) killed with -9 while another process
// loads batches starts again on its data directory and catches up by the commit log (the
// metric says incremental, no full read), with the same content as the writer's.
func TestReplicaKilledCatchesUp(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns servers")
	}
	ctx := context.Background()
	cfg := graphtest.PostgresConfig(t)
	a, err := graph.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	seq := 0
	load := func() {
		seq++
		graphtest.MustApply(t, a, &graph.Changeset{BatchID: fmt.Sprintf("k%d", seq), Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeOutcome, fmt.Sprintf("outcome/k%d", seq), "label", fmt.Sprintf("uitkomst %d", seq), "domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
		}})
	}
	load()
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port for B (kept across its restart)
	if err != nil {
		t.Fatal(err)
	}
	dir, addr := t.TempDir(), ln.Addr().String()
	ln.Close()
	b := startReplica(t, cfg.URL, dir, addr)
	time.Sleep(1500 * time.Millisecond) // B writes its first snapshot (1 s after it changed)
	// A loads; B follows; B is killed in the middle of it.
	stop := make(chan struct{})
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		for {
			select {
			case <-stop:
				return
			default:
				load()
				time.Sleep(20 * time.Millisecond)
			}
		}
	}()
	time.Sleep(400 * time.Millisecond)
	if err := b.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	b.Wait()
	time.Sleep(300 * time.Millisecond) // A goes on loading while B is down
	close(stop)
	<-loaded
	t.Logf("A wrote %d batches; B killed in the middle", seq)

	start := time.Now()
	startReplica(t, cfg.URL, dir, addr)
	ready := time.Since(start)
	var want bytes.Buffer
	if err := a.Export(ctx, &want, graph.FormatNQuads, ""); err != nil {
		t.Fatal(err)
	}
	got := httpBody(t, "http://"+addr+"/export?format=nquads")
	if got != want.String() {
		t.Errorf("B's export after the restart differs from A's (%d vs %d bytes)", len(got), want.Len())
	}
	metrics := httpBody(t, "http://"+addr+"/metrics")
	inc := regexp.MustCompile(`kring_replica_catchups_total\{kind="incremental"\} (\d+)`).FindStringSubmatch(metrics)
	full := regexp.MustCompile(`kring_replica_catchups_total\{kind="full"\} (\d+)`).FindStringSubmatch(metrics)
	if inc == nil || full == nil || inc[1] == "0" || full[1] != "0" {
		t.Errorf("B's catch-ups after the restart: incremental %v, full %v; want incremental only", inc, full)
	}
	if rz := httpBody(t, "http://"+addr+"/readyz"); !strings.Contains(rz, `"commitsBehind":0`) {
		t.Errorf("B's /readyz: %s", rz)
	}
	t.Logf("B restarted: ready (caught up) after %v", ready)
}

// /readyz of a replica: 503 while it has been behind for more than 2 s or cannot read the store.
func TestReplicaReady(t *testing.T) {
	for _, tc := range []struct {
		f      graph.FollowStatus
		status string
		ready  bool
	}{
		{graph.FollowStatus{Following: true}, "ready", true},
		{graph.FollowStatus{Following: true, Behind: 3, Lag: time.Second}, "ready", true},
		{graph.FollowStatus{Following: true, Behind: 3, Lag: 3 * time.Second}, "catching up", false},
		{graph.FollowStatus{Following: true, SincePoll: 6 * time.Second}, "store unreachable", false},
	} {
		if status, ready := replicaReady(tc.f); status != tc.status || ready != tc.ready {
			t.Errorf("replicaReady(%+v) = %q, %v; want %q, %v", tc.f, status, ready, tc.status, tc.ready)
		}
	}
}
