package resolvers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Response media types (GraphQL over HTTP, https://graphql.github.io/graphql-over-http/draft/).
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// httpTransport serves GraphQL over HTTP GET and POST as the GraphQL-over-HTTP spec asks, in place
// of gqlgen's transport.GET and transport.POST; execution (APQ, limits, complexity, the error
// presenter) stays gqlgen's executor's.
//
//   - The response media type follows Accept: application/graphql-response+json when the client
//     names it (and prefers it at least as much as application/json), application/json when the
//     Accept header is missing, a wildcard, or names application/json; 406 when neither is
//     acceptable.
//   - Request errors, raised before execution (document parse or validation failure, unknown
//     operation, variable coercion, persisted-query miss, our limits): no "data" key; HTTP 400
//     with application/graphql-response+json, 200 with application/json.
//   - Execution results always carry "data" (possibly null) and get 200.
//   - Malformed HTTP requests (bad JSON, a parameter of the wrong type, no query, an empty body)
//     get 400 whatever Accept says; an unsupported request media type or charset 415; a body over
//     the limit 413; a method other than GET or POST 405; a mutation over GET 405 with Allow: POST.
//     Their bodies are {"errors":[…]}, extensions.code BAD_USER_INPUT and extensions.reason
//     one of BAD_REQUEST, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, UNSUPPORTED_MEDIA_TYPE,
//     REQUEST_TOO_LARGE (like gqlgen's own request errors, whose code the presenter keeps as the
//     reason).
//
// OPTIONS is left to gqlgen's transport.Options; HEAD gets 405 here (with Allow, which
// transport.Options leaves out).
type httpTransport struct {
	// cache keeps anonymous query answers per read-model version (cache.go); nil: no cache.
	cache *responseCache
	// version is the read-model version a request is pinned to (Store.Version).
	version func(context.Context) string
}

var _ graphql.Transport = httpTransport{}

// Supports takes every request on the endpoint but websocket upgrades and OPTIONS (for
// transport.Options), so that wrong methods and media types get a precise status instead of
// gqlgen's generic "transport not supported".
func (httpTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && r.Method != http.MethodOptions
}

// Do serves one request.
func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	w.Header().Add("Vary", "Accept")
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		writeHTTPError(w, mediaJSON, http.StatusMethodNotAllowed, "method %s is not allowed: use POST, or GET for queries", r.Method)
		return
	}
	media := negotiate(r.Header.Values("Accept"))
	if media == "" {
		writeHTTPError(w, mediaJSON, http.StatusNotAcceptable,
			"none of the media types in Accept can be served: accept %s or %s", mediaGraphQLResponse, mediaJSON)
		return
	}

	start := graphql.Now()
	var params *graphql.RawParams
	var herr *httpError
	if r.Method == http.MethodGet {
		params, herr = readGET(r)
	} else {
		params, herr = readPOST(r)
	}
	if herr != nil {
		writeHTTPError(w, media, herr.status, "%s", herr.msg)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx := r.Context()
	if PrincipalFrom(ctx) != nil {
		w.Header().Set("Cache-Control", "private, no-store")
		w.Header().Add("Vary", "Authorization")
	} else if t.cache != nil && t.version != nil {
		t.cached(w, r, exec, params, media)
		return
	}
	t.execute(w, r, exec, params, media)
}

// cached answers an anonymous request from the response cache, with 304 when the client holds
// the answer already, or executes it and stores a complete answer (cache.go).
func (t httpTransport) cached(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, media string) {
	version := t.version(r.Context()) // pins the read model the execution reads as well
	key := cacheKey(version, media, params)
	if key == "" {
		t.execute(w, r, exec, params, media)
		return
	}
	tag := etag(key)
	h := w.Header()
	h.Add("Vary", "Authorization")
	h.Add("Vary", "Accept-Encoding") // an answer from the cache may be sent gzipped
	if ifNoneMatch(r, tag) {
		t.cache.notModified.Add(1)
		h.Set("ETag", tag)
		h.Set("Cache-Control", "public, no-cache")
		h.Set("X-Kring-Cache", "revalidated")
		recordOutcome(r.Context(), params.OperationName, "OK")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	e, ok := t.cache.get(version, key)
	leader := false
	if !ok {
		// One execution per key at a time: right after a commit, the clients asking the same
		// page wait for the first one's answer instead of all computing it (a waiter whose
		// leader's answer was not stored, or who runs out of time, executes itself).
		var wait <-chan struct{}
		if leader, wait = t.cache.flight(key); !leader {
			select {
			case <-wait:
				e, ok = t.cache.get(version, key)
			case <-r.Context().Done():
			}
		}
	}
	if ok {
		t.cache.hits.Add(1)
		h.Set("ETag", tag)
		h.Set("Cache-Control", "public, no-cache")
		h.Set("Content-Type", e.ct)
		h.Set("X-Kring-Cache", "hit")
		recordOutcome(r.Context(), e.operation, "OK")
		if gz := e.gzipped(); gz != nil && acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			_, _ = w.Write(gz)
			return
		}
		_, _ = w.Write(e.body)
		return
	}
	t.cache.misses.Add(1)
	buf := &bufferWriter{header: http.Header{}}
	storable := t.execute(buf, r, exec, params, media)
	for k, v := range buf.header {
		h[k] = append(h[k], v...)
	}
	h.Set("X-Kring-Cache", "miss")
	if storable && buf.status == http.StatusOK {
		h.Set("ETag", tag)
		h.Set("Cache-Control", "public, no-cache")
		t.cache.put(version, &cacheEntry{key: key, body: buf.body, ct: buf.header.Get("Content-Type"), operation: operationOf(r.Context())})
	}
	if leader {
		t.cache.land(key) // before the answer is written: the waiters need not wait for this client
	}
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body)
}

