package graph

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cayleygraph/cayley"
	cgraph "github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/kv/bbolt" // the embedded on-disk backend
	"github.com/cayleygraph/quad"
)

// Backends.
const (
	// BackendBolt is the embedded on-disk store (bbolt), the default.
	BackendBolt = "bolt"
	// BackendMemory keeps everything in memory (tests, demos); nothing survives a restart.
	BackendMemory = "memory"
)

// Config says which quad store to open.
type Config struct {
	Backend string // BackendBolt (default), BackendMemory or BackendPostgres
	// Path is the data directory: bolt's quad store, and for every backend but memory the
	// start-up snapshot and the search index. For postgres it may be empty (both then live in
	// memory only, rebuilt at every start).
	Path string
	// URL is the PostgreSQL connection URL (postgres://user@host:port/db?sslmode=disable), for
	// BackendPostgres. A search_path parameter picks the schema Cayley's tables live in.
	URL string
	// WriterWait bounds how long a write waits for another process's write to the same
	// PostgreSQL store (then ErrBusy): DefaultWriterWait when 0.
	WriterWait time.Duration
	// Now returns the current time (for batch timestamps); time.Now when nil.
	Now func() time.Time
	// Logger receives what the store reports by itself (a discarded snapshot, a storage
	// failure it recovered from); slog.Default() when nil.
	Logger *slog.Logger
	// SnapshotDelay is how long after the last write the start-up snapshot is written in the
	// background (bolt only): DefaultSnapshotDelay when 0; never (only on Close) when negative.
	SnapshotDelay time.Duration
	// Faults, in tests, injects write errors (faults.go); nil in production.
	Faults *Faults
	// Follow (PostgreSQL): follow the commits of other processes sharing the database
	// (follow.go): listen for their notifications, poll the state token every FollowPoll, and
	// bring the read model up to date incrementally.
	Follow bool
	// ReadOnly opens a bolt store read-only (a shared lock; no writes at all: see readonly.go).
	ReadOnly bool
	// Command names the process in the data directory's owner record (lock.go), and Addr the
	// URL it serves at (kring serve), recorded from the start so that others find the server
	// while it is still opening the store.
	Command, Addr string
}

// DefaultSnapshotDelay is how long after the last write the snapshot is written by default.
const DefaultSnapshotDelay = time.Second

// Store is Kring's knowledge graph. It is safe for concurrent use: reads are served from an
// immutable read model; writes are serialised through one writer (bbolt must not see
// concurrent writers, Cayley #712).
type Store struct {
	h *cayley.Handle // nil after a failed commit whose reopen failed too (reopenQuads)
	// qsMu orders the reads of the quad store made outside the writer's lock (releases,
	// release.go) with Cayley writes and with replacing h: Cayley's memory store is not safe
	// for a read during a write. Writers hold mu, then qsMu for the commit only.
	qsMu     sync.RWMutex
	releases releaseCache // release read models (release.go)
	now      func() time.Time
	log      *slog.Logger
	// path and opts open the bolt quad store again after a failed commit ("" for memory).
	path   string
	opts   cgraph.Options
	faults *Faults

	mu       sync.Mutex // the single writer; it owns what follows up to idx
	t        *terms
	typePred uint32
	// labels lists, per batch label, the subjects of its quads. Built on the first write.
	labels map[uint32]map[uint32]struct{}
	// token is the store's state token (see snapshot.go).
	token string
	info  OpenInfo
	snap  snapshotter // the start-up snapshot (snapshot.go)

	idx    atomic.Pointer[index]
	search *searchIndex // full-text index, kept in step by write (search_index.go)
	reads  atomic.Int64
	closed atomic.Bool // set under mu
	stats  storeStats  // for Stats (stats.go)

	lock     *dirLock // the data directory's lock (lock.go); nil for memory
	pg       *pgStore // PostgreSQL's connections and writer lock (postgres.go); nil otherwise
	readOnly bool
	// incomplete: the quad store may hold a batch cut short in a chunked write (chunked.go),
	// removed before the next write; skip lists such batches' labels for the reads of Open.
	incomplete bool
	skip       map[quad.Value]bool

	plog   map[int64]string // PostgreSQL: the commit log by sequence number (follow.go); writer only
	follow follower         // PostgreSQL with Config.Follow (follow.go)
}

// The state token: one quad, rewritten by every write in the write's transaction.
var (
	stateIRI   = quad.IRI(prefix + "state")
	statePred  = quad.IRI(prefix + "stateToken")
	stateLabel = quad.IRI(prefix + "state")
)

// writeHook, when set (by tests), sees every write's read models and quads.
var writeHook func(old, nx *index, adds, removes []qt)

// lockHook, when set (by tests), is called by a write just before it takes the writer's lock.
var lockHook func()

func tokenQuad(token string) quad.Quad {
	return quad.Quad{Subject: stateIRI, Predicate: statePred, Object: quad.String(token), Label: stateLabel}
}

func newToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// OpenInfo says how Open found the read model.
type OpenInfo struct {
	FromSnapshot bool   // read from the start-up snapshot rather than from every quad
	Reason       string // why the snapshot was not used, when it was not
	missing      bool   // there was no snapshot (a new store): not worth a warning
	// SearchInMemory: a read-only store whose search index on disk is missing or stale searches
	// an index built in memory.
	SearchInMemory bool
	SearchReason   string // why, when SearchInMemory
}

// Open opens (creating when needed) the quad store and builds the read model from it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	var (
		h    *cayley.Handle
		lock *dirLock
		err  error
		opts cgraph.Options // bolt's, kept to reopen it after a failed commit
		pg   *pgStore
	)
	switch cfg.Backend {
	case BackendMemory:
		h, err = cayley.NewMemoryGraph()
		if err == nil && cfg.Faults != nil {
			h.QuadWriter = faultWriter{h.QuadWriter, cfg.Faults}
		}
	case BackendBolt, "":
		if cfg.Path == "" {
			return nil, fmt.Errorf("graph: open bolt: no data directory given")
		}
		if lock, err = openDir(cfg); err != nil {
			return nil, err
		}
		opts = cgraph.Options{"no_bloom": true, optReadOnly: cfg.ReadOnly}
		if !cfg.ReadOnly {
			if err := cgraph.InitQuadStore(boltBackend, cfg.Path, opts); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
				lock.release()
				return nil, fmt.Errorf("graph: init bolt store in %s: %w", cfg.Path, err)
			}
		}
		h, err = openBolt(cfg.Path, opts, cfg.Faults)
	case BackendPostgres:
		if cfg.Path != "" {
			if lock, err = openDir(cfg); err != nil {
				return nil, err
			}
		}
		if h, pg, err = openPostgres(ctx, cfg); err != nil {
			lock.release()
			return nil, err
		}
	default:
		return nil, fmt.Errorf("graph: unknown backend %q (want %q, %q or %q)", cfg.Backend, BackendBolt, BackendMemory, BackendPostgres)
	}
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("graph: open %s store: %w", cfg.Backend, err)
	}
	s := &Store{h: h, now: cfg.Now, log: cfg.Logger, faults: cfg.Faults, lock: lock, readOnly: cfg.ReadOnly, pg: pg}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.snap.init(s, cfg)
	if cfg.Backend == BackendBolt || cfg.Backend == "" {
		s.path, s.opts = cfg.Path, opts
	}
	t0 := time.Now()
	if err := s.load(ctx); err != nil {
		s.snap.stop()
		h.Close()
		pg.close()
		lock.release()
		return nil, err
	}
	s.stats.noteBuild(time.Since(t0))
	s.logOpen(time.Since(t0))
	// Search index: reused when its fingerprint matches the store's state, else rebuilt.
	if s.search, err = s.openSearch(ctx, cfg); err != nil {
		s.snap.stop()
		h.Close()
		pg.close()
		lock.release()
		return nil, err
	}
	if s.pg != nil {
		// Opened from the snapshot of an older state: the commits since, by the commit log.
		if _, err := s.refreshLocked(ctx); err != nil {
			s.Close()
			return nil, err
		}
		if cfg.Follow {
			addr, _, _ := pgURL(cfg.URL)
			s.startFollowing(addr)
		}
	}
	return s, nil
}

// logOpen reports a snapshot that Open could not use, with why and how long reading every quad
// took instead.
func (s *Store) logOpen(took time.Duration) {
	if s.snap.path == "" || s.info.FromSnapshot || s.info.missing && s.idx.Load().quads == 0 {
		return // nothing to say about a new store
	}
	msg := "start-up snapshot not used: read model rebuilt from the quad store"
	if s.info.missing {
		s.log.Info(msg, "reason", s.info.Reason, "rebuild", took, "quads", s.idx.Load().quads)
		return
	}
	s.log.Warn(msg, "reason", s.info.Reason, "rebuild", took, "quads", s.idx.Load().quads)
}

// Info says how the read model was loaded.
func (s *Store) Info() OpenInfo { return s.info }

