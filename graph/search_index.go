package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
)

// The search index is a bleve index derived from the store. It holds one document per node
// that has text (every type but batches), and it is kept in step by the store's single writer:
//
//   - Open opens <data dir>/search.bleve (bolt) or builds an in-memory index (memory backend).
//     The index carries a fingerprint of the store state it reflects (searchVersion and the
//     store's state token, which every write replaces); when it is missing, unreadable or its
//     fingerprint differs from the store's, Open rebuilds it from the read model.
//   - Every write (store.go) derives its next read model and, from it, calls update, which
//     re-derives the documents of the nodes the write may have changed (affectedDocs), indexes
//     or deletes them and sets the new fingerprint, in one bleve batch that scorch applies
//     and persists atomically (a write touching more than searchBatchDocs documents sends
//     several: the first deletes the fingerprint, the last sets the new one). This runs
//     while the write's Cayley transaction is being built;
//     Cayley commits only once the bleve batch has succeeded, and the new read model is
//     swapped in after both. So a node that readers can see is already searchable; Search
//     drops hits that the read model it serves from does not know.
//   - If the bleve batch fails, the write fails (StorageError: "writing the search index"),
//     and nothing is committed to Cayley. The bleve index is then not trusted any more: scorch
//     applies a batch in memory before persisting it and, when persisting fails, closes the
//     new segment that its in-memory root still holds (any later batch or search on that
//     index panics: "assignment to entry in nil map" in zapx). So reset closes it and opens
//     the persisted index again, reused when its fingerprint still matches the store's state
//     and rebuilt from the read model otherwise; when even that fails (the disk is still
//     full), the index is rebuilt in memory, the directory removed so that the next Open
//     rebuilds it, and SearchStale reports it.
//   - If the Cayley commit fails after the bleve batch succeeded, update is run backwards
//     (the documents of the old read model and the old fingerprint); should that fail too,
//     reset.
//
// Concurrency: the writer (holding the store's write lock) is the only one that updates or
// replaces the bleve index; readers search it under mu's read lock, which reset and close take
// exclusively, so that no search runs on an index being closed. bleve itself serves searches
// during a batch.
//
// A crash between the bleve batch and the Cayley commit leaves the new fingerprint in the
// index; the next Open sees that it does not match the store and rebuilds.

// searchVersion is part of the fingerprint: change it whenever the mapping, the analysers or the
// documents change, and every persisted index is rebuilt on its next Open.
const searchVersion = "s3"

// fingerprintKey is the bleve internal key holding the fingerprint.
var fingerprintKey = []byte("kring:fingerprint")

// Document fields. Text goes into one field per group and language, "<group>_<lang>", analysed
// with that language's analyser: names (name, label, title, aliases) apart from other text so
// that they can weigh more, and text in no particular language (aliases, author names, titles
// of sources without a language) in groups of its own, indexed under both languages with half
// the weight, so that matching it in both does not count twice.
const (
	fType       = "type"
	fStatus     = "status"
	fSourceType = "sourceType"
	fWorkModel  = "workModel"
)

// textGroup is a group of text fields and its weight in the query.
type textGroup struct {
	name   string
	weight float64
}

// Text groups: names weigh three times as much as other text.
var (
	groupName     = textGroup{"name", 3}
	groupText     = textGroup{"text", 1}
	groupAnyName  = textGroup{"xname", 1.5}
	groupAnyText  = textGroup{"xtext", 0.5}
	textGroups    = []textGroup{groupName, groupText, groupAnyName, groupAnyText}
	searchedLangs = []Lang{NL, EN}
)

// textField is the document field of a group in a language.
func textField(g textGroup, l Lang) string { return g.name + "_" + strings.ToLower(string(l)) }

// searchDoc is the document indexed for one node.
type searchDoc struct {
	Type       string
	Status     string
	SourceType []string
	WorkModel  []string
	Texts      map[string][]string // by textField
}

// fields returns the document as bleve indexes it.
func (d *searchDoc) fields() map[string]any {
	m := map[string]any{fType: d.Type}
	if d.Status != "" {
		m[fStatus] = d.Status
	}
	if len(d.SourceType) > 0 {
		m[fSourceType] = d.SourceType
	}
	if len(d.WorkModel) > 0 {
		m[fWorkModel] = d.WorkModel
	}
	for f, vs := range d.Texts {
		m[f] = vs
	}
	return m
}

// searchText is one searchable text of a node.
type searchText struct {
	field string // the field's name in batch files and the API ("name", "description", "title")
	lang  Lang   // NL, EN, or "" for text in no particular language (titles, aliases, names)
	name  bool   // name-like (name, label, title, aliases): weighs more
	value string
}

