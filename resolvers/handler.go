package resolvers

import (
	"context"
	"mime"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"kring/loaders"
)

// Options configure the GraphQL handler.
type Options struct {
	Limits       Limits
	MaxBodyBytes int64         // request body limit; 1 MiB when 0
	Timeout      time.Duration // per request; 15 s when 0
	// LoaderWait is the dataloaders' batching window (loaders.DefaultWait when 0).
	LoaderWait time.Duration
	// Tokens may call mutations (by role); without tokens the API is read-only.
	Tokens []Token

	// Metrics, when set, count and time every request (NewMetrics; served at /metrics).
	Metrics *Metrics

	// MaxUploadBytes limits multipart requests (file uploads to loadBatch, authenticated
	// only); 32 MiB when 0. Every other request is held to MaxBodyBytes.
	MaxUploadBytes int64

	// ResponseCacheBytes bounds the response cache of anonymous query answers (cache.go);
	// 64 MiB when 0, no cache when negative.
	ResponseCacheBytes int
}

// NewHandler returns the GraphQL endpoint: GET and POST transports, automatic persisted
// queries, depth/alias/complexity limits, a body-size limit, a per-request timeout, one error
// presenter, and fresh dataloaders per request.
func NewHandler(r *Resolver, o Options) http.Handler {
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.Limits.MaxQueryBytes == 0 || o.Limits.MaxQueryBytes > int(o.MaxBodyBytes) {
		o.Limits.MaxQueryBytes = int(o.MaxBodyBytes) // also for the operations of a multipart body
	}
	if o.Timeout == 0 {
		o.Timeout = 15 * time.Second
	}
	if o.MaxUploadBytes == 0 {
		o.MaxUploadBytes = 32 << 20
	}
	cfg := Config{Resolvers: r}
	cfg.Directives.HasRole = hasRole
	cfg.Directives.AsOf = r.asOf // release_helpers.go
	complexity(&cfg.Complexity, r.store)
	srv := handler.New(NewExecutableSchema(cfg))
	// File uploads (loadBatch, load.graphqls) first: httpTransport takes every other request. The
	// whole upload may sit in memory (MaxMemory = MaxUploadSize): nothing spills to temp files.
	srv.AddTransport(uploadTransport{transport.MultipartForm{MaxUploadSize: o.MaxUploadBytes, MaxMemory: o.MaxUploadBytes}})
	if o.ResponseCacheBytes == 0 {
		o.ResponseCacheBytes = defaultCacheBytes
	}
	store := r.store
	cache := newResponseCache(o.ResponseCacheBytes, store.StateToken)
	o.Metrics.registerCache(cache)
	srv.AddTransport(httpTransport{cache: cache, version: store.Version}) // GET and POST per GraphQL over HTTP (transport.go); 405 for the rest
	srv.AddTransport(transport.Options{})                                 // OPTIONS
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(limitsExt{o.Limits})                                     // after APQ: it measures the query text APQ resolved
	srv.Use(&costExt{limit: o.Limits.MaxComplexity, store: r.store}) // gqlgen's estimate, matrices counted (cost.go)
	srv.Use(outcomeExt{})                                            // the outcome code, for Metrics
	srv.Use(asOfParamExt{})                                          // no mutation under ?asOf= (release_helpers.go)
	srv.Use(stateExt{r.store})                                       // a mutation's resulting state token (replica.go)
	srv.SetErrorPresenter(presenter(r.log))
	srv.SetRecoverFunc(recoverFunc(r.log))

	var h http.Handler = srv
	h = loaders.Middleware(r.store, o.LoaderWait, h)
	return o.Metrics.wrap(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		// Who is asking comes first: a bad token, and an upload without a token, are refused
		// before a byte of the body is read (no form can post files across sites either).
		p, ok := authenticate(o.Tokens, req.Header.Get("Authorization"))
		if !ok {
			unauthenticated(w, req, "invalid or unknown bearer token")
			return
		}
		ctx := req.Context()
		if p != nil {
			ctx = context.WithValue(ctx, principalKey{}, p)
		}
		limit := o.MaxBodyBytes
		if isMultipart(req) && req.Method == http.MethodPost {
			if p == nil {
				unauthenticated(w, req, "multipart requests (file uploads to loadBatch) need a bearer token")
				return
			}
			limit = o.MaxUploadBytes // uploads: the multipart transport enforces the same limit
			ctx = context.WithValue(ctx, uploadKey{}, true)
		}
		if req.ContentLength > limit {
			// As httpTransport answers a large body (gqlgen's transport would say 200).
			writeHTTPError(w, responseMedia(req), http.StatusRequestEntityTooLarge, "the request body is larger than the limit of %d bytes", limit)
			return
		}
		// Read-your-writes (replica.go): wait for the state asked for, report a mutation's.
		if !waitMinState(w, req, store) {
			return
		}
		sh := &stateHolder{}
		ctx = context.WithValue(ctx, stateKey{}, sh)
		w = &stateWriter{ResponseWriter: w, h: sh}
		ctx, cancel := context.WithTimeout(ctx, o.Timeout)
		defer cancel()
		ctx = store.Pin(ctx) // one read-model version for the whole request
		if rel := req.URL.Query().Get("asOf"); rel != "" {
			// The whole request as of a release (as the @asOf directive does for one operation).
			var err error
			if ctx, err = store.PinRelease(ctx, rel); err != nil {
				code, msg := classify(err)
				status := http.StatusBadRequest
				if code == CodeNotFound {
					status = http.StatusNotFound
				}
				writeResult(w, responseMedia(req), status, &graphql.Response{Errors: gqlerror.List{{
					Message: msg, Extensions: map[string]any{"code": code}}}}, false)
				return
			}
		}
		req.Body = http.MaxBytesReader(w, req.Body, limit)
		h.ServeHTTP(w, req.WithContext(ctx))
	}))
}

// uploadKey marks a request that may carry a large multipart body (an authenticated upload).
type uploadKey struct{}

func isUpload(ctx context.Context) bool { b, _ := ctx.Value(uploadKey{}).(bool); return b }

// isMultipart reports whether a request is a multipart form (a file upload).
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}
