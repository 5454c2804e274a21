package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kring/resolvers"
)

// The abuse suite (issue 10, item 9): every attack measured on the old main, sent to the real
// server (`kring serve` in process, bbolt in a temporary data dir, real HTTP). Each must get its
// coded refusal; afterwards /healthz answers and the data is as before. `make abuse` runs it
// verbosely; scripts/abuse prints the time and peak memory each attack costs a spawned server.

const abuseToken = "kring_abuse_test_token"

// abuseServer starts `kring serve` on a fresh bolt data dir (with the bundled knowledge base)
// and returns its base URL; extra flags are added to serve's.
func abuseServer(t *testing.T, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte("abuser curator "+resolvers.HashToken(abuseToken)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan int, 1)
	args := append([]string{"serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--tokens-file", tokens}, extra...)
	go func() { done <- run(ctx, args, func(string) string { return "" }, nil, io.Discard, &logs) }()
	re := regexp.MustCompile(`addr=http://(127\.0\.0\.1:\d+)`)
	var addr string
	for i := 0; i < 1200 && addr == ""; i++ {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
		} else {
			time.Sleep(25 * time.Millisecond)
		}
	}
	if addr == "" {
		cancel()
		t.Fatalf("server did not start; logs:\n%s", logs.String())
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	return "http://" + addr
}

// abuseState is what must not change: the quad count (/healthz) and the batches.
func abuseState(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("/healthz: %v", err)
	}
	health, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz = %d %s", resp.StatusCode, health)
	}
	var h struct {
		Quads int `json:"quads"`
	}
	if err := json.Unmarshal(health, &h); err != nil {
		t.Fatalf("/healthz: %v: %s", err, health)
	}
	body, _ := json.Marshal(map[string]any{"query": "{ batches { id } }"})
	resp, err = http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return fmt.Sprintf("%d quads, %s", h.Quads, b)
}

// refusal is what an attack must get.
type refusal struct {
	status       int
	code, reason string
}

// answer reads a response's status and first error's code and reason.
func answer(t *testing.T, resp *http.Response, err error) refusal {
	t.Helper()
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the reply: %v", err)
	}
	var r struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &r); err != nil || len(r.Errors) == 0 {
		t.Fatalf("reply %d is not a GraphQL error (%v): %.300s", resp.StatusCode, err, b)
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	reason, _ := r.Errors[0].Extensions["reason"].(string)
	return refusal{resp.StatusCode, code, reason}
}

func postGraphQL(base, auth string, body any) (*http.Response, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return http.DefaultClient.Do(req)
}

// multipartBody is a GraphQL multipart request with one file of fileSize bytes.
func multipartBody(query string, fileSize int) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"f": []any{nil}}})
	mw.WriteField("operations", string(ops))
	mw.WriteField("map", `{"0":["variables.f.0"]}`)
	fw, _ := mw.CreateFormFile("0", "refs.bib")
	fw.Write(bytes.Repeat([]byte("%"), fileSize))
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

func sendMultipart(base, auth string, body []byte, contentType string) (*http.Response, error) {
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/graphql-response+json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return http.DefaultClient.Do(req)
}

func postMultipart(base, auth, query string, fileSize int) (*http.Response, error) {
	body, ct := multipartBody(query, fileSize)
	return sendMultipart(base, auth, body, ct)
}

func copiesOfOneField(n int) string {
	return "{ methods(first: 1) { nodes {" + strings.Repeat(" id", n) + " } } }"
}

// fragmentExplosion nests levels fragments, each spreading the next twice: 2^levels fields.
func fragmentExplosion(levels int) string {
	var b strings.Builder
	b.WriteString("{methods(first:1){nodes{...F0}}}")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Method{...F%d ...F%d}", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Method{id}", levels)
	return b.String()
}

func aliasedMatrices(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " m%d: matrix(rows: METHOD, columns: OUTCOME) { gapCells { row column } cells { row column claimCount claims(first: 100) { nodes { id } } } }", i)
	}
	return b.String() + " }"
}

