package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cayleygraph/cayley"
	cgraph "github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/kv/bbolt" // the bolt backend the data directory holds
)

// BenchmarkStartup measures how long `kring serve` takes until it serves (GET /readyz answers
// 200) on a generated knowledge base, and how much memory it holds then (issue #4; goals: ready
// in ≤ 2 s, ≤ 500 MB resident on the large scale). It reports, it does not fail on the goals.
//
// Each scale is a sub-benchmark (BenchmarkStartup/small, BenchmarkStartup/large);
// KRING_BENCH_SCALES=small (a comma-separated list) limits them. The benchmark builds the real
// binary, generates the knowledge base with `kring gen --scale S` once and caches it under
// os.TempDir() (see startupDataset), then serves a fresh copy of it, so that every run sees the
// first start after generation. Metrics:
//
//	ready-s       median wall time from exec to the first 200 from /readyz, over the timed starts
//	cold-s        the same for the first start on the fresh copy (untimed warm-up, see below)
//	rss-MiB       median VmRSS (/proc/PID/status) right after ready, over the timed starts
//	hwm-MiB       largest VmHWM (peak resident) right after ready, over the timed starts
//	cold-hwm-MiB  VmHWM of the cold start
//	baseline-s    median time (of up to 3) to read every quad of the same bolt store through Cayley
//	x-baseline    ready-s / baseline-s
//	quads         quads the server reports on /readyz (checked against the baseline's count)
//
// ns/op is the mean time to ready (plus reading /proc) of the timed starts.
func BenchmarkStartup(b *testing.B) {
	scales := []string{"small", "large"}
	if s := os.Getenv("KRING_BENCH_SCALES"); s != "" {
		scales = strings.Split(s, ",")
	}
	bin := startupBuild(b)
	for _, scale := range scales {
		scale = strings.TrimSpace(scale)
		b.Run(scale, func(b *testing.B) { benchStartup(b, bin, scale) })
	}
}

func benchStartup(b *testing.B, bin, scale string) {
	pristine := startupDataset(b, bin, scale)
	dir := filepath.Join(b.TempDir(), "data")
	if err := startupCopyDir(pristine, dir); err != nil {
		b.Fatalf("copy %s: %v", pristine, err)
	}

	// Baseline: open the bolt store with Cayley and read every quad, nothing else (no read
	// model, no search index, no HTTP), in this process and with the file in the page cache as
	// it is for the server. It is the floor of a start-up that reads all of its data from the
	// quad store; a start-up that reads less (a snapshot) can beat it (x-baseline < 1).
	// Three reads, or fewer when they take long (on the large scale one takes tens of seconds).
	var baseline []time.Duration
	baseQuads := -1
	for total := time.Duration(0); len(baseline) < 3 && total < 30*time.Second; {
		n, d, err := startupRawRead(dir)
		if err != nil {
			b.Fatalf("baseline: %v", err)
		}
		if baseQuads >= 0 && n != baseQuads {
			b.Fatalf("baseline: read %d quads, then %d", baseQuads, n)
		}
		baseQuads = n
		baseline = append(baseline, d)
		total += d
	}

	// Warm-up: the first start after generation may do one-time work (rebuilding an index,
	// writing a start-up snapshot into the data directory). It is not timed by the benchmark
	// loop; its figure is reported apart as cold-s.
	cold, err := startupServe(bin, dir)
	if err != nil {
		b.Fatalf("cold start: %v", err)
	}
	if err := cold.stop(); err != nil {
		b.Errorf("cold start: stop: %v", err)
	}
	// The server's count leaves out the store's own bookkeeping quads (its state token) and
	// counts a quad Cayley returns twice once, so it may be a little below the raw count; an
	// empty server or one with more quads than the store is not serving this data.
	switch {
	case cold.quads == 0 || cold.quads > baseQuads:
		b.Errorf("the server reports %d quads on /readyz; the bolt store holds %d", cold.quads, baseQuads)
	case cold.quads != baseQuads:
		b.Logf("%s: the server serves %d quads of the %d in the bolt store (the rest are the store's own)", scale, cold.quads, baseQuads)
	}

	var ready []time.Duration
	var rss []float64
	var hwm float64
	for b.Loop() {
		r, err := startupServe(bin, dir)
		if err != nil {
			b.Fatalf("start: %v", err)
		}
		b.StopTimer()
		if err := r.stop(); err != nil {
			b.Errorf("stop: %v", err)
		}
		b.StartTimer()
		ready = append(ready, r.ready)
		rss = append(rss, r.rssMiB)
		hwm = max(hwm, r.hwmMiB)
	}

	readyS := startupMedian(ready).Seconds()
	baseS := startupMedian(baseline).Seconds()
	b.ReportMetric(readyS, "ready-s")
	b.ReportMetric(cold.ready.Seconds(), "cold-s")
	sort.Float64s(rss)
	b.ReportMetric(rss[len(rss)/2], "rss-MiB")
	b.ReportMetric(hwm, "hwm-MiB")
	b.ReportMetric(cold.hwmMiB, "cold-hwm-MiB")
	b.ReportMetric(baseS, "baseline-s")
	b.ReportMetric(readyS/baseS, "x-baseline")
	b.ReportMetric(float64(cold.quads), "quads")
}

