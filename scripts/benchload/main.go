// Command benchload measures Kring under load as the explorer loads it (issue 14): the
// explorer's own page queries (queries.json, kept equal to the explorer's by
// explorer/src/bench-queries.test.ts) sent as persisted queries over GET, at several client
// counts, against a spawned `kring serve`, with and without batch loads running, and a
// net/http hello-world server measured in the same run as the baseline. It prints req/s, p50,
// p99, errors and the ratio to hello-world, and counts stale reads: after each batch load is
// acknowledged, a read must see it. Numbers are printed, not asserted.
//
//	go run ./scripts/benchload --bin ./kring [--duration 5s] [--clients 32,128] [--pages home,method] [--pg postgres://…]
//
// With --pg (or KRING_BENCH_POSTGRES) it also measures setup (b): two replicas (`kring serve
// --store`) on a fresh schema of that PostgreSQL server, clients alternating between them, loads
// through replica A, and the source count read from replica B after each acknowledged load with
// the load's state token in Kring-Min-State (must never be stale) and without it (stale within
// the follow delay is expected); then the kill -9 drill (killDrill). The schema is dropped at
// the end.
//
// Servers and clients bind to 127.0.0.1 only. The load generator shares the machine with the
// server: the ratio to hello-world, measured the same way, is the figure to compare.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kring/graph"
)

var gzipFlag *bool

//go:embed queries.json
var queriesJSON []byte

