package graph

import (
	"sync"
	"testing"
)

// SetCommitLogKeepForTest makes the commit log keep n commits until the test ends.
func SetCommitLogKeepForTest(tb testing.TB, n int64) {
	old := commitLogKeep
	commitLogKeep = n
	tb.Cleanup(func() { commitLogKeep = old })
}

// CommitLogLenForTest is how many commits the store's commit log holds, as the store knows it.
func (s *Store) CommitLogLenForTest() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.plog)
}

// BlockFollowingForTest holds every follower before it catches up, until release.
func BlockFollowingForTest(tb testing.TB) (release func()) {
	gate := make(chan struct{})
	var once sync.Once
	followHook = func() { <-gate }
	release = func() { once.Do(func() { close(gate) }) }
	tb.Cleanup(func() { release(); followHook = nil })
	return release
}