// readToken returns the store's state token ("" when it has none: an empty store, or one
// written before tokens existed).
func (s *Store) readToken(ctx context.Context) (string, error) {
	if s.pg != nil {
		return s.pg.token(ctx)
	}
	var token string
	err := cayley.StartPath(s.h, stateIRI).Out(statePred).Iterate(ctx).EachValue(nil, func(v quad.Value) error {
		if str, ok := v.(quad.String); ok {
			token = string(str)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("graph: read state token: %w", err)
	}
	return token, nil
}

// load builds the read model: from the snapshot when it holds the store's state, else from
// every quad of the quad store (and then writes a snapshot for the next start).
func (s *Store) load(ctx context.Context) error {
	token, err := s.readToken(ctx)
	if err != nil {
		return err
	}
	s.token = token
	// A chunked write cut short (chunked.go): its quads are removed, and skipped by what follows
	// when that fails or the store is read-only.
	if s.skip, err = s.readIncomplete(ctx); err != nil {
		return err
	}
	if len(s.skip) > 0 {
		s.incomplete = true
		s.log.Warn("quad store: a batch write was cut short; removing what it wrote", "batches", len(s.skip))
		if err := s.cleanIncomplete(ctx); err != nil && s.h == nil {
			return err
		}
		if !s.incomplete {
			s.skip = nil // removed
		}
	}
	if s.snap.path != "" && !s.readOnly {
		// Left-overs of a snapshot write cut short (bolt's file lock says no one else writes).
		if tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(s.snap.path), ".readmodel-*.tmp")); len(tmps) > 0 {
			for _, f := range tmps {
				os.Remove(f)
			}
		}
	}
	snapToken := token
	if s.pg != nil {
		if s.plog, err = s.pgLogAt(ctx); err != nil {
			return err
		}
		snapToken = s.olderSnapshot(token)
	}
	if s.snap.path != "" {
		t, quads, err := readSnapshot(s.snap.path, snapToken)
		if err == nil {
			s.t = t
			enc := mustEncode(predType)
			var ok bool
			if s.typePred, ok = t.find(enc); !ok {
				s.typePred = t.append(enc) // an empty store
			}
			ix := buildIndex(t, quads, s.typePred, true)
			ix.token = snapToken
			s.idx.Store(ix)
			s.snap.token = snapToken
			s.token = snapToken // an older state (PostgreSQL): Open catches up by the commit log
			s.info = OpenInfo{FromSnapshot: true}
			if snapToken != token {
				s.log.Info("start-up snapshot of an earlier state: catching up by the commit log", "snapshot", snapToken, "store", token)
			}
			return nil
		}
		s.info = OpenInfo{Reason: err.Error(), missing: errors.Is(err, fs.ErrNotExist)}
	}
	s.t = &terms{ids: map[string]uint32{}}
	s.typePred = s.t.intern(mustEncode(predType))
	var quads []qt
	var conv quadConv
	if s.pg != nil {
		// Two queries in one snapshot of the database, rather than Cayley's iterators.
		token, err = s.pg.scan(ctx, func(q quad.Quad) error {
			if q.Label == stateLabel || q.Label == writingLabel || q.Label == commitLogLabel || s.skip[q.Label] {
				return nil
			}
			id, err := conv.intern(s.t, q)
			quads = append(quads, id)
			return err
		})
		if err != nil {
			return err
		}
		s.token = token
	}
	r := cgraph.NewQuadStoreReader(s.h.QuadStore)
	defer r.Close()
	for i := 0; s.pg == nil; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		q, err := r.ReadQuad()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("graph: read quads: %w", err)
		}
		if q.Label == stateLabel || q.Label == writingLabel || s.skip[q.Label] || isReleaseLabel(q.Label) {
			continue // releases are not live content (release.go)
		}
		id, err := conv.intern(s.t, q)
		if err != nil {
			return err
		}
		quads = append(quads, id)
	}
	// A quad read twice (Cayley #675) is one quad.
	slices.SortFunc(quads, func(a, b qt) int {
		for i := range a {
			if a[i] != b[i] {
				return cmp.Compare(a[i], b[i])
			}
		}
		return 0
	})
	quads = slices.Compact(quads)
	ix := buildIndex(s.t, quads, s.typePred, false)
	ix.token = token
	s.idx.Store(ix)
	s.snap.schedule() // for the next start
	return nil
}

func mustEncode(v quad.Value) string {
	enc, err := encodeTerm(v)
	if err != nil {
		panic(err)
	}
	return enc
}

// writerReady builds the writer's own lookup structures when a store opened from a snapshot
// writes for the first time.
func (s *Store) writerReady() {
	s.t.writerReady()
	if s.labels != nil {
		return
	}
	s.labels = map[uint32]map[uint32]struct{}{}
	ix := s.idx.Load()
	for _, m := range []map[string]*node{ix.nodes, ix.hidden} {
		for _, n := range m {
			for _, e := range n.out {
				s.addLabel(e.l, n.tid)
			}
		}
	}
}

func (s *Store) addLabel(l, subj uint32) {
	m := s.labels[l]
	if m == nil {
		m = map[uint32]struct{}{}
		s.labels[l] = m
	}
	m[subj] = struct{}{}
}

// labelled returns the stored quads with label l. Writer only.
func (s *Store) labelled(ix *index, l uint32) []qt {
	var out []qt
	for subj := range s.labels[l] {
		n := ix.lookup(s.t.iri(subj))
		if n == nil {
			continue
		}
		for _, e := range n.out {
			if e.l == l {
				out = append(out, qt{n.tid, e.p, e.o, e.l})
			}
		}
	}
	return out
}

// stored reports whether the read model holds quad q.
func (ix *index) stored(q qt) bool {
	n := ix.lookup(ix.t.iri(q[0]))
	if n == nil {
		return false
	}
	for _, e := range n.out {
		if e == (edge{q[1], q[2], q[3]}) {
			return true
		}
	}
	return false
}

