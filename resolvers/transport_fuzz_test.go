package resolvers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kring/resolvers"
)

// Fuzz targets for the decoding of GraphQL requests: a JSON POST body, a GET query string and
// a multipart upload (authenticated, so that the body is read). Whatever arrives, the server
// answers with a status below 500 and a JSON body holding data or errors; it never panics.
// Normal test runs try the seeds only; `go test ./resolvers -run '^$' -fuzz FuzzPOSTBody`
// explores.

const fuzzToken = "fuzz-curator-token"

func fuzzHandler(t testing.TB) http.Handler {
	ts, err := resolvers.ParseTokens("tokens", strings.NewReader("fuzz curator "+resolvers.HashToken(fuzzToken)))
	if err != nil {
		t.Fatal(err)
	}
	return resolvers.NewHandler(resolvers.New(transportStore(t), nil), resolvers.Options{Tokens: ts})
}

func checkFuzzAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("status %d, body not a JSON object (%v): %q", rec.Code, err, rec.Body)
	}
	if body["data"] == nil && body["errors"] == nil {
		t.Fatalf("status %d, neither data nor errors: %s", rec.Code, rec.Body)
	}
}

func FuzzPOSTBody(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ __typename }"}`,
		`{"query":"query($id: ID!) { method(id: $id) { id } }","variables":{"id":"x"}}`,
		`{"query":"{ methods(filter: {text: \"netwerk\"}) { totalCount } }"}`,
		`{"query":"{ ...F } fragment F on Query { ...F }"}`,
		`{"query":"mutation { rollbackBatch(id: \"b\") { removed } }"}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`,
		`{"query":"{"}`, `[]`, `null`, `{"query":1}`, `{"variables":"x"}`, "",
	} {
		f.Add([]byte(s))
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkFuzzAnswer(t, rec)
	})
}

func FuzzGETQuery(f *testing.F) {
	for _, s := range []string{
		"query=%7B+__typename+%7D",
		"query=query+T(%24n%3A+String!)+%7B+__type(name%3A+%24n)+%7B+name+%7D+%7D&variables=%7B%22n%22%3A%22Query%22%7D",
		"query=mutation+%7B+__typename+%7D",
		"query=%7B&operationName=X", "variables=%7B", "query=a&query=b", "%zz", "",
	} {
		f.Add(s)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		req.URL.RawQuery = raw
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkFuzzAnswer(t, rec)
	})
}

func FuzzMultipart(f *testing.F) {
	const boundary = "fuzzboundary"
	part := func(name, filename, content string) string {
		disp := `form-data; name="` + name + `"`
		if filename != "" {
			disp += `; filename="` + filename + `"`
		}
		return "--" + boundary + "\r\nContent-Disposition: " + disp + "\r\n\r\n" + content + "\r\n"
	}
	upload := `{"query":"mutation($f: [Upload!]!) { loadBatch(files: $f, dryRun: true) { rejected } }","variables":{"f":[null]}}`
	for _, s := range []string{
		part("operations", "", upload) + part("map", "", `{"0":["variables.f.0"]}`) + part("0", "a.bib", "@article{a, title={T}}") + "--" + boundary + "--\r\n",
		part("operations", "", `{"query":"{ __typename }"}`) + part("map", "", `{}`) + "--" + boundary + "--\r\n",
		part("map", "", `{}`) + "--" + boundary + "--\r\n",
		part("operations", "", `{`) + "--" + boundary + "--\r\n",
		"--" + boundary + "--\r\n", "",
	} {
		f.Add([]byte(s))
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		req.Header.Set("Authorization", "Bearer "+fuzzToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkFuzzAnswer(t, rec)
	})
}
