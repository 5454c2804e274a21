package graph

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// The start-up snapshot: the read model's quads and terms in one file next to the bolt store
// (<data dir>/readmodel.snap), so that a store opens without reading every quad through Cayley.
//
// The snapshot is only a cache. It records the state token of the store it was taken from: a
// random value that every write replaces inside the write's own Cayley transaction (store.go).
// Open uses the snapshot only when its token equals the store's and its checksum holds;
// otherwise (no snapshot, a crash after a write, a damaged file) it reads the quads from Cayley
// and writes a new snapshot. It is written in the background (snapshotter) a moment after the
// last write and after such a full read, so that a store stopped uncleanly (kill -9) opens
// from it too, and on Close when it is not up to date.
//
// A snapshot write that fails (a full disk) never fails a write: the snapshot is only a cache.
// It is logged, the temp file is removed, and the file in place (an older state, or none) is
// left as it was; being of another state, it is not used.
//
// Layout (little endian): magic, token (u32 length + bytes), terms (u32 count, u32 length of
// each, then their bytes), quads (u32 count, 4×u32 each, grouped by subject in node order with
// out-edges in edge order), and a CRC-32C of everything before it.

const snapMagic = "KRSNAP01"

// snapshotFile is the snapshot's name in the data directory.
const snapshotFile = "readmodel.snap"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snapshotter writes the start-up snapshot off the writer's lock: schedule (after a write)
// (re)starts a timer; when it fires, the read model of that moment, which is immutable and
// carries its own state token, is written. Writes are serialised by mu, and each writes the
// newest read model, so a snapshot never replaces a newer one.
type snapshotter struct {
	s     *Store
	path  string // "" for the memory backend: no snapshot
	delay time.Duration
	// readOnly: the snapshot is read at start-up but never written (Config.ReadOnly).
	readOnly bool

	mu       sync.Mutex
	token    string // the state the snapshot file holds
	timer    *time.Timer
	closed   bool
	attempts atomic.Int64 // snapshot writes tried (tests wait on it)
}

func (sn *snapshotter) init(s *Store, cfg Config) {
	sn.s, sn.delay, sn.readOnly = s, cfg.SnapshotDelay, cfg.ReadOnly
	if sn.delay == 0 {
		sn.delay = DefaultSnapshotDelay
	}
	if cfg.Backend != BackendMemory && cfg.Path != "" {
		sn.path = filepath.Join(cfg.Path, snapshotFile)
	}
}

// schedule writes the snapshot after the delay, unless another write comes first.
func (sn *snapshotter) schedule() {
	if sn.path == "" || sn.delay < 0 || sn.readOnly {
		return
	}
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.closed {
		return
	}
	if sn.timer == nil {
		sn.timer = time.AfterFunc(sn.delay, sn.background)
	} else {
		sn.timer.Reset(sn.delay)
	}
}

func (sn *snapshotter) background() {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if !sn.closed {
		sn.saveLocked(sn.s.idx.Load())
	}
}

// saveLocked writes ix unless the file holds its state already; a failure is logged only.
func (sn *snapshotter) saveLocked(ix *index) error {
	if sn.path == "" || sn.readOnly || ix.token == sn.token {
		return nil
	}
	t0 := time.Now()
	defer sn.attempts.Add(1)
	if err := writeSnapshot(sn.path, ix.token, ix, sn.s.faults); err != nil {
		sn.s.log.Warn("start-up snapshot not written; the next start reads every quad", "err", err, "cause", errors.Unwrap(err))
		return err
	}
	sn.token = ix.token
	sn.s.log.Debug("start-up snapshot written", "quads", ix.quads, "took", time.Since(t0))
	return nil
}

// stop ends background writing without writing (Open failed; tests simulate a crash).
func (sn *snapshotter) stop() {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.closed = true
	if sn.timer != nil {
		sn.timer.Stop()
	}
}

// close ends background writing and writes ix when the file does not hold its state.
func (sn *snapshotter) close(ix *index) error {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.closed {
		return nil
	}
	sn.closed = true
	if sn.timer != nil {
		sn.timer.Stop()
	}
	return sn.saveLocked(ix)
}

// snapshotTemp is the file a snapshot is written to before it is renamed into place.
type snapshotTemp interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

// createSnapshotTemp creates the temp file of a snapshot in dir (with faults, one that fails
// its writes on demand).
func createSnapshotTemp(dir string, f *Faults) (snapshotTemp, error) {
	tmp, err := os.CreateTemp(dir, ".readmodel-*.tmp")
	if err != nil || f == nil {
		return tmp, err
	}
	return &faultFile{snapshotTemp: tmp, f: f}, nil
}

