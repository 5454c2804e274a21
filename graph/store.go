package graph

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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
	Backend string // BackendBolt (default) or BackendMemory
	Path    string // data directory, for bolt
	// Now returns the current time (for batch timestamps); time.Now when nil.
	Now func() time.Time
}

// Store is Kring's knowledge graph. It is safe for concurrent use: reads are served from an
// immutable read model; writes are serialised through one writer (bbolt must not see
// concurrent writers, Cayley #712).
type Store struct {
	h   *cayley.Handle
	now func() time.Time

	mu       sync.Mutex // the single writer; it owns what follows up to idx
	t        *terms
	typePred uint32
	// labels lists, per batch label, the subjects of its quads. Built on the first write.
	labels map[uint32]map[uint32]struct{}
	// token is the store's state token (see snapshot.go); snapPath and snapToken say where the
	// start-up snapshot lives ("" for the memory backend) and which state it holds.
	token, snapPath, snapToken string
	info                       OpenInfo

	idx    atomic.Pointer[index]
	search *searchIndex // full-text index, kept in step by write (search_index.go)
	reads  atomic.Int64
	closed atomic.Bool
}

// The state token: one quad, rewritten by every write in the write's transaction.
var (
	stateIRI   = quad.IRI(prefix + "state")
	statePred  = quad.IRI(prefix + "stateToken")
	stateLabel = quad.IRI(prefix + "state")
)

// writeHook, when set (by tests), sees every write's read models and quads.
var writeHook func(old, nx *index, adds, removes []qt)

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
}

// Open opens (creating when needed) the quad store and builds the read model from it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	var (
		h   *cayley.Handle
		err error
	)
	switch cfg.Backend {
	case BackendMemory:
		h, err = cayley.NewMemoryGraph()
	case BackendBolt, "":
		if cfg.Path == "" {
			return nil, fmt.Errorf("graph: open bolt: no data directory given")
		}
		opts := cgraph.Options{"no_bloom": true}
		if err := os.MkdirAll(cfg.Path, 0o700); err != nil {
			return nil, fmt.Errorf("graph: open bolt: %w", err)
		}
		if err := cgraph.InitQuadStore("bbolt", cfg.Path, opts); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
			return nil, fmt.Errorf("graph: init bolt store in %s: %w", cfg.Path, err)
		}
		h, err = cayley.NewGraph("bbolt", cfg.Path, opts)
	default:
		return nil, fmt.Errorf("graph: unknown backend %q (want %q or %q)", cfg.Backend, BackendBolt, BackendMemory)
	}
	if err != nil {
		return nil, fmt.Errorf("graph: open %s store: %w", cfg.Backend, err)
	}
	s := &Store{h: h, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if cfg.Backend != BackendMemory {
		s.snapPath = filepath.Join(cfg.Path, snapshotFile)
	}
	if err := s.load(ctx); err != nil {
		h.Close()
		return nil, err
	}
	// Search index: reused when its fingerprint matches the store's state, else rebuilt.
	if s.search, err = openSearch(ctx, searchDir(cfg), s.idx.Load(), s.token); err != nil {
		h.Close()
		return nil, err
	}
	return s, nil
}

// Info says how the read model was loaded.
func (s *Store) Info() OpenInfo { return s.info }

