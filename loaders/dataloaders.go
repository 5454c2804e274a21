package loaders

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"kring/graph"
)

// Loaders batches the store reads of one request: every relation in the API is a list of ids,
// and all ids asked for in one tick are fetched with one Store.Nodes call.
type Loaders struct {
	node *dataloadgen.Loader[string, graph.Node]
}

// DefaultWait is how long a loader collects ids before it reads them in one batch.
const DefaultWait = time.Millisecond

// New returns fresh loaders over st; make one per request. wait is the batching window
// (DefaultWait when 0): ids asked for within it are read together.
func New(st *graph.Store, wait time.Duration) *Loaders {
	if wait <= 0 {
		wait = DefaultWait
	}
	return &Loaders{node: dataloadgen.NewLoader(st.Nodes, dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(1000))}
}

type ctxKey struct{}

// Middleware puts fresh loaders into each request's context.
func Middleware(st *graph.Store, wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithLoaders(r.Context(), New(st, wait))))
	})
}

// WithLoaders returns ctx carrying l.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of the request; it panics when Middleware was not installed, which
// is a wiring bug.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loaders: no loaders in context (is loaders.Middleware installed?)")
	}
	return l
}

// One loads the node with id as a T; ErrNotFound when it is missing or of another type.
func One[T graph.Node](ctx context.Context, id string) (T, error) {
	var zero T
	n, err := For(ctx).node.Load(ctx, id)
	if err != nil {
		return zero, err
	}
	t, ok := n.(T)
	if !ok {
		return zero, fmt.Errorf("loaders: %q is a %s: %w", id, n.NodeType(), graph.ErrNotFound)
	}
	return t, nil
}

// All loads the nodes with ids as Ts, in order. Ids that are missing or of another type are
// skipped: relations are read from the same snapshot, so this only happens for edges whose
// target was removed in between.
func All[T graph.Node](ctx context.Context, ids []string) ([]T, error) {
	out := make([]T, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	nodes, err := For(ctx).node.LoadAll(ctx, ids)
	if err != nil {
		var es dataloadgen.ErrorSlice
		if !errors.As(err, &es) {
			return nil, err
		}
		for _, e := range es {
			if e != nil && !errors.Is(e, graph.ErrNotFound) {
				return nil, e
			}
		}
	}
	for _, n := range nodes {
		if t, ok := n.(T); ok {
			out = append(out, t)
		}
	}
	return out, nil
}
