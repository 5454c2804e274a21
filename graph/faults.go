package graph

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/blevesearch/bleve/v2"
	"github.com/cayleygraph/cayley"
	cgraph "github.com/cayleygraph/cayley/graph"
	ckv "github.com/cayleygraph/cayley/graph/kv"
	hkv "github.com/hidal-go/hidalgo/kv"
)

// Faults injects write errors into a store (Config.Faults), for tests of how storage faults
// are handled; nil in production. Each layer fails where the real one fails, with the error
// wrapped as the real one returns it:
//
//   - FaultQuads: the commit of Cayley's bbolt transaction (rolled back, the write error
//     returned, as bbolt does); for the memory backend, the transaction before it is applied.
//   - FaultSearch: the batches of the on-disk bleve index fail as scorch's do when persisting
//     the new segment fails: the error comes back as text, the index on disk keeps its state,
//     and the disk reports no free space while the fault is ENOSPC. (What scorch also does
//     then, closing a segment that its in-memory index still holds, is not simulated: the
//     tests reproduce it with a real persister failure.)
//   - FaultSnapshot: the writes to the start-up snapshot's temp file (SnapshotBytes are
//     written, then the write fails).
type Faults struct {
	mu     sync.Mutex
	layers map[string]error
	// SnapshotBytes is how much of a snapshot is written before its write fails.
	SnapshotBytes int
}

// Fault layers.
const (
	FaultQuads    = "quads"
	FaultSearch   = "search"
	FaultSnapshot = "snapshot"
)

// Set makes the layer's writes fail with errno (syscall.ENOSPC, syscall.EIO, …); nil clears.
func (f *Faults) Set(layer string, errno error) {
	switch layer {
	case FaultQuads, FaultSearch, FaultSnapshot:
	default:
		panic("graph: unknown fault layer " + layer)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.layers == nil {
		f.layers = map[string]error{}
	}
	f.layers[layer] = errno
}

func (f *Faults) get(layer string) error {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.layers[layer]
}

// diskFree is statfsAvailable, but no space at all while a fault says ENOSPC.
func (f *Faults) diskFree(dir string) (uint64, bool) {
	if f != nil {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, err := range f.layers {
			if errors.Is(err, syscall.ENOSPC) {
				return 0, true
			}
		}
	}
	return statfsAvailable(dir)
}

// openBolt opens the bolt quad store in dir; with faults, through a key-value store whose
// commits fail on demand.
func openBolt(dir string, opts cgraph.Options, f *Faults) (*cayley.Handle, error) {
	if f == nil {
		return cayley.NewGraph(boltBackend, dir, opts)
	}
	db, err := openBoltKV(dir, opts)
	if err != nil {
		return nil, err
	}
	qs, err := ckv.New(faultKV{db, f, filepath.Join(dir, "indexes.bolt")}, opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	qw, err := cgraph.NewQuadWriter("single", qs, nil)
	if err != nil {
		qs.Close()
		return nil, err
	}
	return &cayley.Handle{QuadStore: qs, QuadWriter: qw}, nil
}

// faultKV is bbolt's key-value store whose read-write transactions fail on commit.
type faultKV struct {
	hkv.KV
	f    *Faults
	file string
}

func (k faultKV) Tx(ctx context.Context, rw bool) (hkv.Tx, error) {
	tx, err := k.KV.Tx(ctx, rw)
	if err != nil || !rw {
		return tx, err
	}
	return faultTx{tx, k}, nil
}

type faultTx struct {
	hkv.Tx
	k faultKV
}

func (tx faultTx) Commit(ctx context.Context) error {
	if errno := tx.k.f.get(FaultQuads); errno != nil {
		tx.Tx.Close() // bbolt rolls back a commit whose write failed
		return &fs.PathError{Op: "write", Path: tx.k.file, Err: errno}
	}
	return tx.Tx.Commit(ctx)
}

// faultWriter is the memory store's quad writer, failing transactions on demand.
type faultWriter struct {
	cgraph.QuadWriter
	f *Faults
}

func (w faultWriter) ApplyTransaction(tx *cgraph.Transaction) error {
	if errno := w.f.get(FaultQuads); errno != nil {
		return errno
	}
	return w.QuadWriter.ApplyTransaction(tx)
}

type bleveIndex = bleve.Index

// faultIndex is an on-disk bleve index whose batches fail on demand.
type faultIndex struct {
	bleveIndex
	f   *Faults
	dir string
}

func (x faultIndex) Batch(b *bleve.Batch) error {
	errno := x.f.get(FaultSearch)
	if errno == nil {
		return x.bleveIndex.Batch(b)
	}
	seg := filepath.Join(x.dir, "store", "000000000042.zap")
	return fmt.Errorf("segment: %s persist err: %v", seg, &fs.PathError{Op: "write", Path: seg, Err: errno})
}

func (f *Faults) wrapBleve(bi bleve.Index, dir string) bleve.Index {
	if f == nil || dir == "" {
		return bi // an in-memory index has no disk to fill
	}
	return faultIndex{bi, f, dir}
}

// faultFile is a snapshot temp file that takes SnapshotBytes and then fails its writes and
// its Sync.
type faultFile struct {
	snapshotTemp
	f       *Faults
	written int
}

func (w *faultFile) Write(p []byte) (int, error) {
	errno := w.f.get(FaultSnapshot)
	if errno == nil {
		return w.snapshotTemp.Write(p)
	}
	w.f.mu.Lock()
	room := max(w.f.SnapshotBytes-w.written, 0)
	w.f.mu.Unlock()
	n, _ := w.snapshotTemp.Write(p[:min(room, len(p))])
	w.written += n
	if n < len(p) {
		return n, &fs.PathError{Op: "write", Path: w.Name(), Err: errno}
	}
	return n, nil
}

func (w *faultFile) Sync() error {
	if errno := w.f.get(FaultSnapshot); errno != nil {
		return &fs.PathError{Op: "sync", Path: w.Name(), Err: errno}
	}
	return w.snapshotTemp.Sync()
}
