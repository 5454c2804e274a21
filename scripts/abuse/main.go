// Command abuse runs each attack of issue 10 against a running `kring serve` (spawned here) and
// prints, per attack, what the server answered, how long it took and the peak resident memory
// it cost (VmHWM, reset before each attack through /proc/PID/clear_refs). Numbers are printed,
// not asserted: the assertions are in resolvers/abuse_test.go. Linux only.
//
//	go run ./scripts/abuse --bin ./kring --data DIR [--addr 127.0.0.1:18250] [--timeout 15s]
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	bin := flag.String("bin", "./kring", "the kring binary")
	data := flag.String("data", "", "data directory to serve (a copy is advisable)")
	addr := flag.String("addr", "127.0.0.1:18250", "address to serve on")
	timeout := flag.String("timeout", "", "--timeout for serve (empty: its default)")
	only := flag.String("only", "", "run only attacks whose name contains this")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "abuse: --data is required")
		os.Exit(2)
	}
	tok, hashLine := token()
	tf, err := os.CreateTemp("", "kring-abuse-tokens")
	check(err)
	defer os.Remove(tf.Name())
	fmt.Fprintln(tf, hashLine)
	tf.Close()
	os.Chmod(tf.Name(), 0o600)
	args := []string{"serve", "--addr", *addr, "--data", *data, "--tokens-file", tf.Name()}
	if *timeout != "" {
		args = append(args, "--timeout", *timeout)
	}
	base := "http://" + *addr
	fmt.Printf("%-34s %6s %-42s %8s %9s %9s\n", "attack", "status", "code/reason", "time", "peak MiB", "+MiB")
	for _, a := range attacks(base, tok) {
		if *only != "" && !strings.Contains(a.name, *only) {
			continue
		}
		// A fresh server per attack: what one attack leaves behind (a grown heap) does not
		// hide what the next one costs.
		cmd := exec.Command(*bin, args...)
		cmd.Stderr = io.Discard
		check(cmd.Start())
		waitHealthy(base)
		pid := cmd.Process.Pid
		before := rss(pid, "VmRSS")
		os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) // reset VmHWM
		t0 := time.Now()
		status, why := a.run()
		d := time.Since(t0)
		peak := rss(pid, "VmHWM")
		health := ""
		if r, err := http.Get(base + "/healthz"); err != nil {
			health = " (no /healthz answer afterwards)"
		} else {
			r.Body.Close()
		}
		fmt.Printf("%-34s %6s %-42s %7.2fs %9.0f %9.0f%s\n", a.name, status, why, d.Seconds(), peak, peak-before, health)
		cmd.Process.Kill()
		cmd.Wait()
	}
}

func waitHealthy(base string) {
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if r, err := http.Get(base + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		if time.Since(start) > 60*time.Second {
			fmt.Fprintln(os.Stderr, "abuse: the server did not answer /healthz within 60 s")
			os.Exit(1)
		}
	}
}

type attack struct {
	name string
	run  func() (status, why string)
}

var client = &http.Client{Timeout: 120 * time.Second}