// Close writes the start-up snapshot when writes happened since the last one, and closes the
// quad store and the search index. It waits for a write in flight to finish; writes and reads
// after it fail with ErrClosed.
func (s *Store) Close() error {
	s.follow.stopFollowing() // before s.mu: the follower may be catching up
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return nil
	}
	s.closed.Store(true)
	snapErr := s.snap.close(s.idx.Load())
	var hErr error
	s.qsMu.Lock()
	if s.h != nil {
		hErr = s.h.Close()
	}
	s.qsMu.Unlock()
	return errors.Join(snapErr, hErr, s.pg.close(), s.search.close(), s.lock.release()) // search.close: the full-text index
}

func (s *Store) index(ctx context.Context) (*index, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.reads.Add(1)
	return s.pinned(ctx), nil // the request's version when it pinned one (pin.go)
}

// Reads returns how many read calls the store has served; tests use it to count round trips.
func (s *Store) Reads() int64 { return s.reads.Load() }

// TypeCount is how many nodes of a type there are.
type TypeCount struct {
	Type  NodeType `json:"type"`
	Count int      `json:"count"`
}

// Report says what a load or rollback changed (or, in a dry run, would change).
type Report struct {
	Batch    string `json:"batch"`
	DryRun   bool   `json:"dryRun"`
	NoChange bool   `json:"noChange"`
	// Quads added and removed; Unchanged are quads the batch states that were already stored.
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
	// Nodes per type: new (not in the store before) and total stated by the batch.
	New   []TypeCount `json:"new"`
	Total []TypeCount `json:"total"`
	// Changed are the nodes per type that existed before and whose content changes (restating
	// another batch's fact does not count).
	Changed []TypeCount `json:"changed"`
}

// Apply validates a changeset with the checks of Check (every problem at once, as a
// *ValidationError) and writes it as one batch, atomically: after Apply either the
// whole batch is stored or nothing changed. Loading the same batch again changes nothing; a
// batch id that exists already is replaced by the new content (quads no longer stated are
// removed), unless another batch depends on what would be removed (ErrConflict). With dryRun
// the report says what would change and nothing is written.
func (s *Store) Apply(ctx context.Context, cs *Changeset, dryRun bool) (*Report, error) {
	if lockHook != nil {
		lockHook()
	}
	if s.readOnly {
		return nil, ErrReadOnly
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return nil, ErrClosed
	}
	// PostgreSQL: one writer across processes, comparing with the stored state (postgres.go).
	release, err := s.beginWrite(ctx, dryRun)
	if err != nil {
		return nil, err
	}
	defer release()
	s.writerReady()
	ix := s.idx.Load()
	var (
		rep           *Report
		adds, removes []qt
		addQuads      []quad.Quad
	)
	// The checks of Check; the batch is compared with the store while the conflicts are
	// checked (both only read).
	c, ps := s.check(ix, cs, func(c *compiled) {
		rep, adds, removes, addQuads, err = s.diffBatch(ix, c, quad.IRI(c.batch), s.batchMeta(ix, c, cs), c.quads, dryRun)
	})
	if err := ps.Err(); err != nil {
		return nil, err
	}
	if ix.isAuditBatch(c.batch) {
		return nil, fmt.Errorf("graph: batch %s is an audit record (an edit, revert or rollback): choose another batch id: %w", ShortID(c.batch), ErrConflict)
	}
	c.quads = nil // adds has what is written (a big batch's quads are worth freeing early)
	if err != nil {
		return nil, err
	}
	if len(removes) > 0 {
		if err := s.checkRemovable(ix, removes, adds, c.batch); err != nil {
			return nil, err
		}
		if err := ix.checkEditedKept(c); err != nil {
			return nil, err
		}
	}
	if dryRun || rep.NoChange {
		return rep, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err // cancelled (e.g. SIGINT) before anything was written
	}
	if err := s.write(ix, adds, removes, addQuads); err != nil {
		return nil, err
	}
	return rep, nil
}

// diffBatch compares what a batch states (meta and the batch's quads: want) with what its label
// holds in the store: the quads to add, the quads to remove, and the report's counts.
func (s *Store) diffBatch(ix *index, c *compiled, label quad.IRI, meta, want []quad.Quad, dryRun bool) (*Report, []qt, []qt, []quad.Quad, error) {
	wanted := make(map[qt]struct{}, len(meta)+len(want))
	rep := &Report{Batch: string(label), DryRun: dryRun}
	var adds, removes []qt
	var addQuads, removeQuads []quad.Quad
	var conv quadConv
	for _, part := range [][]quad.Quad{meta, want} {
		for _, q := range part {
			id, err := conv.intern(s.t, q)
			if err != nil {
				return nil, nil, nil, nil, err
			}
			if _, dup := wanted[id]; dup {
				continue
			}
			wanted[id] = struct{}{}
			if ix.stored(id) {
				rep.Unchanged++
			} else {
				adds = append(adds, id)
				addQuads = append(addQuads, q)
			}
		}
	}
	if l, ok := s.t.lookup(mustEncode(label)); ok {
		for _, id := range s.labelled(ix, l) {
			if _, ok := wanted[id]; !ok {
				removes = append(removes, id)
				removeQuads = append(removeQuads, s.t.quadOf(id))
			}
		}
	}
	rep.Added, rep.Removed, rep.NoChange = len(adds), len(removes), len(adds) == 0 && len(removes) == 0
	newCount, totalCount := map[NodeType]int{}, map[NodeType]int{}
	for id, t := range c.nodes {
		totalCount[t]++
		if ix.typeOf(id) == "" {
			newCount[t]++
		}
	}
	rep.New, rep.Total = typeCounts(newCount), typeCounts(totalCount)
	rep.Changed = changedCounts(ix, c.nodes, addQuads, removeQuads) // changed.go
	return rep, adds, removes, addQuads, nil
}

