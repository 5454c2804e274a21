package graph

import (
	"context"
	"sync"
)

// pinKey carries a request's pinned read model (see Pin).
type pinKey struct{}

// pin holds the read model a request reads: the current one when the request first reads.
type pin struct {
	once sync.Once
	ix   *index
}

// Pin returns ctx under which every read of s sees one read-model version: the one current at
// the first read made with ctx (or a context derived from it). A batch that commits meanwhile
// is seen by the next request, never halfway through this one. Writes are not affected.
func (s *Store) Pin(ctx context.Context) context.Context {
	if p, ok := ctx.Value(pinKey{}).(*pin); ok && p != nil {
		return ctx
	}
	return context.WithValue(ctx, pinKey{}, &pin{})
}

// pinned returns the read model ctx is pinned to, fixing it now when this is the first read.
func (s *Store) pinned(ctx context.Context) *index {
	p, ok := ctx.Value(pinKey{}).(*pin)
	if !ok || p == nil {
		return s.idx.Load()
	}
	p.once.Do(func() { p.ix = s.idx.Load() })
	return p.ix
}

// Version names the read model ctx is pinned to (fixing the pin now when this is its first
// read): the store's state token, rewritten by every write. Two reads with the same version see
// the same content, on any process serving the same store; "" is an empty store never written.
func (s *Store) Version(ctx context.Context) string { return s.pinned(ctx).token }
