package graph

import (
	clist "container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cayleygraph/cayley"
	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// Releases. A release is a named, frozen copy of the whole knowledge base, kept in the quad
// store itself (so that every server process sharing a store, bolt or SQL, sees the same
// releases; nothing lives in side files). All of it is quads about kring:release/<name>, under
// the label kring:releases:
//
//   - its record: name, note, creator, time, quad count and checksum (SHA-256 of the sorted
//     quads as the live store held them), and kring:releases kring:hasRelease <release>, by
//     which the releases are listed.
//   - its content: every quad of the live store at the moment of the release (batch records
//     included, each quad with its own label), in a compact encoding: chunks of about
//     releaseChunkBytes, each a string literal holding a sequence number and one JSON line per
//     quad (the four terms in the read model's own lossless term encoding).
//
// Why chunks rather than one quad per quad: Cayley's key-value backends index quads by subject
// and by object, not by label, so copies under a release label could only be found again by
// reading every quad of the store (1.5 s for the bundled KB on bolt, growing with every
// release); the chunks are found through the subject index and decode in milliseconds. The
// live content is left as it was: a batch rolled back or an item edited later removes live
// quads only, so a release does not depend on batch ids and survives every later change.
//
// The kring:releases label is skipped wherever the live content is read (the read model,
// Verify; the search index, Export, the start-up snapshot and QuadCount read the read model),
// so a release changes neither the live content nor the state token: the start-up snapshot and
// the search index stay valid. A release's own read model is built on demand from its content
// (by the same buildIndex as the live one) and cached (releaseCacheSize); PinRelease hands it to
// a request, so reads as of a release run exactly the code live reads run.

// releaseCacheSize is how many release read models are kept in memory.
const releaseCacheSize = 2

// releaseChunkBytes is about how much encoded content one chunk literal holds.
const releaseChunkBytes = 64 << 10

var (
	releasesLabel = quad.IRI(prefix + "releases")
	releasesIRI   = quad.IRI(prefix + "releases")
	releaseType   = quad.IRI(prefix + "type/RELEASE")
	releasePrefix = prefix + "release/"
)

// Predicates of a release's record.
const (
	relName, relNote, relBy, relAt, relQuads, relSum, relChunk, relHas = "releaseName", "releaseNote", "releaseCreatedBy", "releaseCreatedAt", "releaseQuads", "releaseChecksum", "releaseChunk", "hasRelease"
)

// validRelease is what a release name may look like.
var validRelease = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]*$`)

// MaxReleaseName is the longest release name.
const MaxReleaseName = 40

// Release is a named, frozen state of the whole knowledge base.
type Release struct {
	Name      string `json:"name"`
	Note      string `json:"note"`
	CreatedBy string `json:"createdBy"`
	CreatedAt string `json:"createdAt"` // RFC 3339
	// Quads is the number of quads in the release; Checksum the SHA-256 (hex) of their sorted
	// keys (subject, predicate, object and label, as in the live store).
	Quads    int    `json:"quads"`
	Checksum string `json:"checksum"`
	chunks   []string
}

// isReleaseLabel reports whether a quad's label belongs to the releases (also the labels
// kring:release/... that no version writes: kept out of the live content all the same).
func isReleaseLabel(l quad.Value) bool {
	iri, ok := l.(quad.IRI)
	return ok && (iri == releasesLabel || strings.HasPrefix(string(iri), releasePrefix))
}

func releaseIRI(name string) quad.IRI { return quad.IRI(releasePrefix + name) }

// contentIRI is the subject of a release's content chunks: apart from its record, so that
// reading the record (listing releases) does not read the content.
func contentIRI(name string) quad.IRI { return quad.IRI(releasePrefix + name + "/content") }

// CheckReleaseName validates a release name (ErrInvalid with why).
func CheckReleaseName(name string) error {
	if len(name) > MaxReleaseName || !validRelease.MatchString(name) {
		return fmt.Errorf("graph: release name %q: want letters, digits, '.', '_' or '-', starting with a letter or digit, at most %d characters: %w", name, MaxReleaseName, ErrInvalid)
	}
	return nil
}

// encodeChunks encodes quads as chunk literals: "<sequence, 8 digits>\n" then one JSON array of
// four term encodings a line.
func encodeChunks(ix *index) ([]string, int) {
	var out []string
	var b strings.Builder
	n := 0
	seq := func() { fmt.Fprintf(&b, "%08d\n", len(out)) }
	seq()
	line := make([]string, 4)
	ix.eachQuad(func(q qt) {
		for i, id := range q {
			line[i] = ix.t.str(id)
		}
		j, _ := json.Marshal(line) // strings only: cannot fail
		b.Write(j)
		b.WriteByte('\n')
		n++
		if b.Len() >= releaseChunkBytes {
			out = append(out, b.String())
			b.Reset()
			seq()
		}
	})
	if b.Len() > 9 {
		out = append(out, b.String())
	}
	return out, n
}

// decodeChunks is the inverse of encodeChunks: the quads, in chunk order.
func decodeChunks(name string, chunks []string) ([]quad.Quad, error) {
	sorted := slices.Clone(chunks)
	sort.Strings(sorted) // by sequence number
	var out []quad.Quad
	var line [4]string
	for i, c := range sorted {
		head, body, ok := strings.Cut(c, "\n")
		if seq, err := strconv.Atoi(head); !ok || err != nil || seq != i {
			return nil, fmt.Errorf("graph: release %s: chunk %d of %d is missing or damaged: %w", name, i, len(sorted), ErrUnavailable)
		}
		for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
			if err := json.Unmarshal([]byte(l), &line); err != nil || line[0] == "" || line[1] == "" || line[2] == "" || line[3] == "" {
				return nil, fmt.Errorf("graph: release %s: chunk %d: damaged quad: %w", name, i, ErrUnavailable)
			}
			q := quad.Quad{Subject: decodeTerm(line[0]), Predicate: decodeTerm(line[1]), Object: decodeTerm(line[2])}
			if line[3] != noLabel {
				q.Label = decodeTerm(line[3])
			}
			out = append(out, q)
		}
	}
	return out, nil
}

// releaseCache keeps the read models of the releases used last.
type releaseCache struct {
	mu    sync.Mutex
	order *clist.List // of *releaseEntry, most recent first
}

type releaseEntry struct {
	name string
	once sync.Once
	ix   *index
	err  error
}

// get returns the entry of name, adding it (and dropping the oldest) when missing.
func (c *releaseCache) get(name string) *releaseEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.order == nil {
		c.order = clist.New()
	}
	for e := c.order.Front(); e != nil; e = e.Next() {
		if re := e.Value.(*releaseEntry); re.name == name {
			c.order.MoveToFront(e)
			return re
		}
	}
	re := &releaseEntry{name: name}
	c.order.PushFront(re)
	for c.order.Len() > releaseCacheSize {
		c.order.Remove(c.order.Back())
	}
	return re
}

// drop forgets name's entry (after a failed build, so that the next use tries again).
func (c *releaseCache) drop(re *releaseEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.order.Front(); e != nil; e = e.Next() {
		if e.Value == re {
			c.order.Remove(e)
			return
		}
	}
}

// CreateRelease freezes the live content as release name, with a note, by author, in one
// Cayley transaction that also renews the state token. A name in use is ErrConflict; an invalid one ErrInvalid.
func (s *Store) CreateRelease(ctx context.Context, name, note, author string) (*Release, error) {
	if err := CheckReleaseName(name); err != nil {
		return nil, err
	}
	if s.readOnly {
		return nil, ErrReadOnly
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return nil, ErrClosed
	}
	if err := s.quadsReady(); err != nil {
		return nil, err
	}
	// PostgreSQL: one writer across processes (so that a name is taken once), on the newest
	// stored state (postgres.go).
	unlock, err := s.beginWrite(ctx, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := s.readRelease(ctx, name, false); err == nil {
		return nil, fmt.Errorf("graph: release %q exists already: %w", name, ErrConflict)
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	ix := s.idx.Load()
	chunks, n := encodeChunks(ix)
	keys := make([]string, 0, n)
	ix.eachQuad(func(q qt) { keys = append(keys, quadKey(ix.t.quadOf(q))) })
	rel := &Release{Name: name, Note: note, CreatedBy: author, CreatedAt: s.now().UTC().Format(time.RFC3339),
		Quads: n, Checksum: keyChecksum(keys)}
	subj := releaseIRI(name)
	meta := []quad.Quad{
		{Subject: releasesIRI, Predicate: predIRI(relHas), Object: subj},
		{Subject: subj, Predicate: predType, Object: releaseType},
		{Subject: subj, Predicate: predIRI(relName), Object: quad.String(name)},
		{Subject: subj, Predicate: predIRI(relNote), Object: quad.String(note)},
		{Subject: subj, Predicate: predIRI(relBy), Object: quad.String(author)},
		{Subject: subj, Predicate: predIRI(relAt), Object: quad.String(rel.CreatedAt)},
		{Subject: subj, Predicate: predIRI(relQuads), Object: quad.Int(rel.Quads)},
		{Subject: subj, Predicate: predIRI(relSum), Object: quad.String(rel.Checksum)},
	}
	for _, c := range chunks {
		meta = append(meta, quad.Quad{Subject: contentIRI(name), Predicate: predIRI(relChunk), Object: quad.String(c)})
	}
	for i := range meta {
		meta[i].Label = releasesLabel
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A release is a write like any other (write: a new state token, the commit log on
	// PostgreSQL, the snapshot), that leaves the live content as it is: what depends on the
	// version sees it — the response cache (a cached list of releases), and replicas following
	// the token.
	if err := s.writeWith(ix, nil, nil, nil, meta); err != nil {
		return nil, fmt.Errorf("graph: release %s: %w", name, err)
	}
	return rel, nil
}

// quadChecksum is the SHA-256 of the sorted keys of quads.
func quadChecksum(qs []quad.Quad) string {
	keys := make([]string, len(qs))
	for i, q := range qs {
		keys[i] = quadKey(q)
	}
	return keyChecksum(keys)
}

// keyChecksum is the SHA-256 of quad keys, sorted (keys is sorted in place).
func keyChecksum(keys []string) string {
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Releases lists the releases, oldest first.
func (s *Store) Releases(ctx context.Context) ([]*Release, error) {
	var names []string
	err := s.readQuads(func(h cgraph.QuadStore) error {
		return cayley.StartPath(h, releasesIRI).Out(predIRI(relHas)).Iterate(ctx).EachValue(nil, func(v quad.Value) error {
			if iri, ok := v.(quad.IRI); ok {
				names = append(names, strings.TrimPrefix(string(iri), releasePrefix))
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: releases: %w", err)
	}
	slices.Sort(names)
	names = slices.Compact(names) // a value read twice (Cayley #675)
	out := make([]*Release, 0, len(names))
	for _, name := range names {
		r, err := s.readRelease(ctx, name, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt < out[j].CreatedAt })
	return out, nil
}

// Release returns one release (ErrNotFound naming it when there is none).
func (s *Store) Release(ctx context.Context, name string) (*Release, error) {
	return s.readRelease(ctx, name, false)
}

// readRelease reads a release's record (through the subject index), and with content also its
// content chunks.
func (s *Store) readRelease(ctx context.Context, name string, content bool) (*Release, error) {
	r := &Release{Name: name}
	subjects := []quad.IRI{releaseIRI(name)}
	if content {
		subjects = append(subjects, contentIRI(name))
	}
	err := s.readQuads(func(h cgraph.QuadStore) error {
		for _, subj := range subjects {
			ref, err := h.ValueOf(subj)
			if err != nil {
				return err
			}
			if ref == nil {
				continue
			}
			it := h.QuadIterator(quad.Subject, ref).Iterate()
			for it.Next(ctx) {
				q, err := h.Quad(it.Result())
				if err != nil {
					it.Close()
					return err
				}
				if q.Label == releasesLabel {
					r.set(q)
				}
			}
			err = it.Err()
			it.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: release %q: %w", name, err)
	}
	if r.Checksum == "" {
		return nil, fmt.Errorf("graph: release %q: %w", name, ErrNotFound)
	}
	slices.Sort(r.chunks)
	r.chunks = slices.Compact(r.chunks) // a quad read twice (Cayley #675)
	return r, nil
}

// set takes one quad of a release's record.
func (r *Release) set(q quad.Quad) {
	p, _ := q.Predicate.(quad.IRI)
	str := func() string {
		if v, ok := q.Object.(quad.String); ok {
			return string(v)
		}
		return quad.StringOf(q.Object)
	}
	switch strings.TrimPrefix(string(p), prefix) {
	case relName:
		r.Name = str()
	case relNote:
		r.Note = str()
	case relBy:
		r.CreatedBy = str()
	case relAt:
		r.CreatedAt = str()
	case relSum:
		r.Checksum = str()
	case relQuads:
		if v, ok := q.Object.(quad.Int); ok {
			r.Quads = int(v)
		}
	case relChunk:
		r.chunks = append(r.chunks, str())
	}
}

// readQuads runs f on the quad store, ordered with Cayley writes (qsMu).
func (s *Store) readQuads(f func(h cgraph.QuadStore) error) error {
	s.qsMu.RLock()
	defer s.qsMu.RUnlock()
	if s.closed.Load() {
		return ErrClosed
	}
	if s.h == nil {
		return storageError("reading the quad store", ErrUnavailable)
	}
	return f(s.h.QuadStore)
}

// releaseQuads decodes the content of release r and checks it against its record (count,
// checksum, no quad twice).
func (s *Store) releaseQuads(r *Release) ([]quad.Quad, error) {
	qs, err := decodeChunks(r.Name, r.chunks)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(qs))
	for i, q := range qs {
		keys[i] = quadKey(q)
	}
	sum := keyChecksum(keys) // sorts keys
	for i := 1; i < len(keys); i++ {
		if keys[i] == keys[i-1] {
			return nil, fmt.Errorf("graph: release %s: quad twice: %s: %w", r.Name, keys[i], ErrUnavailable)
		}
	}
	if len(qs) != r.Quads || sum != r.Checksum {
		return nil, fmt.Errorf("graph: release %s: %d quads with checksum %s, its record says %d and %s: %w", r.Name, len(qs), sum, r.Quads, r.Checksum, ErrUnavailable)
	}
	return qs, nil
}

// releaseIndex returns the read model of release name, built on first use and cached.
func (s *Store) releaseIndex(ctx context.Context, name string) (*index, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	if err := CheckReleaseName(name); err != nil {
		return nil, fmt.Errorf("graph: release %q: %w", name, ErrNotFound)
	}
	re := s.releases.get(name)
	re.once.Do(func() {
		re.ix, re.err = s.buildRelease(ctx, name)
	})
	if re.err != nil {
		s.releases.drop(re)
		return nil, re.err
	}
	return re.ix, nil
}

// buildRelease reads release name's quads into a read model of its own (own term table).
func (s *Store) buildRelease(ctx context.Context, name string) (*index, error) {
	r, err := s.readRelease(ctx, name, true)
	if err != nil {
		return nil, err
	}
	qs, err := s.releaseQuads(r)
	if err != nil {
		return nil, err
	}
	t := &terms{ids: map[string]uint32{}}
	typePred := t.intern(mustEncode(predType))
	var conv quadConv
	ids := make([]qt, 0, len(qs))
	for _, q := range qs {
		id, err := conv.intern(t, q)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	ix := buildIndex(t, ids, typePred, false)
	ix.token = "release:" + name
	ix.release = name
	return ix, nil
}

// PinRelease returns ctx under which every read of s sees release name (ErrNotFound naming it
// when there is no such release). Writes refuse to run under it (see PinnedRelease).
func (s *Store) PinRelease(ctx context.Context, name string) (context.Context, error) {
	ix, err := s.releaseIndex(ctx, name)
	if err != nil {
		return ctx, err
	}
	p := &pin{ix: ix}
	p.once.Do(func() {})
	return context.WithValue(ctx, pinKey{}, p), nil
}

// PinnedRelease returns the release ctx is pinned to ("" for live content).
func PinnedRelease(ctx context.Context) string {
	if p, ok := ctx.Value(pinKey{}).(*pin); ok && p != nil && p.ix != nil {
		return p.ix.release
	}
	return ""
}

// ReleaseDiff is what changed between two states of the knowledge base.
type ReleaseDiff struct {
	From   string `json:"from"`
	Target string `json:"to"` // "" for the live content
	// Per node type, sorted by type: nodes only in To, nodes in both whose fields differ, and
	// nodes only in From.
	Added   []*TypeChange `json:"added"`
	Changed []*TypeChange `json:"changed"`
	Removed []*TypeChange `json:"removed"`
}

// To is the release compared with; nil for the live content.
func (d *ReleaseDiff) To() *string {
	if d.Target == "" {
		return nil
	}
	return &d.Target
}

// TypeChange is the change of one node type.
type TypeChange struct {
	Type  NodeType      `json:"type"`
	Count int           `json:"count"`
	Items []*ChangeItem `json:"items"` // sorted by id
}

// ChangeItem is one node added, changed or removed.
type ChangeItem struct {
	ID    string    `json:"id"`
	Type  NodeType  `json:"type"`
	Names TextValue `json:"label"`
	// Fields are the fields (predicate local names; "type" for the node's type) whose values
	// differ, for changed nodes.
	Fields []string `json:"fields"`
}

// Label returns the item's label in lang (falling back to the other language, then the id).
func (c *ChangeItem) Label(lang Lang) string {
	if l := c.Names.In(lang); l != "" {
		return l
	}
	return ShortID(c.ID)
}

// ReleaseDiff compares release from with release to (the live content when to is ""), node
// by node: added and removed by id, changed when the same id has other field values (which
// batch states a value does not count).
func (s *Store) ReleaseDiff(ctx context.Context, from, to string) (*ReleaseDiff, error) {
	a, err := s.releaseIndex(ctx, from)
	if err != nil {
		return nil, err
	}
	var b *index
	if to == "" {
		b = s.idx.Load()
	} else if b, err = s.releaseIndex(ctx, to); err != nil {
		return nil, err
	}
	return diffIndexes(ctx, a, b, from, to)
}

func diffIndexes(ctx context.Context, a, b *index, from, to string) (*ReleaseDiff, error) {
	added, changed, removed := map[NodeType][]*ChangeItem{}, map[NodeType][]*ChangeItem{}, map[NodeType][]*ChangeItem{}
	i := 0
	for id, nb := range b.nodes {
		if i++; i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		na := a.nodes[id]
		if na == nil {
			added[nb.typ] = append(added[nb.typ], itemOf(nb, nil))
			continue
		}
		if fs := diffFields(na, nb); len(fs) > 0 {
			changed[nb.typ] = append(changed[nb.typ], itemOf(nb, fs))
		}
	}
	for id, na := range a.nodes {
		if b.nodes[id] == nil {
			removed[na.typ] = append(removed[na.typ], itemOf(na, nil))
		}
	}
	return &ReleaseDiff{From: from, Target: to, Added: typeChanges(added), Changed: typeChanges(changed), Removed: typeChanges(removed)}, nil
}

func typeChanges(m map[NodeType][]*ChangeItem) []*TypeChange {
	out := []*TypeChange{}
	for t, items := range m {
		sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
		out = append(out, &TypeChange{Type: t, Count: len(items), Items: items})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

func itemOf(n *node, fields []string) *ChangeItem {
	it := &ChangeItem{ID: n.id, Type: n.typ, Fields: fields}
	for _, p := range []string{"name", "label", "title", "statement"} {
		if n.has(p) {
			it.Names = n.text(p)
			if it.Names.NL != "" || it.Names.EN != "" {
				break
			}
		}
	}
	if it.Fields == nil {
		it.Fields = []string{}
	}
	return it
}

// nodeFields returns a node's field values (predicate local name → sorted distinct values),
// whichever batches state them.
func nodeFields(n *node) map[string][]string {
	out := map[string][]string{}
	for _, e := range n.out {
		p := n.t.iri(e.p)
		if n.t.str(e.p) == mustEncodePredType {
			p = "type"
		} else {
			p = strings.TrimPrefix(p, prefix)
		}
		out[p] = append(out[p], n.t.str(e.o))
	}
	for p, vs := range out {
		sort.Strings(vs)
		out[p] = slices.Compact(vs)
	}
	return out
}

var mustEncodePredType = mustEncode(predType)

// diffFields returns the fields whose values differ between two versions of a node, sorted.
func diffFields(a, b *node) []string {
	fa, fb := nodeFields(a), nodeFields(b)
	var out []string
	for p, va := range fa {
		if !slices.Equal(va, fb[p]) {
			out = append(out, p)
		}
	}
	for p := range fb {
		if _, ok := fa[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// verifyReleases checks every release's content against its record: it decodes, holds no quad
// twice, and has the recorded count and checksum.
func (s *Store) verifyReleases(ctx context.Context) error {
	rels, err := s.Releases(ctx)
	if err != nil {
		return err
	}
	for _, r := range rels {
		if r, err = s.readRelease(ctx, r.Name, true); err != nil {
			return err
		}
		if _, err := s.releaseQuads(r); err != nil {
			return err
		}
	}
	return nil
}