// execute runs a request and writes its answer. It reports whether the answer is a complete
// answer to a query without errors (the only kind the response cache keeps).
func (t httpTransport) execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, media string) bool {
	ctx := r.Context()
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		if r.Method == http.MethodGet && isNonQuery(opCtx, params.OperationName) {
			mutationOverGET(w, r, exec, opCtx, media)
			return false
		}
		// A request error: nothing was executed, so the response has no "data" entry.
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		writeResult(w, media, status, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs), false)
		return false
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		mutationOverGET(w, r, exec, opCtx, media)
		return false
	}

	if opCtx.Operation.Operation == ast.Mutation && PrincipalFrom(ctx) == nil {
		// Every mutation needs a role (@hasRole): say so before running anything.
		unauthenticated(w, r, "mutations need a bearer token with role CURATOR or ADMIN")
		return false
	}

	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil || (ctx.Err() != nil && opCtx.Operation.Operation == ast.Query) {
		// Past the deadline (or cancelled): the executor gives no response when the context
		// ended before it started, and a partial one, with resolvers' TIMEOUT errors, when it
		// ended during execution. Nothing was sent yet: 503 and code TIMEOUT, never an empty
		// reply or a 200 with holes. A mutation's answer is sent as it is: what it wrote is
		// written, and its report says so.
		writeTimeout(w, media)
		return false
	}
	writeResult(w, media, http.StatusOK, resp, true)
	return opCtx.Operation.Operation == ast.Query && len(resp.Errors) == 0 && ctx.Err() == nil
}

// writeTimeout answers a request stopped by its deadline: 503, code TIMEOUT, no data.
func writeTimeout(w http.ResponseWriter, media string) {
	writeResult(w, media, http.StatusServiceUnavailable, &graphql.Response{Errors: gqlerror.List{{
		Message:    "the request took longer than the server's time limit and was stopped",
		Extensions: map[string]any{"code": CodeTimeout},
	}}}, false)
}

// mutationOverGET answers 405: GET may only read (GraphQL over HTTP: a mutation over GET MUST
// get 405 Method Not Allowed).
func mutationOverGET(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, opCtx *graphql.OperationContext, media string) {
	w.Header().Set("Allow", "POST")
	err := httpErrorf(http.StatusMethodNotAllowed, "GET requests may only run queries: send mutations with POST")
	resp := exec.DispatchError(graphql.WithOperationContext(r.Context(), opCtx), gqlerror.List{err})
	writeResult(w, media, http.StatusMethodNotAllowed, resp, false)
}

// isNonQuery tells whether the operation a request selects is other than a query, also when the
// document failed validation (then the executor kept no parsed document, so the query, resolved
// from the persisted-query cache if need be, is parsed again; this happens only on the error path).
func isNonQuery(opCtx *graphql.OperationContext, operationName string) bool {
	if opCtx == nil {
		return false
	}
	if opCtx.Operation != nil {
		return opCtx.Operation.Operation != ast.Query
	}
	if opCtx.RawQuery == "" {
		return false
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: opCtx.RawQuery})
	if err != nil || doc == nil {
		return false
	}
	op := doc.Operations.ForName(operationName)
	return op != nil && op.Operation != ast.Query
}

// httpError is a malformed HTTP request, answered before GraphQL sees it.
type httpError struct {
	status int
	msg    string
}