type pageQuery struct {
	Page      string         `json:"page"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

func main() {
	bin := flag.String("bin", "./kring", "the kring binary")
	duration := flag.Duration("duration", 5*time.Second, "how long each measurement runs")
	clientsFlag := flag.String("clients", "32,128", "client counts, comma-separated")
	pagesFlag := flag.String("pages", "", "pages to measure (default: all in queries.json)")
	port := flag.Int("port", 18290, "first loopback port to use")
	gzipFlag = flag.Bool("gzip", false, "accept gzipped answers, as browsers do (the generator then spends the cores' time on gunzipping them)")
	pgURL := flag.String("pg", os.Getenv("KRING_BENCH_POSTGRES"), "also measure two replicas on this PostgreSQL server (a fresh schema, dropped at the end), and run the kill -9 drill (env KRING_BENCH_POSTGRES)")
	onlyPG := flag.Bool("pg-only", false, "with --pg: skip the bbolt setup")
	flag.Parse()

	var clients []int
	for _, f := range strings.Split(*clientsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		check(err)
		clients = append(clients, n)
	}
	var pages []pageQuery
	check(json.Unmarshal(queriesJSON, &pages))
	if *pagesFlag != "" {
		keep := strings.Split(*pagesFlag, ",")
		pages = slices.DeleteFunc(pages, func(p pageQuery) bool { return !slices.Contains(keep, p.Page) })
	}

	hello := startHello(fmt.Sprintf("127.0.0.1:%d", *port))
	defer hello.Close()

	tmp, err := os.MkdirTemp("", "kring-benchload")
	check(err)
	defer os.RemoveAll(tmp)
	token, tokensFile := makeToken(tmp)
	type setup struct {
		name    string
		servers []*kringServer // clients split across them; loads go through the first
	}
	var setups []setup
	if !*onlyPG || *pgURL == "" {
		srv := startKring(*bin, fmt.Sprintf("127.0.0.1:%d", *port+1), filepath.Join(tmp, "data"), tokensFile)
		defer srv.stop()
		setups = append(setups, setup{"bbolt", []*kringServer{srv}})
	}
	var pgStore string
	if *pgURL != "" {
		schema := fmt.Sprintf("kring_bench_%d", time.Now().UnixNano())
		var err error
		pgStore, err = graph.PostgresSchema(context.Background(), *pgURL, schema, false)
		check(err)
		defer graph.PostgresSchema(context.Background(), *pgURL, schema, true)
		cleanups = append([]func(){func() { graph.PostgresSchema(context.Background(), *pgURL, schema, true) }}, cleanups...)
		// A first (it loads the bundled KB into the empty store), then B.
		a := startKring(*bin, fmt.Sprintf("127.0.0.1:%d", *port+2), filepath.Join(tmp, "pg-a"), tokensFile, "--store", pgStore)
		defer a.stop()
		b := startKring(*bin, fmt.Sprintf("127.0.0.1:%d", *port+3), filepath.Join(tmp, "pg-b"), tokensFile, "--store", pgStore)
		defer b.stop()
		setups = append(setups, setup{"pg x2", []*kringServer{a, b}})
	}

	method := firstID(setups[0].servers[0].base, `{ methods(filter: {kind: METHOD}, first: 1) { nodes { id } } }`, "methods")
	for i := range pages {
		for k, v := range pages[i].Variables {
			if v == "$method" {
				pages[i].Variables[k] = method
			}
		}
	}

	fmt.Printf("# kring benchload: %s per measurement, %d cores, GOMAXPROCS of the generator %s\n", *duration, numCPU(), os.Getenv("GOMAXPROCS"))
	fmt.Printf("%-8s %-5s %7s %-10s %9s %8s %8s %7s %8s\n", "setup", "load", "clients", "page", "req/s", "p50 ms", "p99 ms", "errors", "x hello")
	for _, n := range clients {
		h := measure(n, *duration, func(c *http.Client) error { return getOK(c, hello.URL) })
		helloRate := h.rate()
		fmt.Printf("%-8s %-5s %7d %-10s %9.0f %8.2f %8.2f %7d %8s\n", "hello", "-", n, "-", helloRate, ms(h.p(50)), ms(h.p(99)), h.errors, "1.00")
		for _, su := range setups {
			for _, withLoad := range []bool{false, true} {
				var lr *loadRunner
				if withLoad {
					// Loads through the first server; after each, reads from the last (the other
					// replica on PostgreSQL) with and without Kring-Min-State.
					lr = startLoads(su.servers[0].base, su.servers[len(su.servers)-1].base, token)
				}
				for _, pq := range pages {
					var reqs []persistedReq
					for _, srv := range su.servers {
						reqs = append(reqs, persisted(srv.base, pq))
					}
					var next atomic.Uint64 // requests alternate between the servers (a round-robin balancer)
					res := measure(n, *duration, func(c *http.Client) error { return reqs[next.Add(1)%uint64(len(reqs))].do(c) })
					label := "no"
					if withLoad {
						label = "yes"
					}
					fmt.Printf("%-8s %-5s %7d %-10s %9.0f %8.2f %8.2f %7d %8.2f\n", su.name, label, n, pq.Page, res.rate(), ms(res.p(50)), ms(res.p(99)), res.errors, res.rate()/helloRate)
				}
				if lr != nil {
					st := lr.stop()
					fmt.Printf("#   %s loads during the run: %d acknowledged, %d failed; stale reads after an acknowledged load: %d with %s, %d without (of %d each)\n",
						su.name, st.loads, st.failed, st.staleWith, "Kring-Min-State", st.staleWithout, st.loads)
				}
			}
		}
	}
	if pgStore != "" {
		killDrill(setups[len(setups)-1].servers, token, persisted(setups[len(setups)-1].servers[0].base, pages[0]))
	}
}

// --- measurement ----------------------------------------------------------------------------

type result struct {
	lat     []time.Duration
	errors  int64
	elapsed time.Duration
}

func (r result) rate() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }

func (r result) p(q int) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[(len(r.lat)-1)*q/100]
}

// measure runs n clients, each sending requests one after the other for d, and returns every
// successful request's latency (sorted) and the number of failures.
func measure(n int, d time.Duration, do func(*http.Client) error) result {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, MaxConnsPerHost: n, DisableCompression: !*gzipFlag}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	// Warm up: one request per client opens its connection.
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { _ = do(client) })
	}
	wg.Wait()
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	start := time.Now()
	deadline := start.Add(d)
	for range n {
		wg.Go(func() {
			var lat []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err := do(client); err != nil {
					errs.Add(1)
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(all)
	return result{lat: all, errors: errs.Load(), elapsed: elapsed}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// --- requests -------------------------------------------------------------------------------

// persistedReq is a page query as the explorer sends it once the server knows its hash: a GET
// with the hash and the variables, no document.
type persistedReq struct{ url string }

func persisted(base string, pq pageQuery) persistedReq {
	sum := sha256.Sum256([]byte(pq.Query))
	ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":"%s"}}`, hex.EncodeToString(sum[:]))
	vars, err := json.Marshal(pq.Variables)
	check(err)
	// Register the document (the explorer's first request of it does the same).
	body, err := json.Marshal(map[string]any{"query": pq.Query, "variables": pq.Variables, "extensions": json.RawMessage(ext)})
	check(err)
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	check(err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || bytes.Contains(b, []byte(`"errors"`)) {
		fail("page %s: %d %s", pq.Page, resp.StatusCode, truncate(b))
	}
	return persistedReq{url: base + "/graphql?" + url.Values{"extensions": {ext}, "variables": {string(vars)}}.Encode()}
}