// neutralFields are plain-string fields that are searched in both languages (a source's title
// and container are in the source's language when it has one).
var neutralFields = map[string]bool{"title": true, "container": true, "publisher": true, "aliases": true, "authors": true, "tags": true, "name": true}

// nameFields are the fields whose matches weigh most.
var nameFields = map[string]bool{"name": true, "label": true, "title": true, "aliases": true}

// searchTexts lists the searchable texts of n in schema order; batches have none.
func searchTexts(n *node) []searchText {
	spec := TypeOf(n.typ)
	if spec == nil || n.typ == TypeBatch {
		return nil
	}
	var out []searchText
	add := func(f *FieldSpec, lang Lang, v string) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, searchText{field: f.Name, lang: lang, name: nameFields[f.Name], value: v})
		}
	}
	for i := range spec.Fields {
		f := &spec.Fields[i]
		switch {
		case f.Kind == TextField:
			t := n.text(f.Predicate())
			add(f, NL, t.NL)
			add(f, EN, t.EN)
		case f.Kind == StringField && neutralFields[f.Name]:
			add(f, sourceLang(n, f.Name), n.str(f.Predicate()))
		case f.Kind == StringsField && neutralFields[f.Name]:
			for _, v := range n.strs(f.Predicate()) {
				add(f, "", v)
			}
		}
	}
	return out
}

// sourceLang returns the language of a source's title and container, when the source says.
func sourceLang(n *node, field string) Lang {
	if n.typ != TypeSource || (field != "title" && field != "container") {
		return ""
	}
	switch l := strings.ToLower(n.str("language")); {
	case l == "nl" || strings.HasPrefix(l, "nl-"):
		return NL
	case l == "en" || strings.HasPrefix(l, "en-"):
		return EN
	}
	return ""
}

// searchDocOf builds n's document; ok is false when n has nothing to search.
func (ix *index) searchDocOf(n *node) (searchDoc, bool) {
	texts := searchTexts(n)
	if len(texts) == 0 {
		return searchDoc{}, false
	}
	d := searchDoc{Type: string(n.typ), Status: n.str("status"), SourceType: ix.sourceTypesOf(n), WorkModel: ix.workModelsOf(n, 0),
		Texts: map[string][]string{}}
	for _, t := range texts {
		g := groupText
		switch {
		case t.name && t.lang != "":
			g = groupName
		case t.name:
			g = groupAnyName
		case t.lang == "":
			g = groupAnyText
		}
		for _, l := range searchedLangs {
			if t.lang == "" || t.lang == l {
				f := textField(g, l)
				d.Texts[f] = append(d.Texts[f], t.value)
			}
		}
	}
	return d, true
}

// sourceTypesOf returns the source types a node is faceted under: a source's own type, or the
// types of the sources it cites.
func (ix *index) sourceTypesOf(n *node) []string {
	if n.typ == TypeSource {
		if t := n.str("sourceType"); t != "" {
			return []string{t}
		}
		return nil
	}
	set := map[string]bool{}
	for _, s := range n.outs("source") {
		if sn := ix.nodes[s]; sn != nil {
			if t := sn.str("sourceType"); t != "" {
				set[t] = true
			}
		}
	}
	return sortedKeys(set)
}

// workModelsOf returns the ids of the work models a node is faceted under: a work model itself;
// the work models a method or initiative is assigned to; an assignment's work model; and for a
// node about a subject (characteristics, requirements, assessments, claims, involvements,
// ratings), its subject's work models.
func (ix *index) workModelsOf(n *node, depth int) []string {
	switch n.typ {
	case TypeWorkModel:
		return []string{n.id}
	case TypeAssignment:
		if wm := n.ref("workModel"); wm != "" {
			return []string{wm}
		}
		return nil
	case TypeMethod, TypeInitiative:
		set := map[string]bool{}
		for _, a := range ix.inTyped(n, "subject", TypeAssignment) {
			if wm := ix.nodes[a].ref("workModel"); wm != "" && ix.nodes[wm] != nil {
				set[wm] = true
			}
		}
		return sortedKeys(set)
	}
	if subj := ix.nodes[n.ref("subject")]; subj != nil && depth == 0 {
		return ix.workModelsOf(subj, depth+1)
	}
	return nil
}