func attacks(base, tok string) []attack {
	gql := base + "/graphql"
	post := func(body []byte, hdr map[string]string) (string, string) {
		req, _ := http.NewRequest(http.MethodPost, gql, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/graphql-response+json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		return do(req)
	}
	query := func(q string, vars map[string]any) func() (string, string) {
		return func() (string, string) {
			b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
			return post(b, nil)
		}
	}
	copies := func(n int) string {
		return "{ methods(first: 1) { nodes {" + strings.Repeat(" id", n) + " } } }"
	}
	frags := func(levels int) string {
		var b strings.Builder
		b.WriteString("{ methods(first: 1) { nodes { ...F0 } } }")
		for i := 0; i < levels; i++ {
			fmt.Fprintf(&b, " fragment F%d on Method { ...F%d ...F%d }", i, i+1, i+1)
		}
		fmt.Fprintf(&b, " fragment F%d on Method { id }", levels)
		return b.String()
	}
	matrices := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, " m%d: matrix(rows: METHOD, columns: OUTCOME) { gapCells { row column } cells { row column claimCount claims(first: 100) { nodes { id } } } }", i)
		}
		b.WriteString(" }")
		return b.String()
	}
	aliased := func(n int, field string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, " a%d: %s", i, field)
		}
		return b.String() + " }"
	}
	multipart := func(size int, q string, auth bool, n int) func() (string, string) {
		return func() (string, string) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			var st, why string
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var buf bytes.Buffer
					mw := multipart.NewWriter(&buf)
					ops, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"f": []any{nil}}})
					mw.WriteField("operations", string(ops))
					mw.WriteField("map", `{"0":["variables.f.0"]}`)
					fw, _ := mw.CreateFormFile("0", "big.bib")
					fw.Write(bytes.Repeat([]byte("% padding line of a bibtex file\n"), size/32))
					mw.Close()
					req, _ := http.NewRequest(http.MethodPost, gql, &buf)
					req.Header.Set("Content-Type", mw.FormDataContentType())
					if auth {
						req.Header.Set("Authorization", "Bearer "+tok)
					}
					s, w := do(req)
					mu.Lock()
					st, why = s, w
					mu.Unlock()
				}()
			}
			wg.Wait()
			return st, why
		}
	}
	needle := strings.Repeat("a", 1_000_000)
	return []attack{
		{"10,000 copies of one field", query(copies(10000), nil)},
		{"20,000 copies of one field", query(copies(20000), nil)},
		{"fragment explosion, 21 levels", query(frags(21), nil)},
		{"fragment explosion, 24 levels", query(frags(24), nil)},
		{"1 MB text filter, 3 aliases", query(`query($t: String) { a: methods(filter: {text: $t}) { totalCount } b: methods(filter: {text: $t}) { totalCount } c: sources(filter: {text: $t}) { totalCount } }`, map[string]any{"t": needle})},
		{"12 anonymous 31 MB multiparts", multipart(31<<20, `mutation($f: [Upload!]!) { loadBatch(files: $f, dryRun: true) { rejected } }`, false, 12)},
		{"anonymous 5 MiB query multipart", multipart(1<<10, "{ __typename }"+strings.Repeat(" ", 5<<20), false, 1)},
		{"2 aliased matrices", query(matrices(2), nil)},
		{"4 aliased matrices", query(matrices(4), nil)},
		{"29 aliased matrices", query(matrices(29), nil)},
		{"30 aliased lists of all claims", query(aliased(30, "claims(first: 1) { totalCount }"), nil)},
		{"20 aliased lists of all sources", query(aliased(20, "sources(first: 1) { totalCount }"), nil)},
		{"anonymous mutation", query(`mutation { rollbackBatch(id: "x", dryRun: true) { removed } }`, nil)},
		{"bad token mutation", func() (string, string) {
			b, _ := json.Marshal(map[string]any{"query": `mutation { rollbackBatch(id: "x", dryRun: true) { removed } }`})
			return post(b, map[string]string{"Authorization": "Bearer not-a-token"})
		}},
	}
}

// do sends a request and returns the status and the first error's code/reason.
func do(req *http.Request) (string, string) {
	resp, err := client.Do(req)
	if err != nil {
		return "error", shorten(err.Error())
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return strconv.Itoa(resp.StatusCode), "body: " + shorten(err.Error())
	}
	if len(b) == 0 {
		return strconv.Itoa(resp.StatusCode), "(empty reply)"
	}
	var r struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(b, &r) != nil {
		return strconv.Itoa(resp.StatusCode), "not JSON: " + shorten(string(b))
	}
	if len(r.Errors) == 0 {
		return strconv.Itoa(resp.StatusCode), fmt.Sprintf("data, %d bytes", len(b))
	}
	e := r.Errors[0].Extensions
	return strconv.Itoa(resp.StatusCode), fmt.Sprintf("%v/%v", e["code"], e["reason"])
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// rss reads a memory figure of /proc/PID/status, in MiB.
func rss(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// token returns a token and its tokens-file line (as `kring token new` writes them).
func token() (string, string) {
	tok := "kring_abuse_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	return tok, "abuse curator " + sha256hex(tok)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "abuse:", err)
		os.Exit(1)
	}
}

func sha256hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
