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
