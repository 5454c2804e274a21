package resolvers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
	"kring/resolvers"
)

const (
	gqlResponse = "application/graphql-response+json; charset=utf-8"
	jsonUTF8    = "application/json; charset=utf-8"
)

// transportStore is an empty in-memory store: the protocol tests need no data.
func transportStore(t testing.TB) *graph.Store {
	t.Helper()
	st, err := graph.Open(context.Background(), graph.Config{Backend: graph.BackendMemory})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// transportReq is one HTTP request to /graphql.
type transportReq struct {
	method  string
	query   string // raw URL query, for GET
	headers map[string]string
	body    string
}

// transportGot is what the protocol rules look at in a response.
type transportGot struct {
	Status      int
	ContentType string
	Allow       string
	Keys        []string // top-level keys of the JSON body, sorted
	Why         string   // extensions.reason of the first error, else its extensions.code
}

func transportDo(t testing.TB, h http.Handler, rq transportReq) (transportGot, map[string]json.RawMessage) {
	t.Helper()
	target := "/graphql"
	if rq.query != "" {
		target += "?" + rq.query
	}
	method := rq.method
	if method == "" {
		method = http.MethodPost
	}
	req := httptest.NewRequest(method, target, strings.NewReader(rq.body))
	if rq.body == "" {
		req.Body = http.NoBody
	}
	for k, v := range rq.headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	got := transportGot{
		Status:      rec.Code,
		ContentType: rec.Header().Get("Content-Type"),
		Allow:       rec.Header().Get("Allow"),
	}
	var body map[string]json.RawMessage
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("body is not a JSON object: %v: %q", err, rec.Body)
		}
	}
	for k := range body {
		got.Keys = append(got.Keys, k)
	}
	slices.Sort(got.Keys)
	var errs []struct {
		Extensions map[string]any `json:"extensions"`
	}
	if raw, ok := body["errors"]; ok {
		if err := json.Unmarshal(raw, &errs); err != nil {
			t.Fatalf("errors is not a list: %v: %s", err, raw)
		}
	}
	if len(errs) > 0 {
		if r, ok := errs[0].Extensions["reason"].(string); ok {
			got.Why = r
		} else {
			got.Why, _ = errs[0].Extensions["code"].(string)
		}
	}
	return got, body
}