func badRequest(format string, args ...any) *httpError {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// readPOST reads a JSON request body: {"query", "operationName", "variables", "extensions"}.
func readPOST(r *http.Request) (*graphql.RawParams, *httpError) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil, &httpError{http.StatusUnsupportedMediaType, "missing Content-Type: send the request as " + mediaJSON}
	}
	mt, mtParams, err := mime.ParseMediaType(ct)
	if err != nil || mt != mediaJSON {
		return nil, &httpError{http.StatusUnsupportedMediaType, fmt.Sprintf("unsupported Content-Type %q: send the request as %s", ct, mediaJSON)}
	}
	if cs, ok := mtParams["charset"]; ok && !isUTF8(cs) {
		return nil, &httpError{http.StatusUnsupportedMediaType, fmt.Sprintf("unsupported charset %q: send the request in utf-8", cs)}
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return nil, &httpError{http.StatusUnsupportedMediaType, fmt.Sprintf("unsupported Content-Encoding %q", ce)}
	}
	if r.Body == nil {
		return nil, badRequest("missing request body")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than the limit of %d bytes", mbe.Limit)}
		}
		return nil, badRequest("could not read the request body: %v", err)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, badRequest("missing request body: send a JSON object with a query")
	}
	if !utf8.Valid(body) {
		return nil, badRequest("the request body is not valid utf-8")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		if err == nil || body[0] != '{' {
			return nil, badRequest("the request body must be a JSON object with a query")
		}
		return nil, badRequest("the request body is not valid JSON: %v", err)
	}
	p := &graphql.RawParams{}
	var herr *httpError
	if p.Query, herr = jsonString(fields["query"], "query"); herr != nil {
		return nil, herr
	}
	if p.OperationName, herr = jsonString(fields["operationName"], "operationName"); herr != nil {
		return nil, herr
	}
	if p.Variables, herr = jsonObject(fields["variables"], "variables"); herr != nil {
		return nil, herr
	}
	if p.Extensions, herr = jsonObject(fields["extensions"], "extensions"); herr != nil {
		return nil, herr
	}
	return p, needQuery(p)
}

// readGET reads the URL query: query and operationName as text, variables and extensions as
// URL-encoded JSON objects.
func readGET(r *http.Request) (*graphql.RawParams, *httpError) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("malformed URL query: %v", err)
	}
	one := func(name string) (string, *httpError) {
		switch v := q[name]; len(v) {
		case 0:
			return "", nil
		case 1:
			if !utf8.ValidString(v[0]) {
				return "", badRequest("the %s parameter is not valid utf-8", name)
			}
			return v[0], nil
		default:
			return "", badRequest("the %s parameter is given %d times", name, len(v))
		}
	}
	p := &graphql.RawParams{}
	var herr *httpError
	if p.Query, herr = one("query"); herr != nil {
		return nil, herr
	}
	if p.OperationName, herr = one("operationName"); herr != nil {
		return nil, herr
	}
	for _, f := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		s, herr := one(f.name)
		if herr != nil {
			return nil, herr
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		if *f.dst, herr = jsonObject(json.RawMessage(s), f.name); herr != nil {
			return nil, herr
		}
	}
	return p, needQuery(p)
}

// needQuery rejects a request without a query, unless it names a persisted query by its hash.
func needQuery(p *graphql.RawParams) *httpError {
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return badRequest("missing query: send the GraphQL document in the query parameter")
	}
	return nil
}

// jsonString decodes an optional string parameter; null counts as absent.
func jsonString(raw json.RawMessage, name string) (string, *httpError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", badRequest("the %s parameter must be a string", name)
	}
	return s, nil
}

// jsonObject decodes an optional object parameter, with numbers kept as json.Number (as gqlgen's
// transports do); null counts as absent.
func jsonObject(raw json.RawMessage, name string) (map[string]any, *httpError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, badRequest("the %s parameter must be a JSON object", name)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, badRequest("the %s parameter is not valid JSON: %v", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest("the %s parameter has data after its JSON object", name)
	}
	return m, nil
}

func isUTF8(charset string) bool {
	return strings.EqualFold(charset, "utf-8") || strings.EqualFold(charset, "utf8")
}

