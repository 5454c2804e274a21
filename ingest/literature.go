package ingest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"kring/graph"
)

// Literature import: references read from reference-manager exports (BibTeX, RIS, CSL-JSON)
// become Source nodes.
//
//   - Id: source/<slug of the citation key> when the record has a key that makes a slug (no
//     URL-like keys such as Zotero's CSL ids), else source/<first author family><year><first
//     title word>. When the id is taken by a different work, -2, -3, ... is appended (and the
//     report notes it). The same file always gives the same ids.
//   - Type: journal articles and conference papers are ACADEMIC_NL when their language is
//     Dutch, else ACADEMIC_ANGLO; theses THESIS; web pages WEB_PAGE. Books, chapters, reports
//     and anything else cannot be told apart (Dutch or Belgian grey literature, a policy
//     document, a handbook, an academic book): they take the type a record names itself (a
//     keyword "kring-source-type:CODE", in BibTeX a field kring-source-type = {CODE}, in a
//     CSL-JSON note a line "kring-source-type: CODE"), else
//     the importer's default (kring load --source-type), else they are a problem.
//   - Authors: "Family, Given" (particle before the family name, suffix after the given name),
//     corporate authors as written; editors when there are no authors.
//   - Status: the importer's (CANDIDATE unless told otherwise).
//
// Every field keeps the record's file and line, so that every problem points at the record.

// sourceTypeHint is the keyword and BibTeX field by which a record names its SourceType.
const sourceTypeHint = "kring-source-type"

// classifySource returns the SourceType code of a reference, or "" and why it has none.
func classifySource(r *Reference, fallback string) (string, string) {
	if code, ok := hintedSourceType(r); ok {
		if !graph.ValidCode("SourceType", code) {
			return "", fmt.Sprintf("%s %q is not a SourceType code%s", sourceTypeHint, code, didYouMean(code, graph.Vocabularies["SourceType"]))
		}
		return code, ""
	}
	switch r.Type {
	case typeArticle, typeConference:
		if r.Language == "nl" {
			return "ACADEMIC_NL", ""
		}
		return "ACADEMIC_ANGLO", ""
	case typeThesis:
		return "THESIS", ""
	case typeWebpage:
		return "WEB_PAGE", ""
	}
	if fallback != "" {
		return fallback, ""
	}
	what := r.Type
	if what == "" || what == typeMisc {
		what = "record of this kind"
	}
	return "", fmt.Sprintf("cannot tell which kind of source a %s is (Dutch or Belgian grey literature, a policy document, a handbook, an academic book?): give kring load --source-type CODE (e.g. GREY_NL, GREY_BE) or --source-type-for FILE:LINE=CODE, choose it in the upload review, or put the keyword %s:CODE in the record", what, sourceTypeHint)
}

// needsSourceType reports whether a reference can be typed only by the importer's choice: it
// names no type itself and its kind (book, chapter, report, ...) does not tell.
func needsSourceType(r *Reference) bool {
	if _, ok := hintedSourceType(r); ok {
		return false
	}
	switch r.Type {
	case typeArticle, typeConference, typeThesis, typeWebpage:
		return false
	}
	return true
}

// suggestSourceType proposes a type for a reference that needs one, or "": grey literature of
// the country its URL's domain names (.be: GREY_BE, .nl: GREY_NL). Only a suggestion, shown in
// the review; it is never applied unasked.
func suggestSourceType(r *Reference) string {
	u := strings.ToLower(r.URL)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	host, _, _ := strings.Cut(u, "/")
	host, _, _ = strings.Cut(host, ":")
	switch {
	case strings.HasSuffix(host, ".be"):
		return "GREY_BE"
	case strings.HasSuffix(host, ".nl"):
		return "GREY_NL"
	}
	return ""
}

// hintedSourceType returns the SourceType a record names itself, if any.
func hintedSourceType(r *Reference) (string, bool) {
	for k, vs := range r.Extra {
		if strings.EqualFold(strings.NewReplacer("_", "-").Replace(k), sourceTypeHint) && len(vs) > 0 {
			// A BibTeX value is kept verbatim: GREY\_BE, written the LaTeX way, is GREY_BE.
			return graph.NormalizeCode(strings.ReplaceAll(vs[0], `\_`, "_")), true
		}
	}
	// A CSL-JSON note holds Zotero's Extra field: one "name: value" per line.
	for _, note := range r.Extra["note"] {
		for _, line := range strings.Split(note, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), sourceTypeHint) {
				return graph.NormalizeCode(v), true
			}
		}
	}
	for _, kw := range r.Keywords {
		k, v, ok := strings.Cut(kw, ":")
		if !ok {
			k, v, ok = strings.Cut(kw, "=")
		}
		if ok && strings.EqualFold(strings.TrimSpace(k), sourceTypeHint) {
			return graph.NormalizeCode(v), true
		}
	}
	return "", false
}

