package resolvers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"kring/graph/graphtest"
	"kring/resolvers"
)

const reviewMutation = `mutation($files: [Upload!]!, $dry: Boolean, $types: [RecordSourceType!]) {
  loadBatch(files: $files, dryRun: $dry, sourceTypes: $types) {
    rejected
    needsSourceType { record file line title entryType suggested source }
    merged { source record with rule }
    problems { file line field message conflict }
    batches { written items { type id label } }
  }
}`

type reviewResponse struct {
	Data struct {
		LoadBatch struct {
			Rejected        bool
			NeedsSourceType []struct {
				Record, File, Title, EntryType, Source string
				Line                                   int
				Suggested                              *string
			}
			Merged   []struct{ Source, Record, With, Rule string }
			Problems []struct {
				File, Field, Message string
				Line                 int
				Conflict             bool
			}
			Batches []struct {
				Written bool
				Items   []struct{ Type, ID, Label string }
			}
		}
	}
	Errors []map[string]any
}

// postFiles sends files (name → content) with the review mutation, as the upload page does.
func postFiles(t *testing.T, h http.Handler, token string, vars map[string]any, files map[string]string) reviewResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	vars["files"] = make([]any, len(names))
	ops, _ := json.Marshal(map[string]any{"query": reviewMutation, "variables": vars})
	mw.WriteField("operations", string(ops))
	m := map[string][]string{}
	for i := range names {
		m[fmt.Sprint(i)] = []string{fmt.Sprintf("variables.files.%d", i)}
	}
	mb, _ := json.Marshal(m)
	mw.WriteField("map", string(mb))
	for i, n := range names {
		fw, _ := mw.CreateFormFile(fmt.Sprint(i), n)
		fw.Write([]byte(files[n]))
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r reviewResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("response %d: %v: %s", rec.Code, err, rec.Body)
	}
	return r
}

// TestLoadReview: the dry run the upload page shows (records needing a type, merges with their
// rule, the sources added), then the commit with a type chosen for the record, and a conflict.
func TestLoadReview(t *testing.T) {
	st := graphtest.NewMemory(t)
	curator := "curator-secret-token"
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokensFor(t, "cora curator "+resolvers.HashToken(curator))})
	bib := map[string]string{"dir/boek.bib": "@book{boek1,\n  title = {Samen sterk},\n  author = {Claes, Ine},\n  year = {2019},\n  url = {https://x.nl/y}\n}\n\n" +
		"@book{boek2,\n  title = {Samen Sterk!},\n  author = {Claes, I.},\n  year = {2019}\n}\n"}

	r := postFiles(t, h, curator, map[string]any{"dry": true}, bib)
	lb := r.Data.LoadBatch
	if len(r.Errors) > 0 || lb.Rejected || len(lb.NeedsSourceType) != 1 || len(lb.Batches) != 1 {
		t.Fatalf("dry run: %+v", r)
	}
	if n := lb.NeedsSourceType[0]; n.Record != "boek.bib:1" || n.Line != 1 || n.EntryType != "book" || n.Suggested == nil || *n.Suggested != "GREY_NL" || n.Source != "kring:source/boek1" {
		t.Errorf("need: %+v", n)
	}
	if len(lb.Merged) != 1 || lb.Merged[0].Rule != "TITLE_YEAR_AUTHOR" || lb.Merged[0].With != "boek.bib:1" || lb.Merged[0].Record != "boek.bib:8" {
		t.Errorf("merged: %+v", lb.Merged)
	}
	if it := lb.Batches[0].Items; len(it) != 1 || it[0].ID != "kring:source/boek1" || it[0].Label != "Samen sterk" || it[0].Type != "SOURCE" {
		t.Errorf("items: %+v", it)
	}
	if !st.Empty() {
		t.Fatal("dry run wrote")
	}

	// Without the type, the commit is rejected naming the record; with it, it is written.
	r = postFiles(t, h, curator, map[string]any{}, bib)
	if lb := r.Data.LoadBatch; !lb.Rejected || lb.Problems[0].File != "boek.bib" || lb.Problems[0].Line != 1 || lb.Problems[0].Field != "type" || lb.Problems[0].Conflict {
		t.Fatalf("commit without type: %+v", r)
	}
	r = postFiles(t, h, curator, map[string]any{"types": []any{map[string]any{"record": "boek.bib:1", "type": "PRACTICE_HANDBOOK"}}}, bib)
	if lb := r.Data.LoadBatch; len(r.Errors) > 0 || lb.Rejected || !lb.Batches[0].Written {
		t.Fatalf("commit with type: %+v", r)
	}
	if _, f, err := st.StoredFields(t.Context(), "source/boek1"); err != nil || f["type"] != "PRACTICE_HANDBOOK" {
		t.Errorf("stored: %v %v", f, err)
	}

	// A record of the stored work gives it a DOI; a record with that DOI but another title is a
	// conflict, flagged as one.
	conflict := map[string]string{"c.bib": "@book{boek1x,\n  title = {Samen sterk},\n  author = {Claes, Ine},\n  year = {2019},\n  doi = {10.1234/abcd}\n}\n\n@article{a,\n  title = {Other},\n  author = {Z, A},\n  year = {2001},\n  doi = {10.1234/abcd}\n}\n"}
	r = postFiles(t, h, curator, map[string]any{"dry": true}, conflict)
	lb = r.Data.LoadBatch
	if len(r.Errors) > 0 || !lb.Rejected || len(lb.Problems) == 0 || !lb.Problems[0].Conflict {
		t.Errorf("conflict: %+v", r)
	}
}
