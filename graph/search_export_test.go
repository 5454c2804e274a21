package graph

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
)

// Hooks for the external tests (package graph_test) of search.

// RebuildSearchForTest builds a fresh in-memory search index from the store's current read
// model and throws it away, so that benchmarks can time a full build.
func RebuildSearchForTest(tb testing.TB, s *Store) {
	tb.Helper()
	si, err := openSearch(context.Background(), "", s.idx.Load(), s.token, s.log, nil)
	if err != nil {
		tb.Fatal(err)
	}
	si.close()
}

// SearchDocsForTest derives every search document of the store's current read model, as a
// rebuild does, so that benchmarks can time it.
func SearchDocsForTest(s *Store) int { return len(s.idx.Load().searchDocs()) }

// WatchSearchDocsForTest checks, on every write until the test ends, that each node whose search
// document the write changed (derived in full before and after) is among the documents the
// incremental update re-derives. The returned function lists the misses.
func WatchSearchDocsForTest(tb testing.TB) func() []string {
	var missed []string
	writeHook = func(old, nx *index, adds, removes []qt) {
		before, after := old.searchDocs(), nx.searchDocs()
		affected := affectedDocs(old, nx, adds, removes)
		for id, d := range after {
			if b, ok := before[id]; (!ok || !reflect.DeepEqual(b, d)) && !affected[id] {
				missed = append(missed, "changed: "+id)
			}
		}
		for id := range before {
			if _, ok := after[id]; !ok && !affected[id] {
				missed = append(missed, "removed: "+id)
			}
		}
	}
	tb.Cleanup(func() { writeHook = nil })
	return func() []string {
		sort.Strings(missed)
		return missed
	}
}

// failingWriter is a quad writer whose transactions fail.
type failingWriter struct{ cgraph.QuadWriter }

func (failingWriter) ApplyTransaction(*cgraph.Transaction) error {
	return errors.New("injected commit failure")
}

// FailCommitsForTest makes the store's Cayley commits fail until the returned function is
// called.
func FailCommitsForTest(s *Store) (restore func()) {
	w := s.h.QuadWriter
	s.h.QuadWriter = failingWriter{w}
	return func() { s.h.QuadWriter = w }
}

// SynonymsOfForTest exposes the query expansion (search_synonyms.go).
func SynonymsOfForTest(text string) []string { return synonymsOf(text) }