// readToken returns the store's state token ("" when it has none: an empty store, or one
// written before tokens existed).
func (s *Store) readToken(ctx context.Context) (string, error) {
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
	if s.snapPath != "" {
		// Left-overs of a snapshot write cut short (bolt's file lock says no one else writes).
		if tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(s.snapPath), ".readmodel-*.tmp")); len(tmps) > 0 {
			for _, f := range tmps {
				os.Remove(f)
			}
		}
		t, quads, err := readSnapshot(s.snapPath, token)
		if err == nil {
			s.t = t
			enc := mustEncode(predType)
			var ok bool
			if s.typePred, ok = t.find(enc); !ok {
				s.typePred = t.append(enc) // an empty store
			}
			s.idx.Store(buildIndex(t, quads, s.typePred, true))
			s.snapToken = token
			s.info = OpenInfo{FromSnapshot: true}
			return nil
		}
		s.info.Reason = err.Error()
	}
	s.t = &terms{ids: map[string]uint32{}}
	s.typePred = s.t.intern(mustEncode(predType))
	var quads []qt
	var conv quadConv
	r := cgraph.NewQuadStoreReader(s.h.QuadStore)
	defer r.Close()
	for i := 0; ; i++ {
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
		if q.Label == stateLabel {
			continue
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
	s.idx.Store(buildIndex(s.t, quads, s.typePred, false))
	if s.snapPath != "" {
		if err := writeSnapshot(s.snapPath, token, s.idx.Load()); err != nil {
			slog.Warn("start-up snapshot not written", "err", err)
		} else {
			s.snapToken = token
		}
	}
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
// quad store and the search index.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var snapErr error
	if s.snapPath != "" && s.snapToken != s.token {
		if snapErr = writeSnapshot(s.snapPath, s.token, s.idx.Load()); snapErr == nil {
			s.snapToken = s.token
		}
	}
	return errors.Join(snapErr, s.h.Close(), s.search.close()) // search.close: the full-text index
}

func (s *Store) index(ctx context.Context) (*index, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.reads.Add(1)
	return s.idx.Load(), nil
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

// Apply validates a changeset and writes it as one batch, atomically: after Apply either the
// whole batch is stored or nothing changed. Loading the same batch again changes nothing; a
// batch id that exists already is replaced by the new content (quads no longer stated are
// removed), unless another batch depends on what would be removed (ErrConflict). With dryRun
// the report says what would change and nothing is written.
func (s *Store) Apply(ctx context.Context, cs *Changeset, dryRun bool) (*Report, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writerReady()
	ix := s.idx.Load()
	c, err := compile(cs, ix)
	if err != nil {
		return nil, err
	}
	label := quad.IRI(c.batch)
	// Conflicts are checked while the batch is compared with the store (both only read).
	var conflicts error
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		conflicts = s.checkConflicts(ix, c, label)
	}()
	// The batch node itself. A re-load keeps the first load's time, so that loading the same
	// content again is a no-op.
	meta := []quad.Quad{{Subject: label, Predicate: predType, Object: typeIRI(TypeBatch), Label: label}}
	if bn := ix.nodes[c.batch]; bn != nil && bn.has("loadedAt") {
		for _, p := range []string{"loadedAt", "loadedBy", "description", "file"} {
			for _, v := range bn.values(p) {
				meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI(p), Object: v, Label: label})
			}
		}
	} else {
		at := cs.LoadedAt
		if at == "" {
			at = s.now().UTC().Format(time.RFC3339)
		}
		meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI("loadedAt"), Object: quad.String(at), Label: label})
		if cs.LoadedBy != "" {
			meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI("loadedBy"), Object: quad.String(cs.LoadedBy), Label: label})
		}
		if cs.Description != "" {
			meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI("description"), Object: quad.String(cs.Description), Label: label})
		}
		if len(cs.Files) > 0 {
			b, _ := jsonString(cs.Files)
			meta = append(meta, quad.Quad{Subject: label, Predicate: predIRI("file"), Object: quad.String(b), Label: label})
		}
	}
	rep, adds, removes, addQuads, err := s.diffBatch(ix, c, label, append(meta, c.quads...), dryRun)
	<-checked
	if conflicts != nil {
		return nil, conflicts
	}
	if err != nil {
		return nil, err
	}
	if len(removes) > 0 {
		if err := s.checkRemovable(ix, removes, adds, c.batch); err != nil {
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

// diffBatch compares what a batch states (want) with what its label holds in the store: the
// quads to add, the quads to remove, and the report's counts.
func (s *Store) diffBatch(ix *index, c *compiled, label quad.IRI, want []quad.Quad, dryRun bool) (*Report, []qt, []qt, []quad.Quad, error) {
	wanted := make(map[qt]struct{}, len(want))
	rep := &Report{Batch: string(label), DryRun: dryRun}
	var adds, removes []qt
	var addQuads, removeQuads []quad.Quad
	var conv quadConv
	for _, q := range want {
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
	rep.Changed = changedCounts(ix, c.nodes, addQuads, removeQuads) // sources_dedup.go
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
	if s.closed.Load() {
		return nil, ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
	if err := s.checkRemovable(ix, removes, nil, id); err != nil {
		return nil, err
	}
	rep := &Report{Batch: id, DryRun: dryRun, Removed: len(removes), New: []TypeCount{}, Total: typeCounts(ix.batchTypes[id])}
	if dryRun {
		return rep, nil
	}
	if err := s.write(ix, nil, removes, nil); err != nil {
		return nil, err
	}
	return rep, nil
}

// checkConflicts rejects a changeset that gives a single-valued field of an existing node a
// value other than the one another batch stated: conflicting facts are reported, never
// silently merged or overwritten. (A batch may change its own earlier values.)
func (s *Store) checkConflicts(ix *index, c *compiled, label quad.IRI) error {
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
		pid, ok := s.t.predID(k.p)
		if n == nil || !ok {
			continue
		}
		for _, e := range n.out {
			if e.p != pid || s.t.iri(e.l) == string(label) {
				continue
			}
			v := s.t.value(e.o)
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
			ps.Addf(pos.File, pos.Line, pos.Column, k.p, "conflict: %s %s differs: %s (stored, from %s) vs %s (this batch); resolve the conflict in one of the batches",
				ShortID(k.s), k.p, quad.StringOf(v), ShortID(s.t.iri(e.l)), quad.StringOf(vals[0]))
		}
	}
	return ps.Sorted().Err()
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

// write applies one transaction to the quad store (with a new state token) and then to the
// read model and the search index. The next read model is derived while Cayley commits.
// addQuads, when not nil, are adds as quads (the caller has them; else they are decoded).
func (s *Store) write(ix *index, adds, removes []qt, addQuads []quad.Quad) error {
	token := newToken()
	s.t.notePreds(adds)
	// The next read model and the search index are brought up to date while the transaction is
	// built and Cayley commits; should the commit fail, the search index is put back (the read
	// model is just dropped).
	var nx *index
	done := make(chan struct{})
	go func() {
		defer close(done)
		nx = ix.apply(adds, removes, s.typePred)
		if writeHook != nil {
			writeHook(ix, nx, adds, removes)
		}
		s.search.update(ix, nx, adds, removes, token) // before readers see nx: see search_index.go
	}()
	// The deltas are built directly: adds and removes are distinct already, and
	// Transaction.AddQuad would keep a map of every delta (130 MB for a million quads).
	tx := &cgraph.Transaction{Deltas: make([]cgraph.Delta, 0, len(removes)+len(adds)+2)}
	del := func(q quad.Quad) { tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: q, Action: cgraph.Delete}) }
	add := func(q quad.Quad) { tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: q, Action: cgraph.Add}) }
	for _, q := range removes {
		del(s.t.quadOf(q))
	}
	for i, q := range adds {
		if addQuads != nil {
			add(addQuads[i])
		} else {
			add(s.t.quadOf(q))
		}
	}
	if s.token != "" {
		del(tokenQuad(s.token))
	}
	add(tokenQuad(token))
	err := s.h.ApplyTransaction(tx)
	<-done
	if err != nil {
		s.search.update(nx, ix, removes, adds, s.token)
		return fmt.Errorf("graph: write %d quads, remove %d: %w", len(adds), len(removes), err)
	}
	s.token = token
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
	return nil
}

// Verify re-reads every quad from the quad store and checks it against the read model:
// duplicates (Cayley #675) and any difference are reported as an error.
func (s *Store) Verify(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
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
