package resolvers

import (
	"context"
	"mime"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

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

	// MaxUploadBytes limits multipart requests (file uploads to loadBatch); 32 MiB when 0.
	MaxUploadBytes int64
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
	if o.Timeout == 0 {
		o.Timeout = 15 * time.Second
	}
	if o.MaxUploadBytes == 0 {
		o.MaxUploadBytes = 32 << 20
	}
	cfg := Config{Resolvers: r}
	cfg.Directives.HasRole = hasRole
	complexity(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))
	// File uploads (loadBatch, load.graphqls) first: httpTransport takes every other request. The
	// whole upload may sit in memory (MaxMemory = MaxUploadSize): nothing spills to temp files.
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: o.MaxUploadBytes, MaxMemory: o.MaxUploadBytes})
	srv.AddTransport(httpTransport{})     // GET and POST per GraphQL over HTTP (transport.go); 405 for the rest
	srv.AddTransport(transport.Options{}) // OPTIONS
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(limitsExt{o.Limits})
	srv.Use(extension.FixedComplexityLimit(o.Limits.MaxComplexity))
	srv.SetErrorPresenter(presenter(r.log))
	srv.SetRecoverFunc(recoverFunc(r.log))

	var h http.Handler = srv
	h = loaders.Middleware(r.store, o.LoaderWait, h)
	h = authMiddleware(o.Tokens, h)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), o.Timeout)
		defer cancel()
		limit := o.MaxBodyBytes
		if isMultipart(req) {
			limit = o.MaxUploadBytes // uploads: the multipart transport enforces the same limit
			if req.ContentLength > limit {
				// As httpTransport answers a large body (gqlgen's transport would say 200).
				writeHTTPError(w, mediaJSON, http.StatusRequestEntityTooLarge, "the request body is larger than the limit of %d bytes", limit)
				return
			}
		}
		req.Body = http.MaxBytesReader(w, req.Body, limit)
		h.ServeHTTP(w, req.WithContext(ctx))
	})
}

// isMultipart reports whether a request is a multipart form (a file upload).
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}