// quadConv interns quads, remembering the last subject and label (consecutive quads mostly
// share them).
type quadConv struct {
	s, l    quad.Value
	sid, li uint32
	ok      bool
	buf     []byte
}

func (c *quadConv) intern(t *terms, q quad.Quad) (qt, error) {
	var out qt
	var err error
	if c.ok && q.Subject == c.s && q.Label == c.l {
		out[0], out[3] = c.sid, c.li
	} else {
		if out[0], err = t.internValue(q.Subject, &c.buf); err != nil {
			return out, fmt.Errorf("graph: quad %s: %w", quadKey(q), err)
		}
		if out[3], err = t.internValue(q.Label, &c.buf); err != nil {
			return out, fmt.Errorf("graph: quad %s: %w", quadKey(q), err)
		}
		c.s, c.l, c.sid, c.li, c.ok = q.Subject, q.Label, out[0], out[3], true
	}
	if out[1], err = t.internValue(q.Predicate, &c.buf); err != nil {
		return out, fmt.Errorf("graph: quad %s: %w", quadKey(q), err)
	}
	if out[2], err = t.internValue(q.Object, &c.buf); err != nil {
		return out, fmt.Errorf("graph: quad %s: %w", quadKey(q), err)
	}
	return out, nil
}

// Rollback removes exactly the quads of one batch. It refuses (ErrConflict) when a later batch
// points at a node that would disappear, naming the dependent batches.
func (s *Store) Rollback(ctx context.Context, batchID string, dryRun bool) (*Report, error) {
	return s.rollback(ctx, batchID, dryRun, nil)
}

// rollback is Rollback; with audit it also writes a rollback record (edit.go).
func (s *Store) rollback(ctx context.Context, batchID string, dryRun bool, audit *RollbackRequest) (*Report, error) {
	if lockHook != nil {
		lockHook()
	}
	if s.readOnly {
		return nil, ErrReadOnly
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return nil, ErrClosed
	}
	// PostgreSQL: one writer across processes, comparing with the stored state (postgres.go).
	release, err := s.beginWrite(ctx, dryRun)
	if err != nil {
		return nil, err
	}
	defer release()
	s.writerReady()
	ix := s.idx.Load()
	id := batchID
	if !ValidSlug(ShortID(id)) && ix.typeOf(FullID(id)) != TypeBatch {
		id = FullID(id)
	} else if ix.typeOf(FullID(id)) != TypeBatch {
		id = BatchIRI(ShortID(id))
	} else {
		id = FullID(id)
	}
	if ix.typeOf(id) != TypeBatch {
		return nil, fmt.Errorf("graph: batch %q: %w", batchID, ErrNotFound)
	}
	l, _ := s.t.lookup(mustEncode(quad.IRI(id)))
	removes := s.labelled(ix, l)
	if err := ix.checkAuditRollback(id); err != nil {
		return nil, err
	}
	if err := s.checkRemovable(ix, removes, nil, id); err != nil {
		return nil, err
	}
	rep := &Report{Batch: id, DryRun: dryRun, Removed: len(removes), New: []TypeCount{}, Total: typeCounts(ix.batchTypes[id])}
	if dryRun {
		return rep, nil
	}
	var adds []qt
	var addQuads []quad.Quad
	if audit != nil {
		var err error
		if adds, addQuads, err = s.internNew(ix, s.rollbackMeta(ix, id, len(removes), audit)); err != nil {
			return nil, err
		}
	}
	if err := s.write(ix, adds, removes, addQuads); err != nil {
		return nil, err
	}
	return rep, nil
}