// startupBuild builds the kring binary from this directory, so that the process measured is the
// real server. `go test` puts its own GOROOT/bin first on PATH, so this is the same toolchain.
func startupBuild(b *testing.B) string {
	b.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		b.Fatalf("no go command to build kring with: %v", err)
	}
	bin := filepath.Join(b.TempDir(), "kring")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startupDataset returns the data directory of `kring gen --scale S`, generating it when there
// is no complete one in the cache. The cache directory, under os.TempDir(), is named by a hash of
// the scale, `kring version` and the sources that decide what gen writes (go.mod, go.sum and
// the non-test Go files of graph/ and ingest/), so a change to the generator or the store
// regenerates; a marker file written after gen succeeded says the directory is complete. Older
// directories of the same scale are removed (the large one is about a gigabyte).
// BenchmarkMatrixGraphQL (matrix_bench_test.go) serves copies of the same directories.
func startupDataset(b *testing.B, bin, scale string) string {
	b.Helper()
	key, err := startupCacheKey(bin, scale)
	if err != nil {
		b.Fatalf("cache key: %v", err)
	}
	root := filepath.Join(os.TempDir(), "kring-bench-startup")
	dir := filepath.Join(root, scale+"-"+key)
	data, marker := filepath.Join(dir, "data"), filepath.Join(dir, "complete")
	if _, err := os.Stat(marker); err == nil {
		b.Logf("%s: reusing %s", scale, dir)
		return data
	}
	if old, _ := filepath.Glob(filepath.Join(root, scale+"-*")); len(old) > 0 {
		for _, o := range old {
			if err := os.RemoveAll(o); err != nil {
				b.Fatalf("remove stale cache: %v", err)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	cmd := exec.Command(bin, "gen", "--scale", scale, "--data", data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		os.RemoveAll(dir)
		b.Fatalf("kring gen --scale %s: %v\n%s", scale, err, out)
	}
	if err := os.WriteFile(marker, out, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: generated in %s into %s: %s", scale, time.Since(start).Round(time.Second), dir, bytes.TrimSpace(out))
	return data
}

func startupCacheKey(bin, scale string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "kring startup bench 1\nscale %s\n", scale)
	v, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "", fmt.Errorf("kring version: %w", err)
	}
	h.Write(v)
	files := []string{"go.mod", "go.sum"}
	for _, d := range []string{"graph", "ingest"} {
		err := filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	sort.Strings(files)
	for _, f := range files {
		c, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(c))
		h.Write(c)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// startupCopyDir copies the regular files of src into dst (created).
func startupCopyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		if !e.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// startupRawRead opens the bolt quad store in dir with Cayley (the options graph.Open uses),
// reads every quad and closes it; it returns the number of quads and the time taken.
func startupRawRead(dir string) (int, time.Duration, error) {
	start := time.Now()
	h, err := cayley.NewGraph("bbolt", dir, cgraph.Options{"no_bloom": true})
	if err != nil {
		return 0, 0, err
	}
	r := cgraph.NewQuadStoreReader(h.QuadStore)
	n := 0
	for {
		_, err = r.ReadQuad()
		if err != nil {
			break
		}
		n++
	}
	r.Close()
	if cerr := h.Close(); err == io.EOF {
		err = cerr
	}
	return n, time.Since(start), err
}

// startupRun is one measured start of `kring serve`.
type startupRun struct {
	ready          time.Duration
	rssMiB, hwmMiB float64
	quads          int

	cmd    *exec.Cmd
	exited chan error
	stderr *startupLog
}

// startupServe starts `kring serve` on a free loopback port, polls /readyz every 2 ms until it
// answers 200, and reads the process's resident memory then. The server is stopped (SIGTERM)
// before it returns; startupRun.stop waits for it to end (call it before the next start: the
// bolt store is locked until the process has ended) and reports how it ended.
func startupServe(bin, dir string) (*startupRun, error) {
	addr, err := startupFreeAddr()
	if err != nil {
		return nil, err
	}
	r := &startupRun{exited: make(chan error, 1), stderr: &startupLog{}}
	r.cmd = exec.Command(bin, "serve", "--addr", addr, "--data", dir, "--no-starter", "--log-level", "warn")
	r.cmd.Stdout, r.cmd.Stderr = r.stderr, r.stderr
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	url := "http://" + addr + "/readyz" // /healthz answers before the store is open

	start := time.Now()
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { r.exited <- r.cmd.Wait() }()
	deadline := start.Add(10 * time.Minute)
	for {
		select {
		case err := <-r.exited:
			r.exited <- err
			return nil, fmt.Errorf("kring serve ended before it was ready (%v):\n%s", err, r.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			r.cmd.Process.Kill()
			<-r.exited
			return nil, fmt.Errorf("kring serve not ready after %s:\n%s", time.Since(start).Round(time.Second), r.stderr.String())
		}
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				r.ready = time.Since(start)
				var h struct {
					Quads int `json:"quads"`
				}
				if err := json.Unmarshal(body, &h); err != nil {
					r.kill()
					return nil, fmt.Errorf("/readyz: %v: %q", err, body)
				}
				r.quads = h.Quads
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	rss, hwm, err := startupMemory(r.cmd.Process.Pid)
	if err != nil {
		r.kill()
		return nil, err
	}
	r.rssMiB, r.hwmMiB = rss, hwm
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		r.kill()
		return nil, err
	}
	return r, nil
}

// stop waits for the server to end after SIGTERM (killing it after 30 s) and says whether it
// ended cleanly. It may be called more than once.
func (r *startupRun) stop() error {
	select {
	case err := <-r.exited:
		r.exited <- err
		if err != nil {
			return fmt.Errorf("kring serve: %v:\n%s", err, r.stderr.String())
		}
		return nil
	case <-time.After(30 * time.Second):
		r.kill()
		return errors.New("kring serve did not stop within 30 s of SIGTERM; killed")
	}
}

func (r *startupRun) kill() {
	r.cmd.Process.Kill()
	err := <-r.exited
	r.exited <- err
}

// startupLog collects a server's output; the process writes it while the benchmark may read it.
type startupLog = syncBuffer

// startupMemory reads VmRSS and VmHWM of a process from /proc, in MiB (0, 0 where there is no
// /proc).
func startupMemory(pid int) (rss, hwm float64, err error) {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(st), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || f[2] != "kB" {
			continue
		}
		kb, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/%d/status: %q", pid, line)
		}
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm, nil
}

// startupFreeAddr returns a loopback address with a port that was free a moment ago.
func startupFreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func startupMedian(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
