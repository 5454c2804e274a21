package graph

import (
	"testing"
	"time"
)

// CrashForTest stops the store as kill -9 would, as far as its files go: no snapshot is
// written, the quad store and the search index are closed where they stand (each commit is
// on disk already). The store is unusable afterwards.
func CrashForTest(s *Store) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed.Store(true)
	s.snap.stop()
	s.search.close()
	if s.h != nil {
		s.h.Close()
	}
	// The kernel drops a killed process's flock; its owner record stays behind.
	if s.lock != nil && s.lock.f != nil {
		s.lock.f.Close()
		s.lock.f = nil
	}
}

// WaitSnapshotForTest waits until the background snapshot holds the store's current state.
func WaitSnapshotForTest(tb testing.TB, s *Store) {
	tb.Helper()
	want := StateTokenForTest(s)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		s.snap.mu.Lock()
		got := s.snap.token
		s.snap.mu.Unlock()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no background snapshot of state %s (the file holds %q)", want, got)
		}
	}
}

// WaitSnapshotAttemptForTest waits until the store has tried to write n snapshots.
func WaitSnapshotAttemptForTest(tb testing.TB, s *Store, n int64) {
	tb.Helper()
	for deadline := time.Now().Add(30 * time.Second); s.snap.attempts.Load() < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("%d snapshot attempts; want %d", s.snap.attempts.Load(), n)
		}
	}
}

// SnapshotAttemptsForTest is how many snapshot writes the store has tried.
func SnapshotAttemptsForTest(s *Store) int64 { return s.snap.attempts.Load() }

// StateTokenForTest is the store's state token.
func StateTokenForTest(s *Store) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// OnWriteLockForTest calls fn in every write just before it takes the writer's lock, until the
// test ends.
func OnWriteLockForTest(tb testing.TB, fn func()) {
	lockHook = fn
	tb.Cleanup(func() { lockHook = nil })
}

// ChunkQuadsForTest makes writes of more than n new quads chunked (chunked.go), n quads a
// transaction, until the test ends.
func ChunkQuadsForTest(tb testing.TB, n int) {
	old := chunkQuads
	chunkQuads = n
	tb.Cleanup(func() { chunkQuads = old })
}

// OnChunkForTest calls fn after each chunk k (from 1) but the last of a chunked write commits;
// when fn returns true the write stops there as a crash would, until the test ends.
func OnChunkForTest(tb testing.TB, fn func(k int) bool) {
	chunkHook = fn
	tb.Cleanup(func() { chunkHook = nil })
}