// authorString writes a name as "Family, Given": the particle goes with the family name, the
// suffix after the given name; a corporate name stays as it is.
func authorString(n Name) string {
	if n.Family == "" {
		return strings.TrimSpace(n.Literal)
	}
	family := strings.TrimSpace(strings.TrimSpace(n.Particle) + " " + n.Family)
	s := family
	if g := strings.TrimSpace(n.Given); g != "" {
		s += ", " + g
	}
	if sfx := strings.TrimSpace(n.Suffix); sfx != "" {
		if n.Given == "" {
			s += ","
		}
		s += ", " + sfx
	}
	return s
}

// firstFamily returns the family name (with particle) of a reference's first author or editor.
func firstFamily(r *Reference) string {
	names := r.Authors
	if len(names) == 0 {
		names = r.Editors
	}
	if len(names) == 0 {
		return ""
	}
	if names[0].Family != "" {
		return strings.TrimSpace(names[0].Particle + " " + names[0].Family)
	}
	return names[0].Literal
}

// keySlug returns the slug of a citation key, or "" when the key makes no good id.
func keySlug(key string) string {
	key = strings.TrimSpace(key)
	if key == "" || len(key) > 64 || strings.ContainsAny(key, "/:") {
		return ""
	}
	return graph.Slugify(key)
}

// titleStopWords are leading title words passed over when an id is made from the title.
var titleStopWords = map[string]bool{"a": true, "an": true, "the": true, "de": true, "het": true, "een": true, "le": true, "la": true, "les": true, "der": true, "die": true, "das": true}

// preferredSourceSlug returns the slug a reference's source id is made from.
func preferredSourceSlug(r *Reference) string {
	if s := keySlug(r.Key); s != "" {
		return s
	}
	word := ""
	for _, w := range strings.Fields(NormalizeTitle(r.Title)) {
		if !titleStopWords[w] {
			word = w
			break
		}
	}
	slug := graph.Slugify(firstFamily(r))
	if r.Year > 0 {
		slug += strconv.Itoa(r.Year)
	}
	slug += graph.Slugify(word)
	slug = strings.Trim(slug, "-")
	if slug == "" {
		slug = "untitled"
	}
	return slug
}

// sourceFields returns a reference's fields in batch-file form, in schema order, without type
// and status.
func sourceFields(r *Reference) []graph.FieldValue {
	pos := graph.Pos{File: r.File, Line: r.Line}
	var out []graph.FieldValue
	str := func(name, v string) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, graph.FieldValue{Name: name, Value: v, Pos: pos})
		}
	}
	str("title", r.Title)
	names := r.Authors
	if len(names) == 0 {
		names = r.Editors
	}
	var authors []any
	for _, n := range names {
		if s := authorString(n); s != "" {
			authors = append(authors, s)
		}
	}
	if len(authors) > 0 {
		out = append(out, graph.FieldValue{Name: "authors", Value: authors, Pos: pos})
	}
	if r.Year > 0 {
		out = append(out, graph.FieldValue{Name: "year", Value: int64(r.Year), Pos: pos})
	}
	str("container", r.Container)
	str("volume", r.Volume)
	str("issue", r.Issue)
	str("pages", r.Pages)
	str("publisher", r.Publisher)
	str("doi", NormalizeDOI(r.DOI))
	str("isbn", r.ISBN)
	str("url", r.URL)
	str("language", r.Language)
	return out
}

// SourceNodes maps references to Source node specs, one per reference, without looking at a
// store or merging duplicates (Load does both): what one export says, for inspection and tests.
// sourceType is the type of references that cannot be classified, status their status
// (CANDIDATE when empty). A reference that cannot be mapped is a problem and has no node.
func SourceNodes(refs []Reference, sourceType, status string) ([]graph.NodeSpec, error) {
	if status == "" {
		status = string(graph.Candidate)
	}
	var ps graph.Problems
	var out []graph.NodeSpec
	taken := map[string]bool{}
	for i := range refs {
		r := &refs[i]
		ns, msg := sourceNode(r, "", sourceType, status)
		if msg != "" {
			ps.Addf(r.File, r.Line, 0, "type", "%s", msg)
			continue
		}
		ns.ID = uniqueID(preferredSourceSlug(r), func(id string) bool { return taken[id] })
		taken[ns.ID] = true
		out = append(out, ns)
	}
	return out, ps.Sorted().Err()
}

