package resolvers

import (
	"context"
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
	cfg := Config{Resolvers: r}
	cfg.Directives.HasRole = hasRole
	complexity(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))
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
		req.Body = http.MaxBytesReader(w, req.Body, o.MaxBodyBytes)
		h.ServeHTTP(w, req.WithContext(ctx))
	})
}