func sortedKeys(set map[string]bool) []string {
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// searchDocs builds the document of every searchable node.
func (ix *index) searchDocs() map[string]searchDoc {
	out := make(map[string]searchDoc, len(ix.nodes))
	for id, n := range ix.nodes {
		if d, ok := ix.searchDocOf(n); ok {
			out[id] = d
		}
	}
	return out
}

// fingerprintFor is what the index records of the store state it reflects: the search version
// and the store's state token (store.go).
func fingerprintFor(token string) string { return searchVersion + ":" + token }

// searchMapping is the bleve mapping of searchDoc.
func searchMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = bindex.BM25Scoring
	for name, cfg := range analyzerConfigs {
		if err := im.AddCustomAnalyzer(name, cfg); err != nil {
			return nil, fmt.Errorf("graph: search analyser %s: %w", name, err)
		}
	}
	im.DefaultAnalyzer = analyzerNL
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range []string{fType, fStatus, fSourceType, fWorkModel} {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store, fm.IncludeInAll, fm.IncludeTermVectors = false, false, false
		fm.DocValues = true // facets
		doc.AddFieldMappingsAt(f, fm)
	}
	for _, g := range textGroups {
		for _, l := range searchedLangs {
			fm := bleve.NewTextFieldMapping()
			fm.Analyzer = analyzerName(l)
			fm.Store, fm.IncludeInAll, fm.IncludeTermVectors, fm.DocValues = false, false, false, false
			doc.AddFieldMappingsAt(textField(g, l), fm)
		}
	}
	im.DefaultMapping = doc
	return im, im.Validate()
}

// searchIndex is the store's search index.
type searchIndex struct {
	mu     sync.RWMutex // shared: a search; exclusive: reset and close replace or close bi
	bi     bleve.Index  // nil when even an in-memory rebuild failed (broken says why)
	broken error
	path   string // "" for an in-memory index
	nl, en analysis.Analyzer
	log    *slog.Logger
	faults *Faults
	// inMemory: the persisted index could not be restored after a failure; this one lives in
	// memory until the next Open, which rebuilds the persisted one.
	inMemory bool
	rebuilt  bool // Open built the index rather than reusing it
	lastErr  atomic.Pointer[error]
}

// batchSize is how many documents a rebuild indexes per bleve batch.
const batchSize = 1000

// openSearch opens the search index in dir ("" for in memory) for the store whose read model is
// ix and whose state token is token, reusing a persisted index made for that state and
// rebuilding it otherwise.
func openSearch(ctx context.Context, dir string, ix *index, token string, log *slog.Logger, f *Faults) (*searchIndex, error) {
	si := &searchIndex{path: dir, log: log, faults: f}
	bi, rebuilt, err := openBleve(ctx, dir, ix, token, f)
	if err != nil {
		return nil, err
	}
	si.bi, si.rebuilt = bi, rebuilt
	if err := si.initAnalyzers(); err != nil {
		bi.Close()
		return nil, err
	}
	return si, nil
}

// openBleve opens the bleve index in dir when its fingerprint is that of token, else builds
// it (in dir, or in memory when dir is "") from ix; rebuilt says which.
func openBleve(ctx context.Context, dir string, ix *index, token string, f *Faults) (bi bleve.Index, rebuilt bool, err error) {
	fp := fingerprintFor(token)
	if dir != "" {
		if bi, _, _ := openPersisted(dir, token, nil); bi != nil {
			return f.wrapBleve(bi, dir), false, nil
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, false, storageError("removing the stale search index", err)
		}
	}
	m, err := searchMapping()
	if err != nil {
		return nil, false, err
	}
	if dir == "" {
		// scorch, not bleve.NewMemOnly's upsidedown/gtreap: an order of magnitude faster to
		// build, query and facet.
		bi, err = bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	} else {
		bi, err = bleve.New(dir, m)
	}
	if err != nil {
		return nil, false, storageErrorIn("creating the search index", dir, err, f)
	}
	bi = f.wrapBleve(bi, dir)
	if err := rebuildSearch(ctx, bi, dir, f, ix.searchDocs(), fp); err != nil {
		closeBleve(bi)
		return nil, false, err
	}
	return bi, true, nil
}

// openPersisted opens the index persisted in dir (with bleve's runtime config; nil for the
// defaults) when it was made for the state token; otherwise it closes it again and says why
// (stale), or returns the error of the open.
func openPersisted(dir, token string, config map[string]any) (bi bleve.Index, stale string, err error) {
	if bi, err = bleve.OpenUsing(dir, config); err != nil {
		return nil, "", err
	}
	got, err := bi.GetInternal(fingerprintKey)
	if want := fingerprintFor(token); err != nil || string(got) != want {
		bi.Close()
		return nil, fmt.Sprintf("its fingerprint %q is not the store's %q", got, want), nil
	}
	return bi, "", nil
}