func jsonBody(v map[string]any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestTransport(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(transportStore(t), nil), resolvers.Options{})
	typename := jsonBody(map[string]any{"query": "{ __typename }"})
	ctJSON := "application/json"
	post := func(accept, body string) transportReq {
		hd := map[string]string{"Content-Type": ctJSON}
		if accept != "" {
			hd["Accept"] = accept
		}
		return transportReq{headers: hd, body: body}
	}
	get := func(accept string, kv ...string) transportReq {
		q := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Add(kv[i], kv[i+1])
		}
		rq := transportReq{method: http.MethodGet, query: q.Encode(), headers: map[string]string{}}
		if accept != "" {
			rq.headers["Accept"] = accept
		}
		return rq
	}
	withCT := func(ct string) transportReq {
		hd := map[string]string{}
		if ct != "" {
			hd["Content-Type"] = ct
		}
		return transportReq{headers: hd, body: typename}
	}
	okGR := transportGot{Status: 200, ContentType: gqlResponse, Keys: []string{"data"}}
	okJSON := transportGot{Status: 200, ContentType: jsonUTF8, Keys: []string{"data"}}
	// A request error: no data entry; 400 with graphql-response+json, 200 with json.
	reqErrGR := func(why string) transportGot {
		return transportGot{Status: 400, ContentType: gqlResponse, Keys: []string{"errors"}, Why: why}
	}
	reqErrJSON := func(why string) transportGot {
		return transportGot{Status: 200, ContentType: jsonUTF8, Keys: []string{"errors"}, Why: why}
	}
	// A malformed HTTP request: the status whatever Accept says, no data entry.
	httpErr := func(status int, ct, why string) transportGot {
		return transportGot{Status: status, ContentType: ct, Keys: []string{"errors"}, Why: why}
	}
	const (
		gr     = "application/graphql-response+json"
		js     = "application/json"
		parse  = "GRAPHQL_PARSE_FAILED"
		valid  = "GRAPHQL_VALIDATION_FAILED"
		bad    = "BAD_REQUEST"
		media  = "UNSUPPORTED_MEDIA_TYPE"
		accept = "NOT_ACCEPTABLE"
	)
	mutation := `mutation { rollbackBatch(id: "b1", dryRun: true) { removed } }`

	cases := []struct {
		name string
		req  transportReq
		want transportGot
	}{
		// Accept negotiation.
		{"accept graphql-response+json", post(gr, typename), okGR},
		{"accept json", post(js, typename), okJSON},
		{"accept missing", post("", typename), okJSON},
		{"accept */*", post("*/*", typename), okJSON},
		{"accept application/*", post("application/*", typename), okJSON},
		{"accept both, equal", post(gr+", "+js, typename), okGR},
		{"accept both, json first", post(js+", "+gr, typename), okGR},
		{"accept json preferred by q", post(gr+";q=0.5, "+js, typename), okJSON},
		{"accept gr exact beats wildcard", post(gr+", */*", typename), okGR},
		{"accept json exact beats wildcard", post(js+", */*;q=0.9", typename), okJSON},
		{"accept gr below wildcard q", post(gr+";q=0.5, */*", typename), okJSON},
		{"accept json with charset", post(js+"; charset=utf-8", typename), okJSON},
		{"accept json with other charset", post(js+"; charset=iso-8859-1", typename), httpErr(406, jsonUTF8, accept)},
		{"accept among others", post("text/html, application/xhtml+xml, "+gr+";q=0.9", typename), okGR},
		{"accept nothing usable", post("text/html", typename), httpErr(406, jsonUTF8, accept)},
		{"accept json refused by q=0", post(js+";q=0", typename), httpErr(406, jsonUTF8, accept)},
		{"accept wildcard but json refused", post("*/*, "+js+";q=0", typename), okGR},
		{"accept GET nothing usable", get("image/png", "query", "{ __typename }"), httpErr(406, jsonUTF8, accept)},

		// Request media type.
		{"content-type json", withCT("application/json"), okJSON},
		{"content-type json utf-8", withCT("application/json; charset=utf-8"), okJSON},
		{"content-type json UTF-8", withCT("application/json;charset=UTF-8"), okJSON},
		{"content-type missing", withCT(""), httpErr(415, jsonUTF8, media)},
		{"content-type text/plain", withCT("text/plain"), httpErr(415, jsonUTF8, media)},
		{"content-type graphql", withCT("application/graphql"), httpErr(415, jsonUTF8, media)},
		{"content-type form", withCT("application/x-www-form-urlencoded"), httpErr(415, jsonUTF8, media)},
		{"content-type malformed", withCT("application/json; charset"), httpErr(415, jsonUTF8, media)},
		{"content-type latin-1", withCT("application/json; charset=iso-8859-1"), httpErr(415, jsonUTF8, media)},
		{"content-encoding gzip", transportReq{headers: map[string]string{"Content-Type": ctJSON, "Content-Encoding": "gzip"}, body: typename}, httpErr(415, jsonUTF8, media)},
		{"415 in the accepted type", transportReq{headers: map[string]string{"Content-Type": "text/plain", "Accept": gr}, body: typename}, httpErr(415, gqlResponse, media)},

		// Malformed bodies: 400 whatever Accept says.
		{"body missing", post(js, ""), httpErr(400, jsonUTF8, bad)},
		{"body blank", post(gr, "  \n"), httpErr(400, gqlResponse, bad)},
		{"body not JSON (json)", post(js, `{ "not a JSON`), httpErr(400, jsonUTF8, bad)},
		{"body not JSON (gr)", post(gr, `{ "not a JSON`), httpErr(400, gqlResponse, bad)},
		{"body trailing data", post(js, typename+`{}`), httpErr(400, jsonUTF8, bad)},
		{"body array (batch)", post(js, "["+typename+"]"), httpErr(400, jsonUTF8, bad)},
		{"body null", post(js, "null"), httpErr(400, jsonUTF8, bad)},
		{"body string", post(js, `"{ __typename }"`), httpErr(400, jsonUTF8, bad)},
		{"body invalid utf-8", post(js, "{\"query\":\"{ __typename } #\xff\"}"), httpErr(400, jsonUTF8, bad)},

		// Request parameters.
		{"query missing", post(gr, `{"notquery":"{ __typename }"}`), httpErr(400, gqlResponse, bad)},
		{"query typo", post("", `{"qeury":"{ __typename }"}`), httpErr(400, jsonUTF8, bad)},
		{"query null", post(js, `{"query":null}`), httpErr(400, jsonUTF8, bad)},
		{"query empty", post(js, `{"query":""}`), httpErr(400, jsonUTF8, bad)},
		{"query object", post("", `{"query":{"obj":"ect"}}`), httpErr(400, jsonUTF8, bad)},
		{"query number", post("", `{"query":0}`), httpErr(400, jsonUTF8, bad)},
		{"query boolean", post("", `{"query":false}`), httpErr(400, jsonUTF8, bad)},
		{"query array", post("", `{"query":["array"]}`), httpErr(400, jsonUTF8, bad)},
		{"operationName string", post(js, `{"query":"query Q { __typename }","operationName":"Q"}`), okJSON},
		{"operationName null", post(gr, `{"query":"{ __typename }","operationName":null}`), okGR},
		{"operationName object", post("", `{"query":"{ __typename }","operationName":{"obj":"ect"}}`), httpErr(400, jsonUTF8, bad)},
		{"operationName number", post("", `{"query":"{ __typename }","operationName":0}`), httpErr(400, jsonUTF8, bad)},
		{"operationName boolean", post("", `{"query":"{ __typename }","operationName":false}`), httpErr(400, jsonUTF8, bad)},
		{"operationName array", post("", `{"query":"{ __typename }","operationName":["array"]}`), httpErr(400, jsonUTF8, bad)},
		{"variables map", post(gr, `{"query":"query T($name: String!) { __type(name: $name) { name } }","variables":{"name":"Query"}}`), okGR},
		{"variables null", post(js, `{"query":"{ __typename }","variables":null}`), okJSON},
		{"variables string", post("", `{"query":"{ __typename }","variables":"string"}`), httpErr(400, jsonUTF8, bad)},
		{"variables number", post("", `{"query":"{ __typename }","variables":0}`), httpErr(400, jsonUTF8, bad)},
		{"variables boolean", post("", `{"query":"{ __typename }","variables":false}`), httpErr(400, jsonUTF8, bad)},
		{"variables array", post("", `{"query":"{ __typename }","variables":["array"]}`), httpErr(400, jsonUTF8, bad)},
		{"extensions map", post(js, `{"query":"{ __typename }","extensions":{"some":"value"}}`), okJSON},
		{"extensions null", post(gr, `{"query":"{ __typename }","extensions":null}`), okGR},
		{"extensions string", post("", `{"query":"{ __typename }","extensions":"string"}`), httpErr(400, jsonUTF8, bad)},
		{"extensions number", post("", `{"query":"{ __typename }","extensions":0}`), httpErr(400, jsonUTF8, bad)},
		{"extensions boolean", post("", `{"query":"{ __typename }","extensions":false}`), httpErr(400, jsonUTF8, bad)},
		{"extensions array", post("", `{"query":"{ __typename }","extensions":["array"]}`), httpErr(400, jsonUTF8, bad)},
		{"unknown keys ignored", post(js, `{"query":"{ __typename }","other":1}`), okJSON},
		{"utf-8 query", post(js, jsonBody(map[string]any{"query": `{ __type(name: "Run🏃Swim🏊") { name } }`})), okJSON},

		// Request errors (before execution).
		{"parse error (gr)", post(gr, `{"query":"{"}`), reqErrGR(parse)},
		{"parse error (json)", post(js, `{"query":"{"}`), reqErrJSON(parse)},
		{"parse error (no accept)", post("", `{"query":"{"}`), reqErrJSON(parse)},
		{"validation error (gr)", post(gr, `{"query":"{ nope }"}`), reqErrGR(valid)},
		{"validation error (json)", post(js, `{"query":"{ nope }"}`), reqErrJSON(valid)},
		{"unknown operation (gr)", post(gr, `{"query":"query A { __typename }","operationName":"B"}`), reqErrGR(valid)},
		{"unknown operation (json)", post(js, `{"query":"query A { __typename }","operationName":"B"}`), reqErrJSON(valid)},
		{"ambiguous operation (gr)", post(gr, `{"query":"query A { __typename } query B { __typename }"}`), reqErrGR(valid)},
		{"variable coercion (gr)", post(gr, `{"query":"query C($id: ID!) { __typename }","variables":{"id":null}}`), reqErrGR(valid)},
		{"variable coercion (json)", post(js, `{"query":"query C($id: ID!) { __typename }","variables":{"id":null}}`), reqErrJSON(valid)},
		{"persisted query unknown (gr)", post(gr, `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`), reqErrGR("PERSISTED_QUERY_NOT_FOUND")},
		{"persisted query unknown (json)", post(js, `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`), reqErrJSON("PERSISTED_QUERY_NOT_FOUND")},

		// Execution: data is always there (null when a non-null root field failed).
		{"anonymous mutation over POST (gr)", post(gr, jsonBody(map[string]any{"query": mutation})), transportGot{Status: 401, ContentType: gqlResponse, Keys: []string{"errors"}, Why: "UNAUTHENTICATED"}},
		{"anonymous mutation over POST (json)", post(js, jsonBody(map[string]any{"query": mutation})), transportGot{Status: 401, ContentType: jsonUTF8, Keys: []string{"errors"}, Why: "UNAUTHENTICATED"}},

		// GET.
		{"GET query", get("", "query", "{ __typename }"), okJSON},
		{"GET query (gr)", get(gr, "query", "{ __typename }"), okGR},
		{"GET variables", get(gr, "query", "query T($name: String!) { __type(name: $name) { name } }", "variables", `{"name":"sometype"}`), okGR},
		{"GET variables null", get(js, "query", "{ __typename }", "variables", "null"), okJSON},
		{"GET variables empty", get(js, "query", "{ __typename }", "variables", ""), okJSON},
		{"GET variables not JSON", get(js, "query", "{ __typename }", "variables", `{"name":`), httpErr(400, jsonUTF8, bad)},
		{"GET variables array", get(js, "query", "{ __typename }", "variables", `["x"]`), httpErr(400, jsonUTF8, bad)},
		{"GET variables trailing data", get(js, "query", "{ __typename }", "variables", `{} {}`), httpErr(400, jsonUTF8, bad)},
		{"GET extensions string", get(js, "query", "{ __typename }", "extensions", `"x"`), httpErr(400, jsonUTF8, bad)},
		{"GET query missing", get(gr), httpErr(400, gqlResponse, bad)},
		{"GET query twice", get(js, "query", "{ __typename }", "query", "{ __typename }"), httpErr(400, jsonUTF8, bad)},
		{"GET malformed URL query", transportReq{method: http.MethodGet, query: "query=%7B__typename%7D&variables=%zz"}, httpErr(400, jsonUTF8, bad)},
		{"GET query invalid utf-8", transportReq{method: http.MethodGet, query: "query=%7B__typename%7D%23%FF"}, httpErr(400, jsonUTF8, bad)},
		{"GET parse error (gr)", get(gr, "query", "{"), reqErrGR(parse)},
		{"GET validation error (json)", get(js, "query", "{ nope }"), reqErrJSON(valid)},
		{"GET mutation", get(gr, "query", mutation), transportGot{Status: 405, ContentType: gqlResponse, Allow: "POST", Keys: []string{"errors"}, Why: "METHOD_NOT_ALLOWED"}},
		{"GET mutation (json)", get(js, "query", mutation), transportGot{Status: 405, ContentType: jsonUTF8, Allow: "POST", Keys: []string{"errors"}, Why: "METHOD_NOT_ALLOWED"}},
		{"GET invalid mutation", get(gr, "query", "mutation { __typename nope }"), transportGot{Status: 405, ContentType: gqlResponse, Allow: "POST", Keys: []string{"errors"}, Why: "METHOD_NOT_ALLOWED"}},
		{"GET mutation by operationName", get(gr, "query", "query Q { __typename } "+strings.Replace(mutation, "mutation", "mutation M", 1), "operationName", "M"), transportGot{Status: 405, ContentType: gqlResponse, Allow: "POST", Keys: []string{"errors"}, Why: "METHOD_NOT_ALLOWED"}},
		{"GET query beside a mutation", get(gr, "query", "query Q { __typename } "+strings.Replace(mutation, "mutation", "mutation M", 1), "operationName", "Q"), okGR},

		// Methods.
		{"PUT", transportReq{method: http.MethodPut, headers: map[string]string{"Content-Type": ctJSON}, body: typename}, transportGot{Status: 405, ContentType: jsonUTF8, Allow: "GET, POST, OPTIONS", Keys: []string{"errors"}, Why: "METHOD_NOT_ALLOWED"}},
		{"DELETE", transportReq{method: http.MethodDelete}, transportGot{Status: 405, ContentType: jsonUTF8, Allow: "GET, POST, OPTIONS", Keys: []string{"errors"}, Why: "METHOD_NOT_ALLOWED"}},
		{"HEAD", transportReq{method: http.MethodHead}, transportGot{Status: 405, ContentType: jsonUTF8, Allow: "GET, POST, OPTIONS", Keys: []string{"errors"}, Why: "METHOD_NOT_ALLOWED"}},
		{"OPTIONS", transportReq{method: http.MethodOptions}, transportGot{Status: 200, Allow: "OPTIONS, GET, POST"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := transportDo(t, h, c.req)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("%s %v (-want +got):\n%s", c.req.method, c.req.body, diff)
			}
		})
	}
}