// sourceNode builds the node spec of a new source from one reference; a non-empty string says
// why the reference cannot be typed.
func sourceNode(r *Reference, id, fallback, status string) (graph.NodeSpec, string) {
	pos := graph.Pos{File: r.File, Line: r.Line}
	code, msg := classifySource(r, fallback)
	if msg != "" {
		return graph.NodeSpec{}, msg
	}
	ns := graph.NodeSpec{Type: graph.TypeSource, ID: id, Pos: pos}
	ns.Fields = append(ns.Fields, graph.FieldValue{Name: "type", Value: code, Pos: pos})
	ns.Fields = append(ns.Fields, sourceFields(r)...)
	ns.Fields = append(ns.Fields, graph.FieldValue{Name: "status", Value: status, Pos: pos})
	return ns, ""
}

// uniqueID returns "source/<slug>", or with -2, -3, ... appended, the first that is not taken.
func uniqueID(slug string, taken func(string) bool) string {
	id := "source/" + slug
	for i := 2; taken(id); i++ {
		id = fmt.Sprintf("source/%s-%d", slug, i)
	}
	return id
}

// storedKeys returns the dedup keys of a stored source: its DOI key (when it has a DOI) and its
// title-year-first-author key.
func storedKeys(r *graph.SourceRecord) (doi, tyf string) {
	ref := Reference{Title: r.Str("title"), Year: r.Year()}
	if authors := r.Authors(); len(authors) > 0 {
		// "Family, Given" for people; a name without a comma is a corporate author.
		if f, _, ok := strings.Cut(authors[0], ","); ok {
			ref.Authors = []Name{{Family: strings.TrimSpace(f)}}
		} else {
			ref.Authors = []Name{{Literal: authors[0]}}
		}
	}
	tyf = ref.DedupKey()
	if d := NormalizeDOI(r.Str("doi")); d != "" {
		doi = "doi:" + d
	}
	return doi, tyf
}

// referenceKeys returns the dedup keys of a reference: its DOI key (when it has a DOI) and its
// title-year-first-author key.
func referenceKeys(r *Reference) (doi, tyf string) {
	c := *r
	c.DOI = ""
	tyf = c.DedupKey()
	if d := NormalizeDOI(r.DOI); d != "" {
		doi = "doi:" + d
	}
	return doi, tyf
}

// identityFields are the fields that say which work a source is: when a record matches a source
// (by DOI, or by title, year and first author) and disagrees on one of them, that is a conflict.
// Other fields (journal spelling, pages) are taken from the source that is already there.
var identityFields = []string{"title", "year", "doi"}

// sameIdentity compares an identity field the way dedup does: titles as MatchTitle makes them, DOIs
// normalised, years exactly.
func sameIdentity(field string, a, b any) bool {
	switch field {
	case "title":
		as, _ := a.(string)
		bs, _ := b.(string)
		return MatchTitle(as) == MatchTitle(bs)
	case "doi":
		as, _ := a.(string)
		bs, _ := b.(string)
		return NormalizeDOI(as) == NormalizeDOI(bs)
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// srcEntry is one work of a literature load: a stored source, a new source, or both merged.
type srcEntry struct {
	id     string
	stored *graph.SourceRecord // the stored source it matched, or nil
	// fields of the node, with the position of the record that gave each, in the schema order
	// of the first record (a slice: a map per source cost 800 bytes a source).
	fields []graph.FieldValue
	// records are the references (in this load) merged into the work, first one first.
	records []*Reference
	doi     string // normalised DOI key, when known
	tyf     string
	// unit is the unit the entry's node belongs to (load.go).
	unit *unit
}

func (e *srcEntry) set(f graph.FieldValue) {
	for i := range e.fields {
		if e.fields[i].Name == f.Name {
			e.fields[i] = f
			return
		}
	}
	e.fields = append(e.fields, f)
}

// field returns the entry's field called name.
func (e *srcEntry) field(name string) (graph.FieldValue, bool) {
	for _, f := range e.fields {
		if f.Name == name {
			return f, true
		}
	}
	return graph.FieldValue{}, false
}

// node returns the entry's node spec.
func (e *srcEntry) node() graph.NodeSpec {
	first := e.records[0]
	// The fields are shared (capped, so that an append copies): assemble copies what it keeps.
	return graph.NodeSpec{Type: graph.TypeSource, ID: e.id, Pos: graph.Pos{File: first.File, Line: first.Line},
		Fields: e.fields[:len(e.fields):len(e.fields)]}
}

func shortIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = graph.ShortID(id)
	}
	return out
}

