package graph

import (
	"sync/atomic"
	"time"
)

// Stats are figures about a store for monitoring (/metrics).
type Stats struct {
	Quads int // stored quads, the state token left out
	// Generation counts the read models built since Open: 1 after Open, +1 per written batch
	// (the read model's version).
	Generation uint64
	// LastBuild is how long the last read model took to build: at Open (from the snapshot or
	// every quad), or derived from the one before by a write.
	LastBuild time.Duration
	// Batches written since Open (loads and rollbacks that changed something), the total time
	// their writes took (the Cayley transaction with the next read model and search index
	// derived meanwhile) and the last one's.
	Batches       uint64
	BatchTotal    time.Duration
	LastBatch     time.Duration
	FromSnapshot  bool // the read model at Open came from the start-up snapshot
	SearchRebuilt bool // the search index was rebuilt at Open
}

// storeStats are the counters behind Stats, updated by Open and write.
type storeStats struct {
	generation, batches              atomic.Uint64
	lastBuild, batchTotal, lastBatch atomic.Int64 // nanoseconds
}

func (st *storeStats) noteBuild(d time.Duration) {
	st.generation.Add(1)
	st.lastBuild.Store(int64(d))
}

func (st *storeStats) noteBatch(d time.Duration) {
	st.batches.Add(1)
	st.batchTotal.Add(int64(d))
	st.lastBatch.Store(int64(d))
}

// Stats returns the store's figures now.
func (s *Store) Stats() Stats {
	st := &s.stats
	return Stats{
		Quads:         s.QuadCount(),
		Generation:    st.generation.Load(),
		LastBuild:     time.Duration(st.lastBuild.Load()),
		Batches:       st.batches.Load(),
		BatchTotal:    time.Duration(st.batchTotal.Load()),
		LastBatch:     time.Duration(st.lastBatch.Load()),
		FromSnapshot:  s.info.FromSnapshot,
		SearchRebuilt: s.search != nil && s.search.rebuilt,
	}
}
