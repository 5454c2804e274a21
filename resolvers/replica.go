package resolvers

// Read-your-writes across replicas (issue 14): a mutation's answer carries the state token of
// the store after it (extension stateToken and the header Kring-State); a request that sends a
// token in Kring-Min-State is answered once the serving replica's read model is at that state
// or a later one, or, after MinStateWait, with 503 and code UNAVAILABLE.

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"kring/graph"
)

// Header names of read-your-writes.
const (
	HeaderState    = "Kring-State"     // response: the store's state after a mutation
	HeaderMinState = "Kring-Min-State" // request: answer from this state or a later one
)

// MinStateWait bounds how long a request with Kring-Min-State waits for its replica.
const MinStateWait = 2 * time.Second

// stateHolder carries a mutation's resulting state token from the response interceptor to the
// response header.
type stateHolder struct {
	mu    sync.Mutex
	token string
}

type stateKey struct{}

// stateExt adds the state token to every mutation's answer.
type stateExt struct{ store *graph.Store }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = stateExt{}

func (stateExt) ExtensionName() string                   { return "KringState" }
func (stateExt) Validate(graphql.ExecutableSchema) error { return nil }

func (e stateExt) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation || len(resp.Data) == 0 || string(resp.Data) == "null" {
		return resp // not a mutation, or one refused before it ran (a GET mutation: 405)
	}
	tok := e.store.StateToken()
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["stateToken"] = tok
	if h, ok := ctx.Value(stateKey{}).(*stateHolder); ok {
		h.mu.Lock()
		h.token = tok
		h.mu.Unlock()
	}
	return resp
}

// stateWriter sets Kring-State before the answer's first byte when a mutation produced one.
type stateWriter struct {
	http.ResponseWriter
	h      *stateHolder
	headed bool
}

func (w *stateWriter) head() {
	if w.headed {
		return
	}
	w.headed = true
	w.h.mu.Lock()
	tok := w.h.token
	w.h.mu.Unlock()
	if tok != "" {
		w.Header().Set(HeaderState, tok)
	}
}

func (w *stateWriter) WriteHeader(code int) { w.head(); w.ResponseWriter.WriteHeader(code) }

func (w *stateWriter) Write(b []byte) (int, error) { w.head(); return w.ResponseWriter.Write(b) }

func (w *stateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// waitMinState waits for the state a request asks for (Kring-Min-State); false when it
// answered 503 itself.
func waitMinState(w http.ResponseWriter, req *http.Request, store *graph.Store) bool {
	min := req.Header.Get(HeaderMinState)
	if min == "" {
		return true
	}
	ctx, cancel := context.WithTimeout(req.Context(), MinStateWait)
	defer cancel()
	if err := store.WaitFor(ctx, min); err != nil {
		w.Header().Set("Retry-After", "1")
		writeResult(w, responseMedia(req), http.StatusServiceUnavailable, &graphql.Response{Errors: gqlerror.List{{
			Message: "Deze server heeft de gevraagde toestand van de kennisgraaf nog niet bereikt; probeer zo meteen opnieuw. / " +
				"This replica has not caught up with the requested state (" + HeaderMinState + ") within " + MinStateWait.String() + "; try again shortly.",
			Extensions: map[string]any{"code": CodeUnavailable},
		}}}, false)
		return false
	}
	return true
}