// closeBleve closes an index that a failure may have left broken (scorch can panic then).
func closeBleve(bi bleve.Index) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("graph: close search index: panic: %v", r)
		}
	}()
	return bi.Close()
}

func (si *searchIndex) initAnalyzers() error {
	si.nl = si.bi.Mapping().AnalyzerNamed(analyzerNL)
	si.en = si.bi.Mapping().AnalyzerNamed(analyzerEN)
	if si.nl == nil || si.en == nil {
		return errors.New("graph: search index: analysers missing from the mapping")
	}
	return nil
}

func analyzerName(l Lang) string {
	if l == EN {
		return analyzerEN
	}
	return analyzerNL
}

func (si *searchIndex) analyzer(l Lang) analysis.Analyzer {
	if l == EN {
		return si.en
	}
	return si.nl
}

// rebuildSearch indexes every document into the empty index bi; the fingerprint goes into the
// last batch, so an interrupted rebuild leaves an index without one (rebuilt again on next Open).
func rebuildSearch(ctx context.Context, bi bleve.Index, dir string, f *Faults, docs map[string]searchDoc, fp string) error {
	ids := make([]string, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	b := bi.NewBatch()
	for i, id := range ids {
		d := docs[id]
		if err := b.Index(id, d.fields()); err != nil {
			return fmt.Errorf("graph: search index %s: %w", id, err)
		}
		if (i+1)%batchSize == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := bi.Batch(b); err != nil {
				return storageErrorIn("building the search index", dir, err, f)
			}
			b = bi.NewBatch() // not Reset: scorch's analysis goroutines may still read the batch (a -race report)
		}
	}
	b.SetInternal(fingerprintKey, []byte(fp))
	if err := bi.Batch(b); err != nil {
		return storageErrorIn("building the search index", dir, err, f)
	}
	return nil
}

// affectedDocs returns the ids of the nodes whose documents a write may have changed: the nodes
// at either end of a changed quad, and the nodes whose facets derive from those (the nodes
// citing a source, the nodes about a subject, and, for an assignment, everything about the
// method it assigns), in the read models before and after the write.
func affectedDocs(old, nx *index, adds, removes []qt) map[string]bool {
	t := nx.t
	ids := map[string]bool{}
	for _, qs := range [][]qt{adds, removes} {
		for _, q := range qs {
			ids[t.iri(q[0])] = true
			if t.isIRI(q[2]) && t.iri(q[1]) != string(predType) {
				ids[t.iri(q[2])] = true
			}
		}
	}
	direct := make([]string, 0, len(ids))
	for id := range ids {
		direct = append(direct, id)
	}
	methods := map[string]bool{}
	for _, ix := range []*index{old, nx} {
		for _, id := range direct {
			n := ix.nodes[id]
			if n == nil {
				continue
			}
			methods[id] = true
			for _, p := range []string{"source", "subject"} {
				for _, s := range n.ins(p) {
					ids[s] = true
				}
			}
			// An assignment's (or, through it, a work model's) change reaches everything about
			// the assigned method.
			for _, a := range append(n.ins("workModel"), id) {
				if an := ix.nodes[a]; an != nil && an.typ == TypeAssignment {
					if m := an.ref("subject"); m != "" {
						ids[m] = true
						methods[m] = true
					}
				}
			}
		}
	}
	for _, ix := range []*index{old, nx} {
		for m := range methods {
			if n := ix.nodes[m]; n != nil {
				for _, s := range n.ins("subject") {
					ids[s] = true
				}
			}
		}
	}
	return ids
}

// searchBatchDocs is the most documents one bleve batch holds: a batch keeps every analysed
// document in memory until it is applied (100,000 sources in one batch held 430 MB).
const searchBatchDocs = 5000