// TestTransportPersistedQuery: automatic persisted queries still work through the transport, over
// POST and GET, and a miss is a request error (no data entry).
func TestTransportPersistedQuery(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(transportStore(t), nil), resolvers.Options{})
	query := "{ __typename }"
	sum := sha256.Sum256([]byte(query))
	pq := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	pqJSON, _ := json.Marshal(pq)
	headers := map[string]string{"Content-Type": "application/json", "Accept": "application/graphql-response+json"}
	steps := []struct {
		name string
		req  transportReq
		want transportGot
		data string
	}{
		{"hash only, unknown", transportReq{headers: headers, body: jsonBody(map[string]any{"extensions": pq})},
			transportGot{Status: 400, ContentType: gqlResponse, Keys: []string{"errors"}, Why: "PERSISTED_QUERY_NOT_FOUND"}, ""},
		{"wrong hash", transportReq{headers: headers, body: jsonBody(map[string]any{"query": "{ __schema { queryType { name } } }", "extensions": pq})},
			transportGot{Status: 400, ContentType: gqlResponse, Keys: []string{"errors"}, Why: "BAD_USER_INPUT"}, ""},
		{"query and hash", transportReq{headers: headers, body: jsonBody(map[string]any{"query": query, "extensions": pq})},
			transportGot{Status: 200, ContentType: gqlResponse, Keys: []string{"data"}}, `{"__typename":"Query"}`},
		{"hash only, known", transportReq{headers: headers, body: jsonBody(map[string]any{"extensions": pq})},
			transportGot{Status: 200, ContentType: gqlResponse, Keys: []string{"data"}}, `{"__typename":"Query"}`},
		{"hash only over GET", transportReq{method: http.MethodGet, query: url.Values{"extensions": {string(pqJSON)}}.Encode()},
			transportGot{Status: 200, ContentType: jsonUTF8, Keys: []string{"data"}}, `{"__typename":"Query"}`},
	}
	for _, s := range steps { // in order: each step relies on the cache the ones before filled
		got, body := transportDo(t, h, s.req)
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
		if s.data != "" && string(body["data"]) != s.data {
			t.Errorf("%s: data = %s; want %s", s.name, body["data"], s.data)
		}
	}
}

