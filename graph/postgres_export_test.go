package graph

import (
	"sync"
	"testing"
)

// BlockWritesForTest makes every write wait, once its quads are ready and the writer lock is
// held, until release is called; entered receives a value each time a write gets there.
func BlockWritesForTest(tb testing.TB) (entered <-chan struct{}, release func()) {
	in := make(chan struct{}, 16)
	gate := make(chan struct{})
	var once sync.Once
	writeHook = func(old, nx *index, adds, removes []qt) {
		in <- struct{}{}
		<-gate
	}
	release = func() { once.Do(func() { close(gate) }) }
	tb.Cleanup(func() { release(); writeHook = nil })
	return in, release
}
