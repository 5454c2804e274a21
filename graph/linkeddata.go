package graph

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/jsonld"
	"github.com/cayleygraph/quad/nquads"
	"github.com/cayleygraph/quad/voc/xsd"
)

// Linked-data formats of Export and ReadQuads.
const (
	FormatNQuads = "nquads"
	FormatJSONLD = "jsonld"
)

// Linked data is the store's own quads, written out as they are stored with two exceptions
// that make the files standard RDF: the type predicate is written as the full rdf:type IRI (the
// store keeps the short "rdf:type"), and numbers and booleans carry full XSD datatype IRIs with
// canonical lexical forms ("true", not Cayley's "True"). Node, predicate and batch IRIs keep their
// "kring:" scheme, so that a file loads back to exactly the quads it was written from. The graph
// name (label) of every quad is the IRI of the batch that wrote it.
const rdfTypeIRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

// Export writes the quads of the store (or, when batch is not empty, of that one batch) as
// N-Quads or JSON-LD, sorted by batch, subject, predicate and object. An unknown batch is
// ErrNotFound; an unknown format ErrInvalid.
func (s *Store) Export(ctx context.Context, w io.Writer, format, batch string) error {
	if format == "" {
		format = FormatNQuads
	}
	if format != FormatNQuads && format != FormatJSONLD {
		return fmt.Errorf("graph: export: format %q (want %s or %s): %w", format, FormatNQuads, FormatJSONLD, ErrInvalid)
	}
	qs, err := s.exportQuads(ctx, batch)
	if err != nil {
		return err
	}
	var qw quad.WriteCloser
	ce := &controlEscaper{w: w} // export_clean.go
	bw := bufio.NewWriter(ce)
	if format == FormatJSONLD {
		qw = jsonld.NewWriter(bw)
	} else {
		qw = nquads.NewWriter(bw)
	}
	for i, q := range qs {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := qw.WriteQuad(toLinkedData(q)); err != nil {
			return fmt.Errorf("graph: export: %w", err)
		}
	}
	if err := qw.Close(); err != nil {
		return fmt.Errorf("graph: export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return ce.flush()
}

// exportQuads returns the stored quads (of one batch, when batch is not empty) in export order.
func (s *Store) exportQuads(ctx context.Context, batch string) ([]quad.Quad, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	var label quad.Value
	if batch != "" {
		id := batchIDOf(batch)
		if ix.typeOf(id) != TypeBatch {
			return nil, fmt.Errorf("graph: export: batch %q: %w", batch, ErrNotFound)
		}
		label = quad.IRI(id)
	}
	var out []quad.Quad
	ix.eachQuad(func(id qt) {
		if q := ix.t.quadOf(id); label == nil || q.Label == label {
			out = append(out, q)
		}
	})
	sortQuads(out)
	return out, nil
}

// sortQuads orders quads by label, subject, predicate and object.
func sortQuads(qs []quad.Quad) {
	key := func(q quad.Quad) [4]string {
		return [4]string{quad.StringOf(q.Label), quad.StringOf(q.Subject), quad.StringOf(q.Predicate), quad.StringOf(q.Object)}
	}
	sort.Slice(qs, func(i, j int) bool {
		a, b := key(qs[i]), key(qs[j])
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
}

// toLinkedData turns a stored quad into its standard RDF form (see rdfTypeIRI).
func toLinkedData(q quad.Quad) quad.Quad {
	if q.Predicate == predType {
		q.Predicate = quad.IRI(rdfTypeIRI)
	}
	switch o := q.Object.(type) {
	case quad.Int:
		q.Object = quad.TypedString{Value: quad.String(strconv.FormatInt(int64(o), 10)), Type: quad.IRI(xsd.Integer).Full()}
	case quad.Float:
		q.Object = quad.TypedString{Value: quad.String(strconv.FormatFloat(float64(o), 'E', -1, 64)), Type: quad.IRI(xsd.Double).Full()}
	case quad.Bool:
		q.Object = quad.TypedString{Value: quad.String(strconv.FormatBool(bool(o))), Type: quad.IRI(xsd.Boolean).Full()}
	}
	return q
}

// fromLinkedData turns a quad read from a file into its stored form: the inverse of
// toLinkedData. A non-empty string explains why the quad cannot be stored.
func fromLinkedData(q quad.Quad) (quad.Quad, string) {
	if p, ok := q.Predicate.(quad.IRI); ok && (p == rdfTypeIRI || p == "rdf:type") {
		q.Predicate = predType
	}
	switch o := q.Object.(type) {
	case quad.TypedString:
		v, err := o.ParseValue()
		if err != nil || v == nil {
			return q, fmt.Sprintf("unsupported literal %s (Kring stores plain and language-tagged strings, integers, doubles and booleans)", o)
		}
		if _, isTyped := v.(quad.TypedString); isTyped {
			return q, fmt.Sprintf("unsupported literal %s (Kring stores plain and language-tagged strings, integers, doubles and booleans)", o)
		}
		q.Object = v
	case quad.Time:
		return q, "date-time literals are not part of Kring's model"
	}
	for _, v := range []quad.Value{q.Subject, q.Predicate, q.Object, q.Label} {
		if _, ok := v.(quad.BNode); ok {
			return q, "blank nodes are not supported: every node needs a kring: IRI"
		}
	}
	return q, ""
}

// QuadSet is linked data read from one file: quads in their stored form, each with the place
// it was read from (N-Quads lines; JSON-LD gives no positions). Its batches are the quads'
// labels (graph names).
type QuadSet struct {
	File  string
	quads []quad.Quad
	pos   []Pos
}

// Len returns the number of quads.
func (qs *QuadSet) Len() int { return len(qs.quads) }

// Batches returns the batch ids the quads are labelled with, in order of first appearance.
func (qs *QuadSet) Batches() []string {
	var out []string
	seen := map[string]bool{}
	for _, q := range qs.quads {
		if l, ok := q.Label.(quad.IRI); ok && !seen[string(l)] {
			seen[string(l)] = true
			out = append(out, string(l))
		}
	}
	return out
}

// ReadQuads reads N-Quads (format "nquads") or JSON-LD ("jsonld") into a QuadSet. Syntax
// problems, literals the model has no place for and blank nodes are reported with file and
// line (*ValidationError); what the quads say is checked by ApplyQuads.
func ReadQuads(file string, r io.Reader, format string) (*QuadSet, error) {
	qs := &QuadSet{File: file}
	var ps Problems
	add := func(q quad.Quad, pos Pos) {
		q, msg := fromLinkedData(q)
		if msg != "" {
			ps.Addf(pos.File, pos.Line, pos.Column, "", "%s", msg)
			return
		}
		qs.quads = append(qs.quads, q)
		qs.pos = append(qs.pos, pos)
	}
	switch format {
	case FormatNQuads, "":
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		line := 0
		for sc.Scan() {
			line++
			text := bytes.TrimSpace(sc.Bytes())
			if len(text) == 0 || text[0] == '#' {
				continue
			}
			q, err := nquads.Parse(string(text))
			if err != nil {
				ps.Addf(file, line, 0, "", "not an N-Quads statement: %v", trimParseError(err))
				if len(ps) >= 100 {
					break
				}
				continue
			}
			add(q, Pos{File: file, Line: line})
		}
		if err := sc.Err(); err != nil {
			ps.Addf(file, line+1, 0, "", "read: %v", err)
		}
	case FormatJSONLD:
		var doc any
		dec := json.NewDecoder(r)
		if err := dec.Decode(&doc); err != nil {
			ps.Addf(file, 1, 0, "", "not JSON: %v", err)
			break
		}
		// A string in a @context names a remote context, which the JSON-LD processor would
		// fetch over the network: never for a file someone uploads.
		if where := remoteContext(doc); where != "" {
			ps.Addf(file, 1, 0, "@context", "remote contexts are not supported (%s): inline the context", where)
			break
		}
		rd := jsonld.NewReaderFromMap(doc)
		for {
			q, err := readJSONLDQuad(rd)
			if err == io.EOF {
				break
			}
			if err != nil {
				ps.Addf(file, 1, 0, "", "not JSON-LD: %v", err)
				break
			}
			add(q, Pos{File: file})
		}
	default:
		return nil, fmt.Errorf("graph: read quads: format %q (want %s or %s): %w", format, FormatNQuads, FormatJSONLD, ErrInvalid)
	}
	if err := ps.Sorted().Err(); err != nil {
		return nil, err
	}
	if len(qs.quads) == 0 {
		ps.Addf(file, 1, 0, "", "no quads in the file")
		return nil, ps.Err()
	}
	return qs, nil
}

// remoteContext returns the first remote context reference (or @import) in a JSON-LD
// document, or "".
func remoteContext(v any) string {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "@import" {
				return fmt.Sprintf("@import %v", x)
			}
			if k == "@context" {
				if s := contextRef(x); s != "" {
					return s
				}
			}
			if s := remoteContext(x); s != "" {
				return s
			}
		}
	case []any:
		for _, x := range v {
			if s := remoteContext(x); s != "" {
				return s
			}
		}
	}
	return ""
}

// contextRef returns a string (a context IRI) found in a @context value, or "".
func contextRef(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		for _, x := range v {
			if s := contextRef(x); s != "" {
				return s
			}
		}
	case map[string]any:
		return remoteContext(v)
	}
	return ""
}

// readJSONLDQuad reads one quad, turning the reader's panics on unexpected terms into errors.
func readJSONLDQuad(rd *jsonld.Reader) (q quad.Quad, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return rd.ReadQuad()
}

func trimParseError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "failed to parse") {
		return msg[i+2:]
	}
	return msg
}