// TestTransportBodyLimit: a body over Options.MaxBodyBytes gets 413 with a JSON error body.
func TestTransportBodyLimit(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(transportStore(t), nil), resolvers.Options{MaxBodyBytes: 64})
	small := jsonBody(map[string]any{"query": "{ __typename }"})
	large := jsonBody(map[string]any{"query": "{ __typename }" + strings.Repeat(" ", 100)})
	cases := []struct {
		name, accept, body string
		want               transportGot
	}{
		{"under the limit", "", small, transportGot{Status: 200, ContentType: jsonUTF8, Keys: []string{"data"}}},
		{"over the limit", "", large, transportGot{Status: 413, ContentType: jsonUTF8, Keys: []string{"errors"}, Why: "REQUEST_TOO_LARGE"}},
		{"over the limit (gr)", "application/graphql-response+json", large, transportGot{Status: 413, ContentType: gqlResponse, Keys: []string{"errors"}, Why: "REQUEST_TOO_LARGE"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rq := transportReq{headers: map[string]string{"Content-Type": "application/json"}, body: c.body}
			if c.accept != "" {
				rq.headers["Accept"] = c.accept
			}
			got, _ := transportDo(t, h, rq)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestTransportLimits: our depth limit and gqlgen's complexity limit reject before execution,
// so they are request errors too (introspection is measured apart: see TestIntrospectionQuery).
func TestTransportLimits(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(transportStore(t), nil), resolvers.Options{
		Limits: resolvers.Limits{MaxDepth: 2, MaxAliases: 30, MaxComplexity: 20000}})
	deep := jsonBody(map[string]any{"query": `{ workModels { nodes { id } } }`})
	cases := []struct {
		name, accept string
		want         transportGot
	}{
		{"graphql-response+json", "application/graphql-response+json", transportGot{Status: 400, ContentType: gqlResponse, Keys: []string{"errors"}, Why: "QUERY_TOO_DEEP"}},
		{"json", "application/json", transportGot{Status: 200, ContentType: jsonUTF8, Keys: []string{"errors"}, Why: "QUERY_TOO_DEEP"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := transportDo(t, h, transportReq{headers: map[string]string{"Content-Type": "application/json", "Accept": c.accept}, body: deep})
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestTransportVaryAndBody: responses vary by Accept and are UTF-8 JSON that keeps non-ASCII text.
func TestTransportVaryAndBody(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(transportStore(t), nil), resolvers.Options{})
	body := jsonBody(map[string]any{"query": `{ __type(name: "Run🏃Swim🏊") { name } }`})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d (%s)", rec.Code, rec.Body)
	}
	if v := rec.Header().Values("Vary"); !slices.Contains(v, "Accept") {
		t.Errorf("Vary = %q; want it to name Accept", v)
	}
	if diff := cmp.Diff(`{"data":{"__type":null}}`, rec.Body.String()); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}
