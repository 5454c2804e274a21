// Package graphtest has helpers for tests that need a real store.
package graphtest

import (
	"context"
	"testing"

	"kring/graph"
)

// NewMemory returns an empty memstore-backed store, closed when the test ends.
func NewMemory(tb testing.TB) *graph.Store {
	tb.Helper()
	st, err := graph.Open(context.Background(), graph.Config{Backend: graph.BackendMemory})
	if err != nil {
		tb.Fatalf("open memory store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// NewBolt returns an empty bolt-backed store in a temporary directory, closed when the test
// ends; it also returns the directory, so that a test can reopen it.
func NewBolt(tb testing.TB) (*graph.Store, string) {
	tb.Helper()
	dir := tb.TempDir()
	st, err := graph.Open(context.Background(), graph.Config{Backend: graph.BackendBolt, Path: dir})
	if err != nil {
		tb.Fatalf("open bolt store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st, dir
}

// Node builds a NodeSpec from alternating field names and values.
func Node(t graph.NodeType, id string, kv ...any) graph.NodeSpec {
	n := graph.NodeSpec{Type: t, ID: id, Pos: graph.Pos{File: "test", Line: 1}}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Fields = append(n.Fields, graph.FieldValue{Name: kv[i].(string), Value: kv[i+1], Pos: graph.Pos{File: "test", Line: 1}})
	}
	return n
}

// MustApply applies a changeset and fails the test on error.
func MustApply(tb testing.TB, st *graph.Store, cs *graph.Changeset) *graph.Report {
	tb.Helper()
	rep, err := st.Apply(context.Background(), cs, false)
	if err != nil {
		tb.Fatalf("Apply(%s): %v", cs.BatchID, err)
	}
	return rep
}

// Backend is one of the quad stores the conformance suite runs against.
type Backend struct {
	Name string
	// Config returns the configuration of a new, empty store of this backend (its own
	// temporary directory; for postgres its own schema, dropped when the test ends): open it,
	// close it and open it again to test a restart.
	Config func(tb testing.TB) graph.Config
}

// New opens a new, empty store of the backend, closed when the test ends.
func (b Backend) New(tb testing.TB) *graph.Store {
	tb.Helper()
	st, _ := b.Open(tb)
	return st
}

// Open opens a new, empty store of the backend, closed when the test ends, and returns the
// configuration that opens it again.
func (b Backend) Open(tb testing.TB) (*graph.Store, graph.Config) {
	tb.Helper()
	cfg := b.Config(tb)
	st, err := graph.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open %s store: %v", b.Name, err)
	}
	tb.Cleanup(func() { st.Close() })
	return st, cfg
}

// Backends are memstore, bolt and PostgreSQL (postgres.go: skipped when no server answers and
// KRING_TEST_POSTGRES is unset).
var Backends = []Backend{
	{"memstore", func(tb testing.TB) graph.Config { return graph.Config{Backend: graph.BackendMemory} }},
	{"bolt", func(tb testing.TB) graph.Config {
		return graph.Config{Backend: graph.BackendBolt, Path: tb.TempDir()}
	}},
	{"postgres", PostgresConfig},
}

// ForEachBackend runs f as a subtest per backend.
func ForEachBackend(t *testing.T, f func(t *testing.T, b Backend)) {
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}

// Persistent are the backends whose stores survive a restart (bolt and postgres).
func Persistent(t *testing.T, f func(t *testing.T, b Backend)) {
	for _, b := range Backends[1:] {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}