// formatValue shows a field value in a message.
func formatValue(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	}
	return fmt.Sprint(v)
}

// sourceIndex finds works by dedup key, id and citation key, over the store and the load.
type sourceIndex struct {
	byKey  map[string]*srcEntry // "doi:..." and "tyf:..." keys
	byID   map[string]*srcEntry // short ids
	byCite map[string]*srcEntry // citation keys, lowercase
	// citeSkipped names the record of a citation key whose record was left out.
	citeSkipped map[string]string
	entries     []*srcEntry // entries with records in this load, in order
	// batch is the IRI of the load's batch: a record that restates a source this batch wrote
	// before is no duplicate.
	batch string
}

func newSourceIndex(stored []graph.SourceRecord, batch string) *sourceIndex {
	si := &sourceIndex{byKey: map[string]*srcEntry{}, byID: map[string]*srcEntry{}, byCite: map[string]*srcEntry{}, citeSkipped: map[string]string{}, batch: batch}
	for i := range stored {
		r := &stored[i]
		e := &srcEntry{id: graph.ShortID(r.ID), stored: r}
		e.doi, e.tyf = storedKeys(r)
		si.byID[e.id] = e
		if e.doi != "" {
			if _, dup := si.byKey[e.doi]; !dup {
				si.byKey[e.doi] = e
			}
		}
		if _, dup := si.byKey[e.tyf]; !dup {
			si.byKey[e.tyf] = e
		}
	}
	return si
}

// Matching rules: how a record was found to be a work already seen (Merge.Rule).
const (
	// RuleDOI: the same DOI (NormalizeDOI).
	RuleDOI = "DOI"
	// RuleTitleYearAuthor: the same title (MatchTitle), year and first author's family name
	// (NormalizeTitle), where the DOIs do not disagree.
	RuleTitleYearAuthor = "TITLE_YEAR_AUTHOR"
)

// match returns the work a reference is a record of, if any, and the rule that matched it: same
// DOI, or else same title, year and first author where the DOIs do not disagree.
func (si *sourceIndex) match(doi, tyf string) (*srcEntry, string) {
	if doi != "" {
		if e := si.byKey[doi]; e != nil {
			return e, RuleDOI
		}
	}
	if e := si.byKey[tyf]; e != nil && (doi == "" || e.doi == "" || e.doi == doi) {
		return e, RuleTitleYearAuthor
	}
	return nil, ""
}

// sourceResult is what adding a reference did.
type sourceResult struct {
	entry    *srcEntry
	merged   bool   // merged into a work of the store or an earlier record
	with     string // what it merged with ("file:line" or "stored (batch ...)")
	rule     string // the rule that matched it (RuleDOI, RuleTitleYearAuthor)
	problems graph.Problems
	note     string
}