func (p persistedReq) do(c *http.Client) error {
	req, _ := http.NewRequest(http.MethodGet, p.url, nil)
	req.Header.Set("Accept", "application/graphql-response+json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := bufs.Get().(*bytes.Buffer) // reused: the generator's allocations compete with the server for the cores
	defer bufs.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return err
	}
	b := buf.Bytes()
	if resp.StatusCode != 200 || !bytes.HasPrefix(b, []byte(`{"data":`)) {
		return fmt.Errorf("status %d: %s", resp.StatusCode, truncate(b))
	}
	return nil
}

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getOK(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return err
}

// --- batch loads running meanwhile ------------------------------------------------------------

// loadRunner sends one small BibTeX batch after another (each of new works) through one server,
// and after each acknowledged load reads the source count anonymously from a server (the same
// one, or another replica): once with the load's state token in Kring-Min-State, once without.
// A count below what was acknowledged is a stale read.
type loadRunner struct {
	cancel                            context.CancelFunc
	done                              chan struct{}
	loads, staleWith, staleWO, failed atomic.Int64
}

const worksPerLoad = 20

type loadStats struct{ loads, staleWith, staleWithout, failed int64 }

// sourceCount reads the number of sources from base (with Kring-Min-State min when not "").
func sourceCount(base, min string) (int, error) {
	var r struct {
		Data   struct{ Sources struct{ TotalCount int } }
		Errors []struct{ Message string }
	}
	q := url.Values{"query": {`{ sources { totalCount } }`}}
	req, _ := http.NewRequest(http.MethodGet, base+"/graphql?"+q.Encode(), nil)
	if min != "" {
		req.Header.Set("Kring-Min-State", min)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, err
	}
	if len(r.Errors) > 0 {
		return 0, fmt.Errorf("%d: %s", resp.StatusCode, r.Errors[0].Message)
	}
	return r.Data.Sources.TotalCount, nil
}

func startLoads(base, readBase, token string) *loadRunner {
	ctx, cancel := context.WithCancel(context.Background())
	lr := &loadRunner{cancel: cancel, done: make(chan struct{})}
	n, err := sourceCount(base, "")
	check(err)
	go func() {
		defer close(lr.done)
		want := n
		for ctx.Err() == nil {
			state, err := loadOnce(ctx, base, token, randomWorks(worksPerLoad))
			if err != nil {
				if ctx.Err() == nil {
					if lr.failed.Add(1) == 1 {
						fmt.Fprintf(os.Stderr, "benchload: a load failed: %v\n", err)
					}
					time.Sleep(100 * time.Millisecond)
				}
				continue
			}
			lr.loads.Add(1)
			want += worksPerLoad
			// Without the header first: right after the acknowledgement, as a client that does
			// not send it would read.
			if got, err := sourceCount(readBase, ""); err != nil || got < want {
				lr.staleWO.Add(1)
			}
			if got, err := sourceCount(readBase, state); err != nil || got < want {
				lr.staleWith.Add(1)
			}
		}
	}()
	return lr
}