// negotiate picks the response media type from the Accept header values, or "" when neither
// application/graphql-response+json nor application/json is acceptable. A missing or empty Accept
// header, and wildcards alone, give application/json (GraphQL over HTTP, as the graphql-http
// audits read it); the most specific range naming a type sets its quality (RFC 9110 §12.5.1);
// the higher quality wins; on a tie application/graphql-response+json wins when named exactly.
func negotiate(accept []string) string {
	type offer struct {
		q    float64
		spec int // -1 unmatched, 0 */*, 1 application/*, 2 exact
	}
	gr, js := offer{0, -1}, offer{0, -1}
	seen := false
	for _, h := range accept {
		for part := range strings.SplitSeq(h, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			seen = true
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
					continue
				}
			}
			if cs, ok := params["charset"]; ok && !isUTF8(cs) {
				continue
			}
			for _, o := range []struct {
				media string
				best  *offer
			}{{mediaGraphQLResponse, &gr}, {mediaJSON, &js}} {
				spec := -1
				switch mt {
				case o.media:
					spec = 2
				case "application/*":
					spec = 1
				case "*/*":
					spec = 0
				}
				if spec > o.best.spec || (spec == o.best.spec && spec >= 0 && q > o.best.q) {
					*o.best = offer{q, spec}
				}
			}
		}
	}
	if !seen {
		return mediaJSON
	}
	switch {
	case gr.q <= 0 && js.q <= 0:
		return ""
	case gr.q > js.q:
		return mediaGraphQLResponse
	case js.q > gr.q:
		return mediaJSON
	case gr.spec == 2:
		return mediaGraphQLResponse
	}
	return mediaJSON
}

// requestErrorBody is a response without "data": gqlgen's graphql.Response always writes it.
type requestErrorBody struct {
	Errors     gqlerror.List  `json:"errors"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// writeResult writes a GraphQL response; withData false leaves the "data" entry out.
func writeResult(w http.ResponseWriter, media string, status int, resp *graphql.Response, withData bool) {
	var b []byte
	var err error
	if withData {
		b, err = marshalResponse(resp)
	} else {
		b, err = json.Marshal(requestErrorBody{Errors: resp.Errors, Extensions: resp.Extensions})
	}
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(requestErrorBody{Errors: gqlerror.List{{
			Message:    "internal error",
			Extensions: map[string]any{"code": CodeInternal},
		}}})
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// marshalResponse encodes a response as json.Marshal does, except that the data, which gqlgen
// has already written as compact JSON, is only HTML-escaped (as json.Marshal does) rather than
// parsed and re-encoded: a large matrix is megabytes of it.
func marshalResponse(resp *graphql.Response) ([]byte, error) {
	if resp.Label != "" || len(resp.Path) > 0 || resp.HasNext != nil {
		return json.Marshal(resp)
	}
	b := make([]byte, 0, len(resp.Data)+64)
	b = append(b, '{')
	if len(resp.Errors) > 0 {
		e, err := json.Marshal(resp.Errors)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `"errors":`...), e...)
		b = append(b, ',')
	}
	b = append(b, `"data":`...)
	if len(resp.Data) == 0 {
		b = append(b, "null"...)
	} else {
		buf := bytes.NewBuffer(b)
		json.HTMLEscape(buf, resp.Data)
		b = buf.Bytes()
	}
	if len(resp.Extensions) > 0 {
		e, err := json.Marshal(resp.Extensions)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"extensions":`...), e...)
	}
	return append(b, '}'), nil
}

// httpReasons are the extensions.reason of errors about the HTTP request itself.
var httpReasons = map[int]string{
	http.StatusBadRequest:            "BAD_REQUEST",
	http.StatusMethodNotAllowed:      "METHOD_NOT_ALLOWED",
	http.StatusNotAcceptable:         "NOT_ACCEPTABLE",
	http.StatusRequestEntityTooLarge: "REQUEST_TOO_LARGE",
	http.StatusUnsupportedMediaType:  "UNSUPPORTED_MEDIA_TYPE",
}

// httpErrorf is the GraphQL error for a malformed HTTP request answered with status.
func httpErrorf(status int, format string, args ...any) *gqlerror.Error {
	reason, ok := httpReasons[status]
	if !ok {
		reason = "BAD_REQUEST"
	}
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": CodeBadUserInput, "reason": reason},
	}
}

// writeHTTPError answers a malformed HTTP request.
func writeHTTPError(w http.ResponseWriter, media string, status int, format string, args ...any) {
	writeResult(w, media, status, &graphql.Response{Errors: gqlerror.List{httpErrorf(status, format, args...)}}, false)
}

// uploadTransport is gqlgen's multipart transport (file uploads), with a TIMEOUT error instead
// of the JSON null gqlgen writes when the request's deadline passed before execution began.
type uploadTransport struct{ transport.MultipartForm }

func (u uploadTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	u.MultipartForm.Do(w, r, timeoutExecutor{exec})
}

type timeoutExecutor struct{ graphql.GraphExecutor }

func (e timeoutExecutor) DispatchOperation(ctx context.Context, oc *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	next, ctx := e.GraphExecutor.DispatchOperation(ctx, oc)
	return func(ctx context.Context) *graphql.Response {
		if resp := next(ctx); resp != nil {
			return resp
		}
		return &graphql.Response{Errors: gqlerror.List{{
			Message:    "the request took longer than the server's time limit and was stopped",
			Extensions: map[string]any{"code": CodeTimeout},
		}}}
	}, ctx
}