// checkConflicts rejects a changeset that gives a single-valued field of an existing node a
// value other than the one another batch stated: conflicting facts are reported, never
// silently merged or overwritten. (A batch may change its own earlier values.) It reads only ix
// and its terms (check runs without the writer's lock).
func checkConflicts(ix *index, c *compiled, label quad.IRI) Problems {
	if len(c.single) == 0 {
		return nil
	}
	newVals := map[spKey][]quad.Value{}
	for _, q := range c.quads {
		k := spKey{string(q.Subject.(quad.IRI)), strings.TrimPrefix(string(q.Predicate.(quad.IRI)), prefix)}
		if _, ok := c.single[k]; ok && !sameValue(newVals[k], q.Object) {
			newVals[k] = append(newVals[k], q.Object)
		}
	}
	var ps Problems
	seen := map[string]bool{}
	for k, vals := range newVals { // problems come out sorted
		n := ix.lookup(k.s)
		pid, ok := ix.t.predID(k.p)
		if n == nil || !ok {
			continue
		}
		for _, e := range n.out {
			if e.p != pid || ix.t.iri(e.l) == string(label) {
				continue
			}
			v := ix.t.value(e.o)
			if sameValue(vals, v) {
				continue
			}
			if ls, isLang := v.(quad.LangString); isLang && !hasLang(vals, ls.Lang) {
				continue // the new batch says nothing in this language
			}
			key := k.s + " " + k.p + " " + quad.StringOf(v)
			if seen[key] {
				continue
			}
			seen[key] = true
			pos := c.single[k]
			ps.AddConflict(pos.File, pos.Line, pos.Column, k.p, &ConflictError{Type: n.typ, ID: ShortID(k.s), Field: k.p},
				"conflict: %s %s differs: %s (stored, from %s) vs %s (this batch); resolve the conflict in one of the batches",
				ShortID(k.s), k.p, quad.StringOf(v), ShortID(ix.t.iri(e.l)), quad.StringOf(vals[0]))
		}
	}
	return ps.Sorted()
}

func sameValue(vals []quad.Value, v quad.Value) bool {
	for _, x := range vals {
		if quad.StringOf(x) == quad.StringOf(v) {
			return true
		}
	}
	return false
}

func hasLang(vals []quad.Value, lang string) bool {
	for _, x := range vals {
		if ls, ok := x.(quad.LangString); ok && ls.Lang == lang {
			return true
		}
	}
	return false
}

// checkRemovable reports ErrConflict when removing quads (and adding others) would leave an
// edge of another batch pointing at a node that no longer exists.
func (s *Store) checkRemovable(ix *index, removes, adds []qt, batch string) error {
	gone := make(map[qt]bool, len(removes))
	for _, q := range removes {
		gone[q] = true
	}
	retyped := map[uint32]bool{}
	for _, q := range adds {
		if q[1] == s.typePred {
			retyped[q[0]] = true
		}
	}
	// Nodes whose every type quad is removed and not re-added vanish.
	dependents := map[string][]string{}
	checked := map[uint32]bool{}
	for _, q := range removes {
		if q[1] != s.typePred || retyped[q[0]] || checked[q[0]] {
			continue
		}
		checked[q[0]] = true
		n := ix.lookup(s.t.iri(q[0]))
		if n == nil || n.typ == "" {
			continue
		}
		vanishes := true
		for _, e := range n.out {
			if e.p == s.typePred && !gone[qt{n.tid, e.p, e.o, e.l}] {
				vanishes = false
				break
			}
		}
		if !vanishes {
			continue
		}
		for _, e := range n.in {
			if gone[qt{e.o, e.p, n.tid, e.l}] {
				continue
			}
			l := s.t.iri(e.l)
			dependents[l] = append(dependents[l], ShortID(s.t.iri(e.o))+" → "+ShortID(n.id))
		}
	}
	if len(dependents) == 0 {
		return nil
	}
	var names []string
	for l, edges := range dependents {
		sort.Strings(edges)
		if len(edges) > 3 {
			edges = append(edges[:3], fmt.Sprintf("and %d more", len(edges)-3))
		}
		names = append(names, fmt.Sprintf("%s (%v)", ShortID(l), edges))
	}
	sort.Strings(names)
	return fmt.Errorf("graph: batch %s: later batches depend on it: %v: %w", ShortID(batch), names, ErrConflict)
}

// write applies one transaction to the quad store (with a new state token), the search index
// and the read model, all or nothing. The next read model and the search index are brought up
// to date while the transaction is built; Cayley commits only when the search index took the
// batch, and readers see the new read model only after both. A failure of either store leaves
// everything as it was (the search index is put back or reset, the read model dropped) and
// returns a *StorageError. addQuads, when not nil, are adds as quads (the caller has them;
// else they are decoded).
func (s *Store) write(ix *index, adds, removes []qt, addQuads []quad.Quad) error {
	return s.writeWith(ix, adds, removes, addQuads, nil)
}