// add adds one reference: merged into the work it matches, or as a new work.
func (si *sourceIndex) add(r *Reference, fallback, status string) sourceResult {
	doi, tyf := referenceKeys(r)
	pos := graph.Pos{File: r.File, Line: r.Line}
	if e, rule := si.match(doi, tyf); e != nil {
		var res sourceResult
		res.entry, res.rule = e, rule
		for _, f := range sourceFields(r) {
			if !containsStr(identityFields, f.Name) {
				continue
			}
			var have any
			var origin string
			if v, ok := e.storedValue(f.Name); ok {
				have, origin = v, "stored, from "+strings.Join(shortIDs(e.stored.Batches), ", ")
			} else if hf, ok := e.field(f.Name); ok {
				have, origin = hf.Value, fmt.Sprintf("%s:%d", hf.Pos.File, hf.Pos.Line)
			}
			if have != nil && !sameIdentity(f.Name, have, f.Value) {
				res.problems.AddConflict(r.File, r.Line, 0, f.Name, &graph.ConflictError{Type: graph.TypeSource, ID: e.id, Field: f.Name},
					"conflict: %s %s differs: %s (%s) vs %s (this record)",
					e.id, f.Name, formatValue(have), origin, formatValue(f.Value))
			}
		}
		if len(res.problems) > 0 {
			// The record is not merged; its citation key still names the work.
			si.cite(r, e)
			return res
		}
		switch {
		case len(e.records) > 0:
			res.merged = true
			res.with = fmt.Sprintf("%s:%d", e.records[0].File, e.records[0].Line)
		case !containsStr(e.stored.Batches, si.batch):
			res.merged = true
			res.with = "stored, from " + strings.Join(shortIDs(e.stored.Batches), ", ")
		}
		if len(e.records) == 0 {
			// The first record of this load that restates a stored source: it keeps the stored
			// type and status.
			for _, name := range []string{"type", "status"} {
				if v, ok := e.storedValue(name); ok {
					e.set(graph.FieldValue{Name: name, Value: v, Pos: pos})
				}
			}
			si.entries = append(si.entries, e)
		}
		// The record's fields, with the stored value where the source has one: a restated
		// source says what the store says (journal spellings differ between exports) and only
		// adds what the store lacks. What a batch states of a stored source thus depends on its
		// records alone, so that loading it again changes nothing.
		for _, f := range sourceFields(r) {
			if _, ok := e.field(f.Name); ok {
				continue
			}
			if v, ok := e.storedValue(f.Name); ok {
				f.Value = v
			}
			e.set(f)
		}
		e.records = append(e.records, r)
		si.keys(e, doi, tyf)
		si.cite(r, e)
		return res
	}
	ns, msg := sourceNode(r, "", fallback, status)
	if msg != "" {
		var res sourceResult
		res.problems.Addf(r.File, r.Line, 0, "type", "%s", msg)
		if k := strings.ToLower(strings.TrimSpace(r.Key)); k != "" {
			si.citeSkipped[k] = fmt.Sprintf("%s:%d", r.File, r.Line)
		}
		return res
	}
	preferred := preferredSourceSlug(r)
	id := uniqueID(preferred, func(id string) bool { return si.byID[id] != nil })
	e := &srcEntry{id: id, records: []*Reference{r}}
	for _, f := range ns.Fields {
		e.set(f)
	}
	si.byID[id] = e
	si.keys(e, doi, tyf)
	si.cite(r, e)
	si.entries = append(si.entries, e)
	res := sourceResult{entry: e}
	if id != "source/"+preferred {
		res.note = fmt.Sprintf("source/%s is another work; this record is %s", preferred, id)
	}
	return res
}

// storedValue returns a field of the stored source the entry matched.
func (e *srcEntry) storedValue(name string) (any, bool) {
	if e.stored == nil {
		return nil, false
	}
	v, ok := e.stored.Fields[name]
	return v, ok
}

// keys registers a work under a record's dedup keys.
func (si *sourceIndex) keys(e *srcEntry, doi, tyf string) {
	if doi != "" {
		if e.doi == "" {
			e.doi = doi
		}
		if si.byKey[doi] == nil {
			si.byKey[doi] = e
		}
	}
	if si.byKey[tyf] == nil {
		si.byKey[tyf] = e
	}
}

func (si *sourceIndex) cite(r *Reference, e *srcEntry) {
	if k := strings.ToLower(strings.TrimSpace(r.Key)); k != "" {
		if _, dup := si.byCite[k]; !dup {
			si.byCite[k] = e
		}
	}
}

// resolve finds the source a coding sheet names: a source id, a DOI, or a citation key (of this
// load, or the key a stored source's id was made from). A non-empty string explains a failure.
func (si *sourceIndex) resolve(ref string) (*srcEntry, string) {
	ref = strings.TrimSpace(ref)
	if strings.HasPrefix(ref, "source/") || strings.HasPrefix(ref, "kring:source/") {
		id := graph.ShortID(ref)
		if e := si.byID[id]; e != nil {
			return e, ""
		}
		return nil, fmt.Sprintf("%s is neither in these files nor in the store%s", id, didYouMean(id, si.ids()))
	}
	if doi := NormalizeDOI(ref); doi != "" {
		if e := si.byKey["doi:"+doi]; e != nil {
			return e, ""
		}
		return nil, fmt.Sprintf("no source with DOI %s in these files or the store", doi)
	}
	k := strings.ToLower(ref)
	if e := si.byCite[k]; e != nil {
		return e, ""
	}
	if where, ok := si.citeSkipped[k]; ok {
		return nil, fmt.Sprintf("the record of %q (%s) was left out", ref, where)
	}
	if s := keySlug(ref); s != "" {
		if e := si.byID["source/"+s]; e != nil {
			return e, ""
		}
	}
	var cands []string
	for c := range si.byCite {
		cands = append(cands, c)
	}
	cands = append(cands, si.ids()...)
	sort.Strings(cands)
	return nil, fmt.Sprintf("no source with citation key %q in these files or the store%s", ref, didYouMean(k, cands))
}

func (si *sourceIndex) ids() []string {
	out := make([]string, 0, len(si.byID))
	for id := range si.byID {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
