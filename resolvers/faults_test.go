package resolvers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"kring/graph"
	"kring/resolvers"
)

// TestLoadBatchStorageFull: through a real HTTP server over a bolt store, a loadBatch whose
// writes hit a full disk (the search index, then the quad store) answers STORAGE_FULL with a
// message saying what failed; nothing is stored, the server keeps answering queries, and the
// same load succeeds once there is space again.
func TestLoadBatchStorageFull(t *testing.T) {
	f := &graph.Faults{}
	quiet := slog.New(slog.DiscardHandler)
	st, err := graph.Open(context.Background(), graph.Config{Path: t.TempDir(), Faults: f, Logger: quiet, SnapshotDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	curator := "curator-secret-token"
	h := resolvers.NewHandler(resolvers.New(st, quiet), resolvers.Options{Tokens: tokensFor(t, "cora curator "+resolvers.HashToken(curator))})
	srv := httptest.NewServer(h)
	defer srv.Close()
	upload := func() loadResponse {
		t.Helper()
		req := uploadRequest(t, curator, map[string]any{}, lit+"overlap.bib")
		req.RequestURI = ""
		req.URL.Scheme, req.URL.Host = "http", strings.TrimPrefix(srv.URL, "http://")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r loadResponse
		if b, _ := io.ReadAll(resp.Body); json.Unmarshal(b, &r) != nil {
			t.Fatalf("response %d: %s", resp.StatusCode, b)
		}
		return r
	}
	count := func() int {
		t.Helper()
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"query":"{ sources { totalCount } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Data   struct{ Sources struct{ TotalCount int } }
			Errors []any
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
			t.Fatalf("query after the failed load: %v %v", err, r.Errors)
		}
		return r.Data.Sources.TotalCount
	}

	for _, tc := range []struct{ layer, what string }{
		{graph.FaultSearch, "writing the search index: no space left on device"},
		{graph.FaultQuads, "writing the quad store: no space left on device"},
	} {
		f.Set(tc.layer, syscall.ENOSPC)
		r := upload()
		if len(r.Errors) != 1 {
			t.Fatalf("%s full: %+v; want one error", tc.layer, r)
		}
		ext, _ := r.Errors[0]["extensions"].(map[string]any)
		if ext["code"] != resolvers.CodeStorageFull || r.Errors[0]["message"] != tc.what {
			t.Errorf("%s full: error %v; want code STORAGE_FULL and message %q", tc.layer, r.Errors[0], tc.what)
		}
		if n := count(); n != 0 {
			t.Errorf("%s full: %d sources stored; want none", tc.layer, n)
		}
		f.Set(tc.layer, nil)
	}
	if r := upload(); len(r.Errors) > 0 || !r.Data.LoadBatch.Batches[0].Written {
		t.Fatalf("load once there is space: %+v", r)
	}
	if n := count(); n == 0 {
		t.Error("no sources after the load")
	}
	if _, err := st.Verify(context.Background()); err != nil {
		t.Error(err)
	}
}