func (lr *loadRunner) stop() loadStats {
	lr.cancel()
	<-lr.done
	return loadStats{lr.loads.Load(), lr.staleWith.Load(), lr.staleWO.Load(), lr.failed.Load()}
}

func randomWorks(n int) []byte {
	var b bytes.Buffer
	id := make([]byte, 8)
	for i := range n {
		_, _ = rand.Read(id)
		fmt.Fprintf(&b, "@article{bench%x%d,\n  title = {Netwerkversterking meting %x nummer %d},\n  author = {Bench, Kring},\n  journal = {Tijdschrift voor Metingen},\n  year = {2026}\n}\n\n", id, i, id, i)
	}
	return b.Bytes()
}

// loadOnce sends one loadBatch multipart request and waits for its answer; it returns the
// state token of the store after it (Kring-State).
func loadOnce(ctx context.Context, base, token string, bib []byte) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops := `{"query":"mutation($f: [Upload!]!) { loadBatch(files: $f) { rejected batches { written } problems { message } } }","variables":{"f":[null]}}`
	_ = mw.WriteField("operations", ops)
	_ = mw.WriteField("map", `{"0":["variables.f.0"]}`)
	fw, _ := mw.CreateFormFile("0", "bench.bib")
	_, _ = fw.Write(bib)
	_ = mw.Close()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r struct {
		Data struct {
			LoadBatch struct {
				Rejected bool
				Batches  []struct{ Written bool }
			}
		}
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return "", err
	}
	if len(r.Errors) > 0 || r.Data.LoadBatch.Rejected || len(r.Data.LoadBatch.Batches) == 0 || !r.Data.LoadBatch.Batches[0].Written {
		return "", fmt.Errorf("load not written: %s", truncate(b))
	}
	return resp.Header.Get("Kring-State"), nil
}

// --- the kill -9 drill ----------------------------------------------------------------------

// killDrill kills replica B with -9 while batch loads go through it and clients read from
// replica A; then loads go on through A while B is down; then B starts again on its data
// directory (an older snapshot) and catches up. It prints A's errors, whether the store holds a
// partial batch, how long B took to catch up and how (incremental or full).
func killDrill(servers []*kringServer, token string, readA persistedReq) {
	a, b := servers[0], servers[1]
	fmt.Printf("# kill -9 drill: loads through replica B, 8 clients reading from replica A, B killed after 700 ms\n")
	before, err := sourceCount(a.base, "")
	check(err)
	lr := startLoads(b.base, a.base, token)
	resc := make(chan result, 1)
	go func() { resc <- measure(8, 2*time.Second, func(c *http.Client) error { return readA.do(c) }) }()
	time.Sleep(700 * time.Millisecond)
	check(b.cmd.Process.Kill()) // SIGKILL: no shutdown, no snapshot written at exit
	<-b.exited
	res := <-resc
	viaB := lr.stop()
	lr = startLoads(a.base, a.base, token) // commits B misses while it is down
	time.Sleep(time.Second)
	viaA := lr.stop()
	time.Sleep(500 * time.Millisecond) // a load cancelled by stop may still commit on the server
	after, err := sourceCount(a.base, "")
	check(err)
	fmt.Printf("#   A while B was killed: %.0f req/s, p99 %.2f ms, %d errors\n", res.rate(), ms(res.p(99)), res.errors)
	written := (after - before) / worksPerLoad
	partial := (after-before)%worksPerLoad != 0
	fmt.Printf("#   loads: %d acknowledged through B before the kill, %d through A after; the store holds %d new loads; partial batch: %t\n",
		viaB.loads, viaA.loads, written, partial)
	// Each runner may leave one load unacknowledged that committed all the same (the one B was
	// writing when killed, the one stop cancelled).
	if partial || int64(written) < viaB.loads+viaA.loads || int64(written) > viaB.loads+viaA.loads+2 {
		fail("kill -9 drill: the store holds %d sources more, not whole acknowledged loads (%d + %d, at most two more unacknowledged)", after-before, viaB.loads, viaA.loads)
	}
	if viaB.staleWith > 0 || viaA.staleWith > 0 {
		fail("kill -9 drill: %d stale reads with Kring-Min-State", viaB.staleWith+viaA.staleWith)
	}
	t0 := time.Now()
	b2 := startKring(b.args[0], b.args[1], b.args[2], b.args[3], b.args[4:]...)
	defer b2.stop()
	ready := time.Since(t0)
	for {
		n, err := sourceCount(b2.base, "")
		if err == nil && n == after {
			break
		}
		if time.Since(t0) > 30*time.Second {
			fail("kill -9 drill: B restarted but has %d sources after 30 s; A has %d", n, after)
		}
		time.Sleep(5 * time.Millisecond)
	}
	caught := time.Since(t0)
	how := metricLines(b2.base, "kring_replica_catchups_total")
	fmt.Printf("#   B restarted: ready after %v, same content as A after %v; catch-ups: %s\n", ready.Round(time.Millisecond), caught.Round(time.Millisecond), how)
	if errors := res.errors; errors > 0 {
		fail("kill -9 drill: A answered %d requests with errors while B was killed", errors)
	}
}