// writeWith is write with extra quads added in the same transaction that the read model does
// not hold (a release's record and content, under a label live reads skip: release.go). The
// write is then never chunked.
func (s *Store) writeWith(ix *index, adds, removes []qt, addQuads, extra []quad.Quad) error {
	if err := s.quadsReady(); err != nil {
		return err
	}
	if err := s.cleanIncomplete(context.Background()); err != nil {
		return err
	}
	if err := s.search.ready(ix, s.token); err != nil {
		return err
	}
	start, token := time.Now(), newToken()
	var logEntry string // PostgreSQL: the commit log's entry (follow.go)
	if s.pg != nil {
		token = nextToken(s.token)
		logEntry = s.commitEntry(token, adds, removes)
	}
	s.t.notePreds(adds)
	var nx *index
	var built time.Duration
	var searchErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		nx, built = ix.apply(adds, removes, s.typePred), time.Since(start)
		nx.token = token
		if writeHook != nil {
			writeHook(ix, nx, adds, removes)
		}
		searchErr = s.search.update(ix, nx, adds, removes, token) // before readers see nx
	}()
	chunkLabel, chunked := s.chunkable(adds, removes)
	chunked = chunked && len(extra) == 0
	// The deltas are built directly: adds and removes are distinct already, and
	// Transaction.AddQuad would keep a map of every delta (130 MB for a million quads).
	tx := &cgraph.Transaction{}
	if !chunked {
		tx.Deltas = make([]cgraph.Delta, 0, len(removes)+len(adds)+2)
	}
	del := func(q quad.Quad) { tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: q, Action: cgraph.Delete}) }
	add := func(q quad.Quad) { tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: q, Action: cgraph.Add}) }
	// late: adds that Cayley's key-value store would write without one of their terms, in a
	// second transaction (netNegative).
	var late *cgraph.Transaction
	if !chunked {
		lateTerms := s.netNegative(adds, removes)
		for _, q := range removes {
			del(s.t.quadOf(q))
		}
		for i, q := range adds {
			aq := s.t.quadOf(q)
			if addQuads != nil {
				aq = addQuads[i]
			}
			if lateTerms != nil && (lateTerms[q[0]] || lateTerms[q[1]] || lateTerms[q[2]] || lateTerms[q[3]]) {
				if late == nil {
					late = &cgraph.Transaction{}
				}
				late.Deltas = append(late.Deltas, cgraph.Delta{Quad: aq, Action: cgraph.Add})
				continue
			}
			add(aq)
		}
		for _, q := range extra {
			add(q)
		}
		if s.token != "" {
			del(tokenQuad(s.token))
		}
		if late != nil {
			late.Deltas = append(late.Deltas, cgraph.Delta{Quad: tokenQuad(token), Action: cgraph.Add})
		} else {
			add(tokenQuad(token))
		}
		if s.pg != nil {
			seq, _ := tokenSeq(token)
			s.commitLogDeltas(logEntry, seq, del, add)
		}
	}
	<-done
	if searchErr != nil {
		s.log.Error("write rejected: the search index failed", "err", searchErr, "cause", errors.Unwrap(searchErr))
		s.search.reset(ix, s.token, searchErr) // what the failed batch left in bleve is dropped
		return searchErr
	}
	var err error
	committed := 0
	if chunked {
		committed, err = s.writeChunked(chunkLabel, adds, addQuads, token)
		if errors.Is(err, errStoppedForTest) {
			return err // as a crash: nothing put back
		}
	} else {
		err = s.applyTx(tx)
		if err == nil && late != nil {
			if err = s.applyTx(late); err != nil {
				s.undoTx(tx)
			}
		}
	}
	tx = nil
	if err != nil {
		err = storageError("writing the quad store", err)
		s.log.Error("write rejected: the quad store failed", "err", err, "cause", errors.Unwrap(err))
		if uerr := s.search.update(nx, ix, removes, adds, s.token); uerr != nil {
			s.search.reset(ix, s.token, uerr)
		}
		s.reopenQuads()
		if committed > 0 {
			// Earlier chunks are stored, under their writing marker: removed now, or (when
			// that fails too) before the next write or by the next Open.
			s.incomplete = true
			s.cleanIncomplete(context.Background())
		}
		return fmt.Errorf("graph: write %d quads, remove %d: %w", len(adds), len(removes), err)
	}
	s.token = token
	if s.pg != nil {
		seq, _ := tokenSeq(token)
		s.noteCommitted(logEntry, seq)
		s.pg.notify(token)
		s.follow.noteApplied(token)
	}
	for _, q := range adds {
		s.addLabel(q[3], q[0])
	}
	if len(removes) > 0 {
		for _, q := range removes {
			if n := nx.lookup(s.t.iri(q[0])); n == nil || !n.inBatch(s.t.iri(q[3])) {
				delete(s.labels[q[3]], q[0])
			}
		}
	}
	s.idx.Store(nx)
	s.stats.noteBuild(built)
	s.stats.noteBatch(time.Since(start))
	s.snap.schedule()
	return nil
}

// netNegative returns the terms of adds that the write removes more often than it adds (bolt
// only; nil when there are none). Cayley's key-value store applies a transaction's deltas per
// term, with the net change of each term's reference count; a term whose count goes down is
// not resolved for the transaction's added quads, which are then stored without it (a
// rollback that removes many rdf:type quads and adds its audit record's one). Such adds are
// written in a second transaction right after the first; the first one removes the state
// token and the second one writes the new one, so that a crash between the two is seen at the
// next Open (no token: the read model is rebuilt from the quads).
func (s *Store) netNegative(adds, removes []qt) map[uint32]bool {
	if s.path == "" || len(adds) == 0 || len(removes) == 0 {
		return nil
	}
	net := map[uint32]int{}
	for _, q := range removes {
		for _, id := range q {
			net[id]--
		}
	}
	var out map[uint32]bool
	for _, q := range adds {
		for _, id := range q {
			net[id]++
		}
	}
	for _, q := range adds {
		for _, id := range q {
			if net[id] < 0 {
				if out == nil {
					out = map[uint32]bool{}
				}
				out[id] = true
			}
		}
	}
	return out
}

