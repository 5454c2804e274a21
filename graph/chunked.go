package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/cayleygraph/cayley"
	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// Chunked writes. A big new batch (a batch label with no quads in the store yet, quads only
// added) is written to the bolt quad store in several Cayley transactions of at most
// chunkQuads quads each, rather than in one: Cayley's and bbolt's transaction state (dirty
// pages, node maps) is then bounded by the chunk, not by the batch (a 100,000-entry BibTeX
// file is 940,000 quads in one batch).
//
// All or nothing still holds:
//   - the first transaction adds a writing marker for the batch (writingIRI writingPred <batch>,
//     in writingLabel) with the first chunk; the middle ones add chunks; the last adds the last
//     chunk, removes the marker and swaps the state token. The token (what the start-up
//     snapshot and the search index are keyed on) therefore changes only with the last commit.
//   - readers never see a partial batch: the read model is swapped after the last commit.
//   - a batch that has a marker in the quad store was cut short (a crash, a failed commit): its
//     quads are removed (in chunks too, the marker with the last) on Open and before the next
//     write or Verify (cleanIncomplete). Until then the read model skips them (a read-only
//     store, which cannot clean, never shows them either).
//
// A failed chunk commit leaves the read model as it was; the search index is put back as for
// any failed write, and what earlier chunks committed is removed at once, or, when that fails
// too (the disk is still full), before the next write.

// chunkQuads is the largest number of quads one Cayley transaction of a chunked write holds;
// writes of more new quads are chunked.
var chunkQuads = 100_000

// The writing marker of a chunked write (see above).
var (
	writingIRI   = quad.IRI(prefix + "writing")
	writingPred  = quad.IRI(prefix + "writingBatch")
	writingLabel = quad.IRI(prefix + "writing")
)

func writingQuad(label quad.IRI) quad.Quad {
	return quad.Quad{Subject: writingIRI, Predicate: writingPred, Object: label, Label: writingLabel}
}

// chunkHook, when set (by tests), is called after chunk k (from 1) of a chunked write has
// committed; when it returns true the write stops there as a crash would (nothing put back).
var chunkHook func(k int) bool

// errStoppedForTest is what a write stopped by chunkHook returns.
var errStoppedForTest = errors.New("graph: write stopped after a chunk (test)")

// chunkable reports the label of a write that is written in chunks: bolt only, no removes,
// more than chunkQuads adds, all of one label that holds no stored quads yet. Writer only.
func (s *Store) chunkable(adds, removes []qt) (uint32, bool) {
	if s.path == "" || len(removes) > 0 || len(adds) <= chunkQuads {
		return 0, false
	}
	l := adds[0][3]
	if len(s.labels[l]) > 0 {
		return 0, false
	}
	for _, q := range adds {
		if q[3] != l {
			return 0, false
		}
	}
	return l, true
}

// writeChunked writes adds (all of label l, new) in chunks, the state token swapped from the
// store's to token by the last. It returns how many chunks committed (more than 0 with an
// error: the quad store holds a marked, partial batch).
func (s *Store) writeChunked(l uint32, adds []qt, addQuads []quad.Quad, token string) (int, error) {
	label := quad.IRI(s.t.iri(l))
	committed := 0
	for start := 0; start < len(adds); start += chunkQuads {
		end := min(start+chunkQuads, len(adds))
		first, last := start == 0, end == len(adds)
		tx := &cgraph.Transaction{Deltas: make([]cgraph.Delta, 0, end-start+4)}
		if first {
			tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: writingQuad(label), Action: cgraph.Add})
		}
		for i := start; i < end; i++ {
			var q quad.Quad
			if addQuads != nil {
				q = addQuads[i]
			} else {
				q = s.t.quadOf(adds[i])
			}
			tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: q, Action: cgraph.Add})
		}
		if last {
			tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: writingQuad(label), Action: cgraph.Delete})
			if s.token != "" {
				tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: tokenQuad(s.token), Action: cgraph.Delete})
			}
			tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: tokenQuad(token), Action: cgraph.Add})
		}
		if err := s.applyTx(tx); err != nil {
			return committed, err
		}
		committed++
		if !last {
			// What the chunk's transaction held is garbage now: returned before the next chunk,
			// so that the chunks' transients do not pile up to the GC's target (peak RSS of a
			// 940,000-quad batch 1.07 GB without, the heap growing chunk by chunk).
			dropMapped(boltOf(s.path))
			debug.FreeOSMemory()
		}
		if !last && chunkHook != nil && chunkHook(committed) {
			return committed, errStoppedForTest
		}
	}
	return committed, nil
}

// readIncomplete returns the batches the quad store holds a writing marker for.
func (s *Store) readIncomplete(ctx context.Context) (map[quad.Value]bool, error) {
	out := map[quad.Value]bool{}
	err := cayley.StartPath(s.h, writingIRI).Out(writingPred).Iterate(ctx).EachValue(nil, func(v quad.Value) error {
		out[v] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: read writing markers: %w", err)
	}
	return out, nil
}

// cleanIncomplete removes from the quad store every batch cut short in a chunked write (its
// quads and its marker), when there may be one (s.incomplete). Writer only (or Open).
func (s *Store) cleanIncomplete(ctx context.Context) error {
	if !s.incomplete || s.readOnly {
		return nil
	}
	if err := s.quadsReady(); err != nil {
		return err
	}
	labels, err := s.readIncomplete(ctx)
	if err != nil {
		return err
	}
	if len(labels) > 0 {
		if err := s.removeLabels(ctx, labels); err != nil {
			err = storageError("removing an incomplete write from the quad store", err)
			s.log.Error("quad store: an incomplete write is left; removed before the next write", "err", err, "cause", errors.Unwrap(err))
			s.reopenQuads() // a failed commit leaves Cayley's caches wrong
			return err
		}
		s.log.Info("quad store: incomplete write removed", "batches", len(labels))
	}
	s.incomplete, s.skip = false, nil
	return nil
}

// removeLabels removes every quad of the given labels, in transactions of chunkQuads, and
// their markers with the last.
func (s *Store) removeLabels(ctx context.Context, labels map[quad.Value]bool) error {
	var gone []quad.Quad
	seen := map[quad.Quad]bool{} // a quad read twice (Cayley #675) is deleted once
	r := cgraph.NewQuadStoreReader(s.h.QuadStore)
	for {
		q, err := r.ReadQuad()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.Close()
			return fmt.Errorf("graph: read quads: %w", err)
		}
		if labels[q.Label] && !seen[q] {
			seen[q] = true
			gone = append(gone, q)
		}
	}
	r.Close()
	seen = nil
	for start := 0; ; start += chunkQuads {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+chunkQuads, len(gone))
		tx := &cgraph.Transaction{Deltas: make([]cgraph.Delta, 0, end-start+len(labels))}
		for _, q := range gone[start:end] {
			tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: q, Action: cgraph.Delete})
		}
		last := end == len(gone)
		if last {
			for l := range labels {
				if iri, ok := l.(quad.IRI); ok {
					tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: writingQuad(iri), Action: cgraph.Delete})
				}
			}
		}
		if err := s.applyTx(tx); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}