func TestAbuse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a bolt-backed server")
	}
	base := abuseServer(t)
	state := abuseState(t, base)
	mutation := map[string]any{"query": `mutation { rollbackBatch(id: "kring:batch/starter", dryRun: false) { removed } }`}
	upload := `mutation($f: [Upload!]!) { loadBatch(files: $f, dryRun: false) { rejected } }`
	needle := strings.Repeat("a", 1_000_000) // under the 1 MiB body limit with its JSON around it
	attacks := []struct {
		name string
		send func() (*http.Response, error)
		want refusal
	}{
		{"10,000 copies of one field", func() (*http.Response, error) {
			return postGraphQL(base, "", map[string]any{"query": copiesOfOneField(10000)})
		}, refusal{400, "BAD_USER_INPUT", "TOO_MANY_TOKENS"}},
		{"20,000 copies of one field", func() (*http.Response, error) {
			return postGraphQL(base, "", map[string]any{"query": copiesOfOneField(20000)})
		}, refusal{400, "BAD_USER_INPUT", "TOO_MANY_TOKENS"}},
		{"1,600 copies of one field (under the token limit)", func() (*http.Response, error) {
			return postGraphQL(base, "", map[string]any{"query": "{ __typename " + copiesOfOneField(1600)[1:]})
		}, refusal{400, "BAD_USER_INPUT", "TOO_MANY_SELECTIONS"}},
		{"fragment explosion, 21 levels", func() (*http.Response, error) {
			return postGraphQL(base, "", map[string]any{"query": fragmentExplosion(21)})
		}, refusal{400, "BAD_USER_INPUT", "FRAGMENTS_TOO_LARGE"}},
		{"fragment explosion, 60 levels", func() (*http.Response, error) {
			return postGraphQL(base, "", map[string]any{"query": fragmentExplosion(60)})
		}, refusal{400, "BAD_USER_INPUT", "FRAGMENTS_TOO_LARGE"}},
		{"1 MB text filter (variable)", func() (*http.Response, error) {
			return postGraphQL(base, "", map[string]any{"query": `query($t: String) { a: methods(filter: {text: $t}) { totalCount } b: sources(filter: {text: $t}) { totalCount } }`, "variables": map[string]any{"t": needle}})
		}, refusal{400, "BAD_USER_INPUT", "ARGUMENT_TOO_LONG"}},
		{"1 MB text filter (inline)", func() (*http.Response, error) {
			return postGraphQL(base, "", map[string]any{"query": `{ methods(filter: {text: "` + needle + `"}) { totalCount } }`})
		}, refusal{400, "BAD_USER_INPUT", "ARGUMENT_TOO_LONG"}},
		{"anonymous 31 MB multipart", func() (*http.Response, error) {
			return postMultipart(base, "", upload, 31<<20)
		}, refusal{401, "UNAUTHENTICATED", ""}},
		{"anonymous 5 MiB query as multipart", func() (*http.Response, error) {
			return postMultipart(base, "", "{ __typename }"+strings.Repeat(" ", 5<<20), 10)
		}, refusal{401, "UNAUTHENTICATED", ""}},
		{"authenticated 5 MiB query as multipart", func() (*http.Response, error) {
			return postMultipart(base, "Bearer "+abuseToken, "mutation { __typename }"+strings.Repeat(" ", 5<<20), 10)
		}, refusal{200, "BAD_USER_INPUT", "REQUEST_TOO_LARGE"}}, // gqlgen's multipart transport answers 200
		{"authenticated query as multipart", func() (*http.Response, error) {
			return postMultipart(base, "Bearer "+abuseToken, "{ __typename }", 10)
		}, refusal{200, "BAD_USER_INPUT", "UPLOAD_NOT_A_MUTATION"}},
		{"4 aliased matrices", func() (*http.Response, error) {
			return postGraphQL(base, "", map[string]any{"query": aliasedMatrices(4)})
		}, refusal{400, "BAD_USER_INPUT", "TOO_MANY_EXPENSIVE_FIELDS"}},
		{"29 aliased matrices", func() (*http.Response, error) {
			return postGraphQL(base, "", map[string]any{"query": aliasedMatrices(29)})
		}, refusal{400, "BAD_USER_INPUT", "TOO_MANY_EXPENSIVE_FIELDS"}},
		{"31 aliases", func() (*http.Response, error) {
			var b strings.Builder
			for i := range 31 {
				fmt.Fprintf(&b, " a%d: __typename", i)
			}
			return postGraphQL(base, "", map[string]any{"query": "{" + b.String() + " }"})
		}, refusal{400, "BAD_USER_INPUT", "TOO_MANY_ALIASES"}},
		{"13 levels deep", func() (*http.Response, error) {
			q := "{ methods { nodes" + strings.Repeat(" { implements", 11) + " { id }" + strings.Repeat(" }", 11) + " } }"
			return postGraphQL(base, "", map[string]any{"query": q})
		}, refusal{400, "BAD_USER_INPUT", "QUERY_TOO_DEEP"}},
		{"mutation without a token", func() (*http.Response, error) {
			return postGraphQL(base, "", mutation)
		}, refusal{401, "UNAUTHENTICATED", ""}},
		{"mutation with a bad token", func() (*http.Response, error) {
			return postGraphQL(base, "Bearer not-a-token", mutation)
		}, refusal{401, "UNAUTHENTICATED", ""}},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			start := time.Now()
			resp, err := a.send()
			took := time.Since(start)
			got := answer(t, resp, err)
			if got != a.want {
				t.Errorf("got %+v; want %+v", got, a.want)
			}
			if got.status == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			t.Logf("%s: %d %s/%s in %v", a.name, got.status, got.code, got.reason, took.Round(time.Millisecond))
			if after := abuseState(t, base); after != state {
				t.Errorf("data changed:\nbefore %s\nafter  %s", state, after)
			}
		})
	}

	// The server answers 401 without reading the bodies and closes each connection; a client
	// still writing its 31 MB may see that as a broken pipe or a reset instead of the 401.
	t.Run("12 anonymous 31 MB multiparts at once", func(t *testing.T) {
		var wg sync.WaitGroup
		got := make([]refusal, 12)
		errs := make([]error, 12)
		body, ct := multipartBody(upload, 31<<20) // one body, twelve readers
		for i := range got {
			wg.Go(func() {
				resp, err := sendMultipart(base, "", body, ct)
				if errs[i] = err; err == nil {
					got[i] = answer(t, resp, nil)
				}
			})
		}
		wg.Wait()
		refused := 0
		for i, g := range got {
			switch {
			case errs[i] != nil && (errors.Is(errs[i], syscall.EPIPE) || errors.Is(errs[i], syscall.ECONNRESET)):
			case errs[i] != nil:
				t.Errorf("request %d: %v", i, errs[i])
			case g != (refusal{401, "UNAUTHENTICATED", ""}):
				t.Errorf("request %d: %+v; want 401 UNAUTHENTICATED", i, g)
			default:
				refused++
			}
		}
		t.Logf("%d of 12 clients read the 401 before the server closed their connection", refused)
		if after := abuseState(t, base); after != state {
			t.Errorf("data changed:\nbefore %s\nafter  %s", state, after)
		}
	})
}

// TestAbuseDeadline: past the request timeout the client gets 503 and code TIMEOUT, never an
// empty reply. The timeout is made tiny so that every request overruns it.
func TestAbuseDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a bolt-backed server")
	}
	base := abuseServer(t, "--timeout", "1ns")
	for _, q := range []string{
		"{ claims(first: 500) { totalCount nodes { id method { name } } } }",
		"{ matrix(rows: METHOD, columns: OUTCOME) { cells { claimCount } } }",
	} {
		resp, err := postGraphQL(base, "", map[string]any{"query": q})
		got := answer(t, resp, err)
		if want := (refusal{503, "TIMEOUT", ""}); got != want {
			t.Errorf("%s: got %+v; want %+v", q, got, want)
		}
	}
	// An upload (gqlgen's multipart transport answers 200) gets the code too, not a JSON null.
	resp, err := postMultipart(base, "Bearer "+abuseToken, `mutation($f: [Upload!]!) { loadBatch(files: $f, dryRun: true) { rejected } }`, 10)
	if got := answer(t, resp, err); got.code != "TIMEOUT" {
		t.Errorf("upload: got %+v; want code TIMEOUT", got)
	}
	abuseState(t, base) // /healthz still answers
}