// metricLines returns the /metrics lines of one metric, joined.
func metricLines(base, name string) string {
	resp, err := http.Get(base + "/metrics")
	check(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, name) {
			out = append(out, strings.TrimPrefix(l, name))
		}
	}
	return strings.Join(out, ", ")
}

// --- servers --------------------------------------------------------------------------------

type helloServer struct {
	URL string
	srv *http.Server
}

func (h *helloServer) Close() { _ = h.srv.Close() }

// startHello serves a fixed small JSON answer: the fastest a Go HTTP server answers here.
func startHello(addr string) *helloServer {
	ln, err := net.Listen("tcp", addr)
	check(err)
	body := []byte(`{"data":{"hello":"world"}}`)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})}
	go func() { _ = srv.Serve(ln) }()
	return &helloServer{URL: "http://" + ln.Addr().String() + "/", srv: srv}
}

type kringServer struct {
	base   string
	args   []string // bin, addr, data, tokens file, extra flags: to start it again
	cmd    *exec.Cmd
	exited chan struct{}
}

// cleanups stop what was started, also when the run fails.
var cleanups []func()

func startKring(bin, addr, data, tokensFile string, extra ...string) *kringServer {
	ln, err := net.Listen("tcp", addr) // the port must be free: else /readyz would be another server's
	check(err)
	ln.Close()
	args := append([]string{"serve", "--addr", addr, "--data", data, "--tokens-file", tokensFile, "--log-level", "warn"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	check(cmd.Start())
	s := &kringServer{base: "http://" + addr, args: append([]string{bin, addr, data, tokensFile}, extra...), cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	cleanups = append(cleanups, s.stop)
	for i := 0; ; i++ {
		select {
		case <-s.exited:
			fail("kring serve at %s exited", s.base)
		default:
		}
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if i > 600 {
			fail("kring serve did not become ready at %s", s.base)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *kringServer) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

func makeToken(dir string) (token, file string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = "kring_bench_" + hex.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	file = filepath.Join(dir, "tokens")
	check(os.WriteFile(file, []byte("bench CURATOR "+hex.EncodeToString(sum[:])+"\n"), 0o600))
	return token, file
}

func firstID(base, query, field string) string {
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(fmt.Sprintf(`{"query":%q}`, query)))
	check(err)
	defer resp.Body.Close()
	var r struct {
		Data map[string]struct{ Nodes []struct{ ID string } }
	}
	check(json.NewDecoder(resp.Body).Decode(&r))
	if len(r.Data[field].Nodes) == 0 {
		fail("no %s in the served KB", field)
	}
	return r.Data[field].Nodes[0].ID
}

func numCPU() int {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("\nprocessor")) + 1
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchload: "+format+"\n", args...)
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(1)
}