// update brings the index in step with a write: old and nx are the read models before and
// after it, adds and removes the quads it changed, token the store's new state token. Only the
// documents the write may have changed are re-derived, in bleve batches of searchBatchDocs at
// most. Writer only. On failure the index must be reset before it is used again (see the top
// of this file).
func (si *searchIndex) update(old, nx *index, adds, removes []qt, token string) error {
	if si.bi == nil {
		return si.unavailable("writing the search index")
	}
	ids := affectedDocs(old, nx, adds, removes)
	b := si.bi.NewBatch()
	if len(ids) > searchBatchDocs {
		// Sent in several batches: no fingerprint until the last one is in, so that a crash in
		// between makes the next Open rebuild.
		b.DeleteInternal(fingerprintKey)
	}
	k := 0
	for id := range ids {
		if k++; k%searchBatchDocs == 0 {
			if err := si.batch(b); err != nil {
				return storageErrorIn("writing the search index", si.path, err, si.faults)
			}
			b = si.bi.NewBatch() // not Reset: scorch's analysis goroutines may still read the batch (a -race report)
		}
		n := nx.nodes[id]
		if n == nil {
			b.Delete(id)
			continue
		}
		if d, ok := nx.searchDocOf(n); ok {
			if err := b.Index(id, d.fields()); err != nil {
				return fmt.Errorf("graph: search document %s: %w", id, err)
			}
		} else {
			b.Delete(id)
		}
	}
	b.SetInternal(fingerprintKey, []byte(fingerprintFor(token)))
	if err := si.batch(b); err != nil {
		return storageErrorIn("writing the search index", si.path, err, si.faults)
	}
	return nil
}

// batch applies b, turning a panic of a broken index into an error.
func (si *searchIndex) batch(b *bleve.Batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("search index batch panicked: %v", r)
		}
	}()
	return si.bi.Batch(b)
}

// reset replaces the bleve index after a failed batch by one that holds exactly the state ix
// with token (writer only): the persisted index when its fingerprint still matches, else one
// rebuilt on disk, else one rebuilt in memory (see the top of this file).
func (si *searchIndex) reset(ix *index, token string, cause error) {
	si.lastErr.Store(&cause)
	// Searches fail (UNAVAILABLE) rather than wait while the index is rebuilt.
	si.mu.Lock()
	if si.bi != nil {
		if err := closeBleve(si.bi); err != nil {
			si.log.Warn("search index: closing the failed index", "err", err)
		}
		si.bi, si.broken = nil, cause
	}
	si.mu.Unlock()
	ctx := context.Background()
	t0 := time.Now()
	dir := si.path
	if si.inMemory {
		dir = ""
	}
	bi, rebuilt, err := openBleve(ctx, dir, ix, token, si.faults)
	inMemory := si.inMemory
	if err != nil && dir != "" {
		si.log.Warn("search index: cannot restore the index on disk; rebuilding it in memory until the next start", "err", err)
		if rerr := os.RemoveAll(si.path); rerr != nil {
			si.log.Warn("search index: removing the failed index", "err", rerr)
		}
		inMemory = true
		bi, rebuilt, err = openBleve(ctx, "", ix, token, si.faults)
	}
	si.mu.Lock()
	defer si.mu.Unlock()
	si.inMemory = inMemory
	if err != nil {
		si.log.Error("search index: unavailable until the next write or start", "err", err)
		si.broken = err
		return
	}
	si.bi, si.broken = bi, nil
	si.log.Warn("search index restored after a failed write", "cause", cause, "rebuilt", rebuilt, "inMemory", si.inMemory, "took", time.Since(t0))
}

// acquire returns the index for a search, to be released after it.
func (si *searchIndex) acquire() (bleve.Index, func(), error) {
	si.mu.RLock()
	if si.bi == nil {
		defer si.mu.RUnlock()
		return nil, nil, si.unavailable("reading the search index")
	}
	return si.bi, si.mu.RUnlock, nil
}

// ready makes sure the writer has an index to update: one that a failure left broken is
// restored first (writer only).
func (si *searchIndex) ready(ix *index, token string) error {
	if si.bi == nil {
		si.reset(ix, token, si.broken)
	}
	if si.bi == nil {
		return si.unavailable("writing the search index")
	}
	return nil
}

// unavailable is the error of an operation on a missing index (mu held).
func (si *searchIndex) unavailable(op string) error {
	if errors.Is(si.broken, ErrClosed) {
		return ErrClosed
	}
	return &StorageError{Op: op, Err: cmp.Or(si.broken, errors.New("no search index"))}
}

func (si *searchIndex) close() error {
	if si == nil {
		return nil
	}
	si.mu.Lock()
	defer si.mu.Unlock()
	if si.bi == nil {
		return nil
	}
	err := closeBleve(si.bi)
	si.bi = nil
	si.broken = ErrClosed
	return err
}

// searchDir is where the search index of a store lives: <data dir>/search.bleve for bolt (and
// postgres with a data directory), "" (in memory) for the memory backend.
func searchDir(cfg Config) string {
	if cfg.Backend == BackendMemory || cfg.Path == "" {
		return ""
	}
	return filepath.Join(cfg.Path, "search.bleve")
}