// ApplyQuads writes linked data (as read by ReadQuads): for every batch the file names, the
// file's quads with that label become the batch's content, replacing what the batch held (as a
// re-loaded batch file does). All batches are written in one transaction, so the file loads
// completely or not at all; loading it again changes nothing. The quads are checked against
// the schema table first: every subject is a kring: node with one known type whose id fits it,
// every predicate is a field of that type with a value of the field's kind (valid codes,
// references to nodes of the allowed types in the file or the store), every label is a batch
// the file describes, and single-valued facts do not contradict other batches. Problems come
// back as a *ValidationError (with lines for N-Quads) and nothing is written.
func (s *Store) ApplyQuads(ctx context.Context, qs *QuadSet, dryRun bool) ([]*Report, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	release, err := s.beginWrite(ctx, dryRun) // PostgreSQL: the cross-process writer lock
	if err != nil {
		return nil, err
	}
	defer release()
	s.writerReady()
	ix := s.idx.Load()
	byLabel, err := checkQuads(qs, ix)
	if err != nil {
		return nil, err
	}
	var (
		reports       []*Report
		adds, removes []qt
		addQuads      []quad.Quad
	)
	for _, l := range qs.Batches() {
		c := byLabel[l]
		label := quad.IRI(l)
		if err := checkConflicts(ix, c, label).Err(); err != nil {
			return nil, err
		}
		rep, badds, bremoves, bquads, err := s.diffBatch(ix, c, label, nil, c.quads, dryRun)
		if err != nil {
			return nil, err
		}
		if len(bremoves) > 0 && ix.isAuditBatch(l) {
			// Re-importing an export gives an audit record (edit.go) its own quads back; changing
			// one is refused.
			return nil, fmt.Errorf("graph: batch %s is an audit record (an edit, revert or rollback): it cannot be changed by an import: %w", ShortID(l), ErrConflict)
		}
		reports = append(reports, rep)
		adds, removes, addQuads = append(adds, badds...), append(removes, bremoves...), append(addQuads, bquads...)
	}
	if len(removes) > 0 {
		if err := s.checkRemovable(ix, removes, adds, strings.Join(shortIDs(qs.Batches()), ", ")); err != nil {
			return nil, err
		}
	}
	if dryRun || (len(adds) == 0 && len(removes) == 0) {
		return reports, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.write(ix, adds, removes, addQuads); err != nil {
		return nil, err
	}
	return reports, nil
}

func shortIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = ShortID(id)
	}
	return out
}