// writeSnapshot writes ix (the state with token) to path, atomically (temp file, fsync,
// rename): a failure at any point leaves the file in place as it was. Only the terms the quads
// use are written, renumbered in order of first use.
func writeSnapshot(path, token string, ix *index, f *Faults) error {
	t := ix.t
	remap := make(map[uint32]uint32, 1024)
	var order []uint32
	var quads []qt
	id := func(old uint32) uint32 {
		if n, ok := remap[old]; ok {
			return n
		}
		n := uint32(len(order))
		remap[old] = n
		order = append(order, old)
		return n
	}
	ix.eachQuad(func(q qt) {
		quads = append(quads, qt{id(q[0]), id(q[1]), id(q[2]), id(q[3])})
	})
	tmp, err := createSnapshotTemp(filepath.Dir(path), f)
	if err != nil {
		return storageError("writing the start-up snapshot", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	h := crc32.New(castagnoli)
	w := bufio.NewWriterSize(io.MultiWriter(tmp, h), 1<<20)
	var b4 [4]byte
	u32 := func(v uint32) {
		binary.LittleEndian.PutUint32(b4[:], v)
		w.Write(b4[:])
	}
	w.WriteString(snapMagic)
	u32(uint32(len(token)))
	w.WriteString(token)
	u32(uint32(len(order)))
	for _, old := range order {
		u32(uint32(len(t.str(old))))
	}
	for _, old := range order {
		w.WriteString(t.str(old))
	}
	u32(uint32(len(quads)))
	for _, q := range quads {
		for _, v := range q {
			u32(v)
		}
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return storageError("writing the start-up snapshot", err)
	}
	binary.LittleEndian.PutUint32(b4[:], h.Sum32())
	if _, err := tmp.Write(b4[:]); err != nil {
		tmp.Close()
		return storageError("writing the start-up snapshot", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return storageError("writing the start-up snapshot", err)
	}
	if err := tmp.Close(); err != nil {
		return storageError("writing the start-up snapshot", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return storageError("writing the start-up snapshot", err)
	}
	return nil
}

// errSnapshot says a snapshot is missing, damaged or of another state.
var errSnapshot = errors.New("graph: snapshot unusable")

// snapshotToken reads the state token the snapshot at path holds (its header only).
func snapshotToken(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	r := &snapReader{r: bufio.NewReader(io.LimitReader(f, st.Size()-4)), left: st.Size() - 4}
	if string(r.bytes(len(snapMagic))) != snapMagic {
		return "", fmt.Errorf("%w: not a snapshot", errSnapshot)
	}
	tok := string(r.bytes(int(r.u32())))
	if r.err != nil {
		return "", fmt.Errorf("%w: %v", errSnapshot, r.err)
	}
	return tok, nil
}

// readSnapshot reads the snapshot at path into a fresh term table and quad list, when it holds
// the state with token.
func readSnapshot(path, token string) (*terms, []qt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errSnapshot, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errSnapshot, err)
	}
	h := crc32.New(castagnoli)
	r := &snapReader{r: bufio.NewReaderSize(io.TeeReader(io.LimitReader(f, st.Size()-4), h), 1<<20), left: st.Size() - 4}
	if string(r.bytes(len(snapMagic))) != snapMagic {
		return nil, nil, fmt.Errorf("%w: not a snapshot", errSnapshot)
	}
	if got := string(r.bytes(int(r.u32()))); r.err == nil && got != token {
		return nil, nil, fmt.Errorf("%w: of another state (%q, store %q)", errSnapshot, got, token)
	}
	nTerms := int(r.u32())
	lens := make([]uint32, 0, min(nTerms, 1<<20))
	total := 0
	for i := 0; i < nTerms && r.err == nil; i++ {
		l := r.u32()
		lens = append(lens, l)
		total += int(l)
	}
	blob := r.bytes(total)
	nQuads := int(r.u32())
	if r.err == nil && int64(nQuads)*16 != r.left {
		r.err = fmt.Errorf("quad count %d does not match the file size", nQuads)
	}
	var quads []qt
	if r.err == nil {
		raw := r.bytes(nQuads * 16)
		quads = make([]qt, nQuads)
		for i := range quads {
			for j := 0; j < 4; j++ {
				quads[i][j] = binary.LittleEndian.Uint32(raw[i*16+j*4:])
			}
		}
	}
	if r.err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errSnapshot, r.err)
	}
	var sum [4]byte
	if _, err := io.ReadFull(f, sum[:]); err != nil || binary.LittleEndian.Uint32(sum[:]) != h.Sum32() {
		return nil, nil, fmt.Errorf("%w: checksum mismatch", errSnapshot)
	}
	// Terms point into blob, which is never written again.
	t := &terms{}
	off := 0
	for _, l := range lens {
		enc := ""
		if l > 0 {
			enc = unsafe.String(&blob[off], int(l))
		}
		if enc == "" {
			return nil, nil, fmt.Errorf("%w: empty term", errSnapshot)
		}
		t.append(enc)
		off += int(l)
	}
	for _, q := range quads {
		for _, v := range q {
			if v >= t.n {
				return nil, nil, fmt.Errorf("%w: term %d out of range", errSnapshot, v)
			}
		}
		if t.str(q[0])[0] != kIRI && t.str(q[0])[0] != kBNode {
			return nil, nil, fmt.Errorf("%w: subject is not a node", errSnapshot)
		}
	}
	return t, quads, nil
}

type snapReader struct {
	r    *bufio.Reader
	left int64
	err  error
}

func (r *snapReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || int64(n) > r.left {
		r.err = fmt.Errorf("truncated")
		return nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.err = err
		return nil
	}
	r.left -= int64(n)
	return b
}

func (r *snapReader) u32() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}
