package resolvers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/resolvers"
)

const loadMutation = `mutation($files: [Upload!]!, $dry: Boolean, $skip: Boolean) {
  loadBatch(files: $files, dryRun: $dry, skipInvalid: $skip, sourceType: GREY_BE) {
    dryRun rejected
    batches { batch kind written noChange added files { name sha256 } types { type new updated unchanged duplicate conflict skipped } }
    skipped { file line column field message }
    problems { file line field message }
    merged { source record with }
  }
}`

// uploadRequest builds a multipart request (GraphQL multipart request spec) with the files.
func uploadRequest(t *testing.T, auth string, vars map[string]any, paths ...string) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	files := make([]any, len(paths))
	vars["files"] = files
	ops, _ := json.Marshal(map[string]any{"query": loadMutation, "variables": vars})
	mw.WriteField("operations", string(ops))
	m := map[string][]string{}
	for i := range paths {
		m[fmt.Sprint(i)] = []string{fmt.Sprintf("variables.files.%d", i)}
	}
	mb, _ := json.Marshal(m)
	mw.WriteField("map", string(mb))
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fw, _ := mw.CreateFormFile(fmt.Sprint(i), filepath.Base(p))
		fw.Write(data)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	return req
}

type loadResponse struct {
	Data struct {
		LoadBatch struct {
			DryRun, Rejected bool
			Batches          []struct {
				Batch, Kind string
				Written     bool
				NoChange    bool
				Added       int
				Files       []struct{ Name, Sha256 string }
				Types       []struct {
					Type                                                  string
					New, Updated, Unchanged, Duplicate, Conflict, Skipped int
				}
			}
			Skipped  []graph.Problem
			Problems []graph.Problem
			Merged   []struct{ Source, Record, With string }
		}
	}
	Errors []map[string]any
}

func postUpload(t *testing.T, h http.Handler, req *http.Request) (int, loadResponse) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r loadResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("response %d: %v: %s", rec.Code, err, rec.Body)
	}
	return rec.Code, r
}

const lit = "../ingest/testdata/literature/"

func TestLoadBatchMutation(t *testing.T) {
	st := graphtest.NewMemory(t)
	curator := "curator-secret-token"
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokensFor(t, "cora curator "+resolvers.HashToken(curator))})
	files := []string{lit + "overlap.bib", lit + "overlap.ris", lit + "overlap.json"}

	// Anonymous callers may not load (refused before the body is read: see abuse_test.go).
	status, r := postUpload(t, h, uploadRequest(t, "", map[string]any{}, files...))
	if status != http.StatusUnauthorized || len(r.Errors) == 0 || r.Errors[0]["extensions"].(map[string]any)["code"] != "UNAUTHENTICATED" || !st.Empty() {
		t.Fatalf("anonymous load: %d %+v; want 401 UNAUTHENTICATED and nothing written", status, r)
	}

	// Dry run: the diff per type, nothing written.
	code, r := postUpload(t, h, uploadRequest(t, curator, map[string]any{"dry": true}, files...))
	lb := r.Data.LoadBatch
	if code != 200 || len(r.Errors) > 0 || !lb.DryRun || len(lb.Batches) != 1 || lb.Batches[0].Written || !st.Empty() {
		t.Fatalf("dry run: %d %+v", code, r)
	}
	if ty := lb.Batches[0].Types[0]; ty.Type != "SOURCE" || ty.New != 13 || ty.Duplicate != 9 {
		t.Errorf("dry-run diff = %+v; want 13 new sources, 9 duplicates", ty)
	}

	// The load, then the same files again.
	_, r = postUpload(t, h, uploadRequest(t, curator, map[string]any{}, files...))
	lb = r.Data.LoadBatch
	if len(r.Errors) > 0 || lb.Rejected || !lb.Batches[0].Written || len(lb.Batches[0].Files) != 3 || len(lb.Merged) != 9 {
		t.Fatalf("load: %+v", r)
	}
	batch := lb.Batches[0].Batch
	if !strings.HasPrefix(batch, "kring:batch/lit-") {
		t.Errorf("batch id %q; want kring:batch/lit-...", batch)
	}
	b, err := st.Batch(t.Context(), batch)
	if err != nil || b.LoadedBy == nil || *b.LoadedBy != "cora" || len(b.Files) != 3 {
		t.Errorf("batch node: %+v, %v; want loaded by cora with 3 files", b, err)
	}
	_, r = postUpload(t, h, uploadRequest(t, curator, map[string]any{}, files...))
	if lb := r.Data.LoadBatch; !lb.Batches[0].NoChange || lb.Batches[0].Added != 0 {
		t.Errorf("second load: %+v; want no change", lb.Batches[0])
	}

	// A malformed file: rejected, with problems naming the file and line; nothing written.
	n := st.QuadCount()
	_, r = postUpload(t, h, uploadRequest(t, curator, map[string]any{}, lit+"overlap.bib", lit+"bad.ris"))
	lb = r.Data.LoadBatch
	if len(r.Errors) > 0 || !lb.Rejected || len(lb.Problems) == 0 || lb.Problems[0].File != "bad.ris" || lb.Problems[0].Line == 0 {
		t.Errorf("malformed: %+v; want a rejection naming bad.ris and a line", r)
	}
	if st.QuadCount() != n {
		t.Errorf("a rejected load changed the store")
	}
	// skipInvalid: the good records load, the bad ones are listed.
	_, r = postUpload(t, h, uploadRequest(t, curator, map[string]any{"skip": true}, lit+"bad.ris"))
	lb = r.Data.LoadBatch
	if len(r.Errors) > 0 || lb.Rejected || len(lb.Skipped) == 0 || !lb.Batches[0].Written {
		t.Errorf("skipInvalid: %+v", r)
	}
}

// TestUploadLimit: multipart bodies get their own, larger limit; other bodies keep theirs.
func TestUploadLimit(t *testing.T) {
	st := graphtest.NewMemory(t)
	curator := "curator-secret-token"
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{MaxBodyBytes: 1 << 10, MaxUploadBytes: 1 << 20,
		Tokens: tokensFor(t, "cora curator "+resolvers.HashToken(curator))})
	// overlap.json is 4 KiB: over the body limit, under the upload limit.
	_, r := postUpload(t, h, uploadRequest(t, curator, map[string]any{}, lit+"overlap.json"))
	if len(r.Errors) > 0 || r.Data.LoadBatch.Rejected {
		t.Errorf("a 4 KiB upload under a 1 MiB upload limit: %+v", r)
	}
	small := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{MaxUploadBytes: 1 << 10,
		Tokens: tokensFor(t, "cora curator "+resolvers.HashToken(curator))})
	rec := httptest.NewRecorder()
	small.ServeHTTP(rec, uploadRequest(t, curator, map[string]any{}, lit+"overlap.json"))
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "REQUEST_TOO_LARGE") {
		t.Errorf("an upload over the limit: %d %s; want an error", rec.Code, rec.Body)
	}
}