// checkQuads validates a quad set against the schema table and the read model and splits it
// into one compiled batch per label.
func checkQuads(qs *QuadSet, ix *index) (map[string]*compiled, error) {
	var ps Problems
	// Types first: every subject's type, from the file and the store.
	types := map[string]NodeType{}
	typePos := map[string]Pos{}
	for i, q := range qs.quads {
		pos := qs.pos[i]
		s, sok := q.Subject.(quad.IRI)
		if !sok || !strings.HasPrefix(string(s), prefix) {
			ps.Addf(pos.File, pos.Line, pos.Column, "", "subject %s is not a kring: IRI", quad.StringOf(q.Subject))
			continue
		}
		if q.Predicate != predType {
			continue
		}
		t := nodeTypeOf(q.Object)
		spec := TypeOf(t)
		if spec == nil {
			ps.Addf(pos.File, pos.Line, pos.Column, "rdf:type", "%s: unknown type %s", ShortID(string(s)), quad.StringOf(q.Object))
			continue
		}
		if prev, ok := types[string(s)]; ok && prev != t {
			ps.Addf(pos.File, pos.Line, pos.Column, "rdf:type", "%s is typed both %s and %s", ShortID(string(s)), prev, t)
			continue
		}
		if have := ix.typeOf(string(s)); have != "" && have != t {
			ps.Addf(pos.File, pos.Line, pos.Column, "rdf:type", "%s already exists as %s, not %s", ShortID(string(s)), have, t)
			continue
		}
		kind := spec.Kind
		switch t {
		case TypeConcept:
			kind = "concept"
		case TypeBatch:
			kind = "batch"
		}
		if !strings.HasPrefix(string(s), prefix+kind+"/") {
			ps.Addf(pos.File, pos.Line, pos.Column, "rdf:type", "%s is a %s, so its id should start with %q", ShortID(string(s)), t, kind+"/")
			continue
		}
		types[string(s)] = t
		typePos[string(s)] = pos
	}
	typeOf := func(id string) NodeType {
		if t, ok := types[id]; ok {
			return t
		}
		return ix.typeOf(id)
	}
	out := map[string]*compiled{}
	seenQuad := map[string]bool{}
	for i, q := range qs.quads {
		pos := qs.pos[i]
		s, _ := q.Subject.(quad.IRI)
		if !strings.HasPrefix(string(s), prefix) {
			continue // reported above
		}
		l, ok := q.Label.(quad.IRI)
		if !ok || !strings.HasPrefix(string(l), prefix+"batch/") || !ValidSlug(strings.TrimPrefix(string(l), prefix+"batch/")) {
			ps.Addf(pos.File, pos.Line, pos.Column, "", "%s: the graph name must be the batch that states the quad (kring:batch/<id>), not %s", ShortID(string(s)), labelString(q.Label))
			continue
		}
		c := out[string(l)]
		if c == nil {
			c = &compiled{batch: string(l), nodes: map[string]NodeType{}, single: map[spKey]Pos{}}
			out[string(l)] = c
		}
		k := quadKey(q)
		if seenQuad[k] {
			continue
		}
		seenQuad[k] = true
		c.quads = append(c.quads, q)
		t := typeOf(string(s))
		if t == "" {
			ps.Addf(pos.File, pos.Line, pos.Column, "", "%s has no type (no rdf:type quad in the file nor in the store)", ShortID(string(s)))
			continue
		}
		if q.Predicate == predType {
			c.nodes[string(s)] = t
			continue
		}
		p, ok := q.Predicate.(quad.IRI)
		if !ok || !strings.HasPrefix(string(p), prefix) {
			ps.Addf(pos.File, pos.Line, pos.Column, "", "%s: predicate %s is not a kring: IRI", ShortID(string(s)), quad.StringOf(q.Predicate))
			continue
		}
		local := strings.TrimPrefix(string(p), prefix)
		spec := TypeOf(t)
		fs := fieldByPredicate(spec, local)
		if fs == nil {
			ps.Addf(pos.File, pos.Line, pos.Column, local, "%s: %s has no field %s%s", ShortID(string(s)), t, local, suggest(local, predicateNames(spec)))
			continue
		}
		if msg := checkObject(fs, q.Object, typeOf); msg != "" {
			ps.Addf(pos.File, pos.Line, pos.Column, local, "%s: %s", ShortID(string(s)), msg)
			continue
		}
		if singleValued(fs) && t != TypeAuthor && t != TypeConcept && t != TypeBatch {
			c.single[spKey{string(s), local}] = pos
		}
	}
	// Every batch describes itself, so that the file says who loaded what when.
	for l, c := range out {
		if c.nodes[l] != TypeBatch {
			ps.Addf(qs.File, 0, 0, "", "batch %s has no batch node in the file (a %s typed %s, labelled with itself)", ShortID(l), ShortID(l), TypeBatch)
			continue
		}
		hasAt := false
		for _, q := range c.quads {
			if q.Subject == quad.IRI(l) && q.Predicate == predIRI("loadedAt") {
				hasAt = true
			}
		}
		if !hasAt {
			ps.Addf(typePos[l].File, typePos[l].Line, 0, "loadedAt", "batch %s has no loadedAt", ShortID(l))
		}
	}
	if err := ps.Sorted().Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func labelString(v quad.Value) string {
	if v == nil {
		return "no graph name"
	}
	return quad.StringOf(v)
}

// fieldByPredicate returns the field of spec stored under predicate local, or nil.
func fieldByPredicate(spec *TypeSpec, local string) *FieldSpec {
	for i := range spec.Fields {
		if spec.Fields[i].Predicate() == local {
			return &spec.Fields[i]
		}
	}
	return nil
}

func predicateNames(spec *TypeSpec) []string {
	out := make([]string, len(spec.Fields))
	for i := range spec.Fields {
		out[i] = spec.Fields[i].Predicate()
	}
	return out
}

// singleValued reports whether a field holds one value (per language, for text).
func singleValued(fs *FieldSpec) bool {
	return fs.Kind != StringsField && fs.Kind != ConceptsField && fs.Kind != RefsField
}

// checkObject checks a quad's object against the field it is stored under; a non-empty string
// explains a rejection.
func checkObject(fs *FieldSpec, o quad.Value, typeOf func(string) NodeType) string {
	want := ""
	switch fs.Kind {
	case TextField:
		switch v := o.(type) {
		case quad.LangString:
			if v.Lang != "nl" && v.Lang != "en" {
				return fmt.Sprintf("%s: language %q (Kring's text is nl or en)", fs.Name, v.Lang)
			}
			return ""
		case quad.String:
			return ""
		}
		want = "a language-tagged string (@nl or @en)"
	case StringField, StringsField:
		if _, ok := o.(quad.String); ok {
			return ""
		}
		if v, ok := o.(quad.LangString); ok && fs.PerLang && (v.Lang == "nl" || v.Lang == "en") {
			return ""
		}
		want = "a plain string"
	case CodeField:
		if v, ok := o.(quad.String); ok {
			if fs.Scheme != "" && !ValidCode(fs.Scheme, string(v)) {
				return fmt.Sprintf("%s: %q is not a %s code%s", fs.Name, string(v), fs.Scheme, suggest(string(v), Vocabularies[fs.Scheme]))
			}
			return ""
		}
		want = "a " + fs.Scheme + " code (a plain string)"
	case IntField:
		if _, ok := o.(quad.Int); ok {
			return ""
		}
		want = "an xsd:integer"
	case FloatField:
		switch o.(type) {
		case quad.Float, quad.Int:
			return ""
		}
		want = "an xsd:double"
	case BoolField:
		if _, ok := o.(quad.Bool); ok {
			return ""
		}
		want = "an xsd:boolean"
	case ConceptField, ConceptsField:
		if v, ok := o.(quad.IRI); ok {
			code := strings.TrimPrefix(string(v), prefix+"concept/"+fs.Scheme+"/")
			if code == string(v) || !ValidCode(fs.Scheme, code) {
				return fmt.Sprintf("%s: %s is not a %s concept", fs.Name, quad.StringOf(o), fs.Scheme)
			}
			return ""
		}
		want = "a " + fs.Scheme + " concept IRI"
	case RefField, RefsField:
		if v, ok := o.(quad.IRI); ok {
			tt := typeOf(string(v))
			if tt == "" {
				return fmt.Sprintf("%s: %s is neither in the file nor in the store", fs.Name, ShortID(string(v)))
			}
			if len(fs.Range) > 0 && !containsType(fs.Range, tt) {
				return fmt.Sprintf("%s: %s is a %s; expected %s", fs.Name, ShortID(string(v)), tt, joinTypes(fs.Range))
			}
			return ""
		}
		want = "an IRI"
	}
	return fmt.Sprintf("%s: %s is not %s", fs.Name, quad.StringOf(o), want)
}