// undoTx applies the inverse of a committed transaction (after the second transaction of a
// split write failed); a failure is logged: the next Open rebuilds the read model from the
// quads, since the state token is gone.
func (s *Store) undoTx(tx *cgraph.Transaction) {
	inv := &cgraph.Transaction{Deltas: make([]cgraph.Delta, len(tx.Deltas))}
	for i, d := range tx.Deltas {
		d.Action = map[cgraph.Procedure]cgraph.Procedure{cgraph.Add: cgraph.Delete, cgraph.Delete: cgraph.Add}[d.Action]
		inv.Deltas[i] = d
	}
	if err := s.applyTx(inv); err != nil {
		s.log.Error("quad store: undoing the first half of a failed write failed; the next open rebuilds the read model", "err", err)
	}
}

// reopenQuads closes and reopens the bolt quad store after a failed commit (writer only).
// Cayley's key-value store keeps IRI→node-id mappings from the failed transaction in its
// value cache; written against again, it would point new quads at nodes that were never
// stored. A reopen starts with empty caches. The memory store has no such cache (and must not
// be reopened: it would start empty).
func (s *Store) reopenQuads() {
	if s.path == "" || s.h == nil {
		return
	}
	s.qsMu.Lock()
	if err := s.h.Close(); err != nil {
		s.log.Warn("quad store: closing after a failed commit", "err", err)
	}
	s.h = nil
	s.qsMu.Unlock()
	if err := s.quadsReady(); err != nil {
		s.log.Error("quad store: cannot reopen after a failed commit; writes fail until it can", "err", err)
	}
}

// quadsReady reopens the quad store when a failed reopen left it closed (writer only).
func (s *Store) quadsReady() error {
	if s.h != nil {
		return nil
	}
	h, err := openBolt(s.path, s.opts, s.faults)
	if err != nil {
		return storageError("opening the quad store", err)
	}
	s.qsMu.Lock()
	s.h = h
	s.qsMu.Unlock()
	return nil
}

// applyTx commits one Cayley transaction (writer only).
func (s *Store) applyTx(tx *cgraph.Transaction) error {
	s.qsMu.Lock()
	defer s.qsMu.Unlock()
	return s.h.ApplyTransaction(tx)
}

// Verify re-reads every quad from the quad store and checks it against the read model:
// duplicates (Cayley #675) and any difference are reported as an error.
func (s *Store) Verify(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return 0, ErrClosed
	}
	if err := s.quadsReady(); err != nil {
		return 0, err
	}
	if err := s.cleanIncomplete(ctx); err != nil {
		return 0, err
	}
	r := cgraph.NewQuadStoreReader(s.h.QuadStore)
	defer r.Close()
	seen := map[string]int{}
	n := 0
	for {
		q, err := r.ReadQuad()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, fmt.Errorf("graph: verify: %w", err)
		}
		if s.skip[q.Label] {
			continue // a write cut short, in a read-only store (chunked.go)
		}
		if isReleaseLabel(q.Label) {
			continue // a release (release.go), checked by verifyReleases below
		}
		if q.Label == writingLabel {
			if s.readOnly {
				continue
			}
			return n, fmt.Errorf("graph: verify: an incomplete write's marker is left: %s", quadKey(q))
		}
		if q.Label == commitLogLabel {
			continue // the commit log (PostgreSQL, follow.go)
		}
		if q.Label == stateLabel {
			if seen["state"]++; q != tokenQuad(s.token) {
				return n, fmt.Errorf("graph: verify: state token %s, read model has %q", quadKey(q), s.token)
			}
			continue
		}
		n++
		seen[quadKey(q)]++
	}
	var problems []string
	if s.token != "" && seen["state"] != 1 {
		problems = append(problems, fmt.Sprintf("state token quads: %d, want 1", seen["state"]))
	}
	delete(seen, "state")
	model := map[string]bool{}
	ix := s.idx.Load()
	ix.eachQuad(func(q qt) { model[quadKey(ix.t.quadOf(q))] = true })
	for k, c := range seen {
		if c > 1 {
			problems = append(problems, fmt.Sprintf("duplicate quad (%d×): %s", c, k))
		}
		if !model[k] {
			problems = append(problems, "in store, not in read model: "+k)
		}
	}
	for k := range model {
		if seen[k] == 0 {
			problems = append(problems, "in read model, not in store: "+k)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return n, fmt.Errorf("graph: verify: %d problems, first: %s", len(problems), problems[0])
	}
	if err := s.verifyReleases(ctx); err != nil {
		return n, fmt.Errorf("graph: verify: %w", err)
	}
	return n, nil
}

// QuadCount returns the number of stored quads.
func (s *Store) QuadCount() int { return s.idx.Load().quads }

// Empty reports whether the store holds no quads.
func (s *Store) Empty() bool { return s.QuadCount() == 0 }

func typeCounts(m map[NodeType]int) []TypeCount {
	out := []TypeCount{}
	for t, n := range m {
		out = append(out, TypeCount{Type: t, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}
