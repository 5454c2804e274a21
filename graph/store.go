package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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

	mu    sync.Mutex           // the single writer
	quads map[string]quad.Quad // every stored quad, by key; owned by the writer

	idx    atomic.Pointer[index]
	search *searchIndex // full-text index, kept in step by write (search_index.go)
	reads  atomic.Int64
	closed atomic.Bool
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
	s := &Store{h: h, now: cfg.Now, quads: map[string]quad.Quad{}}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.load(ctx); err != nil {
		h.Close()
		return nil, err
	}
	// Search index: reused when its fingerprint matches the quads just loaded, else rebuilt.
	if s.search, err = openSearch(ctx, searchDir(cfg), s.idx.Load(), fingerprintOf(s.quads)); err != nil {
		h.Close()
		return nil, err
	}
	return s, nil
}

// load reads every quad from the quad store and builds the read model.
func (s *Store) load(ctx context.Context) error {
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
		s.quads[quadKey(q)] = q
	}
	s.idx.Store(buildIndex(s.quads))
	return nil
}

// Close closes the quad store.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.h.Close(), s.search.close()) // search.close: the full-text index
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
	ix := s.idx.Load()
	c, err := compile(cs, ix)
	if err != nil {
		return nil, err
	}
	label := quad.IRI(c.batch)
	if err := s.checkConflicts(c, label); err != nil {
		return nil, err
	}
	// The batch node itself. A re-load keeps the first load's time, so that loading the same
	// content again is a no-op.
	meta := []quad.Quad{{Subject: label, Predicate: predType, Object: typeIRI(TypeBatch), Label: label}}
	if bn := ix.nodes[c.batch]; bn != nil && len(bn.props["loadedAt"]) > 0 {
		for _, p := range []string{"loadedAt", "loadedBy", "description", "file"} {
			for _, v := range bn.props[p] {
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
	rep, adds, removes := s.diffBatch(ix, c, label, append(meta, c.quads...), dryRun)
	if len(removes) > 0 {
		if err := s.checkRemovable(ix, removes, adds, c.batch); err != nil {
			return nil, err
		}
	}
	if dryRun || rep.NoChange {
		return rep, nil
	}
	if err := s.write(adds, removes); err != nil {
		return nil, err
	}
	return rep, nil
}

// diffBatch compares what a batch states (want) with what its label holds in the store: the
// quads to add, the quads to remove, and the report's counts.
func (s *Store) diffBatch(ix *index, c *compiled, label quad.IRI, want []quad.Quad, dryRun bool) (*Report, []quad.Quad, []quad.Quad) {
	wanted := make(map[string]quad.Quad, len(want))
	for _, q := range want {
		wanted[quadKey(q)] = q
	}
	rep := &Report{Batch: string(label), DryRun: dryRun}
	var adds, removes []quad.Quad
	for k, q := range wanted {
		if _, ok := s.quads[k]; ok {
			rep.Unchanged++
		} else {
			adds = append(adds, q)
		}
	}
	for k, q := range s.quads {
		if q.Label == label {
			if _, ok := wanted[k]; !ok {
				removes = append(removes, q)
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
	rep.Changed = changedCounts(ix, c.nodes, adds, removes) // sources_dedup.go
	return rep, adds, removes
}

// Rollback removes exactly the quads of one batch. It refuses (ErrConflict) when a later batch
// points at a node that would disappear, naming the dependent batches.
func (s *Store) Rollback(ctx context.Context, batchID string, dryRun bool) (*Report, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
	label := quad.IRI(id)
	var removes []quad.Quad
	for _, q := range s.quads {
		if q.Label == label {
			removes = append(removes, q)
		}
	}
	if err := s.checkRemovable(ix, removes, nil, id); err != nil {
		return nil, err
	}
	rep := &Report{Batch: id, DryRun: dryRun, Removed: len(removes), New: []TypeCount{}, Total: typeCounts(ix.batchTypes[id])}
	if dryRun {
		return rep, nil
	}
	if err := s.write(nil, removes); err != nil {
		return nil, err
	}
	return rep, nil
}

// checkConflicts rejects a changeset that gives a single-valued field of an existing node a
// value other than the one another batch stated: conflicting facts are reported, never
// silently merged or overwritten. (A batch may change its own earlier values.)
func (s *Store) checkConflicts(c *compiled, label quad.IRI) error {
	if len(c.single) == 0 {
		return nil
	}
	type sp struct{ s, p string }
	newVals := map[sp][]quad.Value{}
	for _, q := range c.quads {
		k := sp{string(q.Subject.(quad.IRI)), strings.TrimPrefix(string(q.Predicate.(quad.IRI)), prefix)}
		if _, ok := c.single[k.s+" "+k.p]; ok {
			newVals[k] = append(newVals[k], q.Object)
		}
	}
	var ps Problems
	seen := map[string]bool{}
	for _, q := range s.quads {
		if q.Label == label {
			continue
		}
		subj, _ := q.Subject.(quad.IRI)
		pred, _ := q.Predicate.(quad.IRI)
		k := sp{string(subj), strings.TrimPrefix(string(pred), prefix)}
		vals, ok := newVals[k]
		if !ok || sameValue(vals, q.Object) {
			continue
		}
		if ls, isLang := q.Object.(quad.LangString); isLang && !hasLang(vals, ls.Lang) {
			continue // the new batch says nothing in this language
		}
		key := k.s + " " + k.p + " " + quad.StringOf(q.Object)
		if seen[key] {
			continue
		}
		seen[key] = true
		pos := c.single[k.s+" "+k.p]
		ps.Addf(pos.File, pos.Line, pos.Column, k.p, "conflict: %s %s differs: %s (stored, from %s) vs %s (this batch); resolve the conflict in one of the batches",
			ShortID(k.s), k.p, quad.StringOf(q.Object), ShortID(string(q.Label.(quad.IRI))), quad.StringOf(vals[0]))
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
func (s *Store) checkRemovable(ix *index, removes, adds []quad.Quad, batch string) error {
	gone := map[string]bool{}
	for _, q := range removes {
		gone[quadKey(q)] = true
	}
	// Nodes whose every type quad is removed and not re-added vanish.
	typed := map[string]bool{}
	for k, q := range s.quads {
		if q.Predicate == predType && !gone[k] {
			typed[string(q.Subject.(quad.IRI))] = true
		}
	}
	for _, q := range adds {
		if q.Predicate == predType {
			typed[string(q.Subject.(quad.IRI))] = true
		}
	}
	dependents := map[string][]string{}
	for k, q := range s.quads {
		if gone[k] {
			continue
		}
		o, ok := q.Object.(quad.IRI)
		if !ok || q.Predicate == predType || typed[string(o)] || ix.nodes[string(o)] == nil {
			continue
		}
		l := string(q.Label.(quad.IRI))
		dependents[l] = append(dependents[l], ShortID(string(q.Subject.(quad.IRI)))+" → "+ShortID(string(o)))
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

// write applies one transaction to the quad store and then to the read model.
func (s *Store) write(adds, removes []quad.Quad) error {
	tx := cayley.NewTransaction()
	for _, q := range removes {
		tx.RemoveQuad(q)
	}
	for _, q := range adds {
		tx.AddQuad(q)
	}
	if err := s.h.ApplyTransaction(tx); err != nil {
		return fmt.Errorf("graph: write %d quads, remove %d: %w", len(adds), len(removes), err)
	}
	for _, q := range removes {
		delete(s.quads, quadKey(q))
	}
	for _, q := range adds {
		s.quads[quadKey(q)] = q
	}
	ix := buildIndex(s.quads)
	s.search.update(ix, adds, removes) // before readers see ix: see search_index.go
	s.idx.Store(ix)
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
		n++
		seen[quadKey(q)]++
	}
	var problems []string
	for k, c := range seen {
		if c > 1 {
			problems = append(problems, fmt.Sprintf("duplicate quad (%d×): %s", c, k))
		}
		if _, ok := s.quads[k]; !ok {
			problems = append(problems, "in store, not in read model: "+k)
		}
	}
	for k := range s.quads {
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
