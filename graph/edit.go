package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cayleygraph/quad"
)

// Edits, reverts and the audit log.
//
// An edit changes one field of one node. It is a batch of its own (kring:batch/edit-<n>, kind
// "edit"): it removes the quads that held the field's old value, whichever batches stated them,
// and adds the new value under its own label, with metadata quads on the batch node: who
// (loadedBy), when (loadedAt), why (description), the node and field, the old and new values,
// and the removed and added quads themselves (so that a revert can restore the removed quads
// with their original labels). A revert (kring:batch/revert-<n>) removes an edit's value and
// restores exactly the quads it removed; the edit's metadata stays, so history shows both. A
// rollback that goes through RollbackAs leaves a record too (kring:batch/rollback-<n>), since
// the rolled-back batch's own metadata is removed with it.
//
// Rules that keep batches and edits coherent:
//   - A load batch whose quads an edit replaced cannot be rolled back while the edit stands
//     (ErrConflict naming the edits): revert the edits first. Re-loading it with the old value
//     is refused by the usual conflict check (the edit's value is stored, from the edit), and
//     re-loading it without the edited node is refused (ErrConflict naming the edits).
//   - An edit is reverted, never rolled back (Rollback refuses it with ErrInvalid), and audit
//     records (edits, reverts, rollbacks) cannot be loaded over.
//   - Reverting an edit whose value a later edit replaced is refused (ErrConflict naming the
//     later edits): revert the later edit first.
//   - Status follows the path CANDIDATE → INFERRED → CONFIRMED: one step forward at a time;
//     backward steps (to any earlier status) are allowed. Every edit needs a reason.

// AuditKind says what kind of write an audit entry records.
type AuditKind string

// Kinds of writes.
const (
	AuditLoad     AuditKind = "LOAD"
	AuditEdit     AuditKind = "EDIT"
	AuditRevert   AuditKind = "REVERT"
	AuditRollback AuditKind = "ROLLBACK"
	// AuditRelease is for named releases (written by the release feature).
	AuditRelease AuditKind = "RELEASE"
)

// AuditKinds lists the kinds of writes, in the order they are documented.
var AuditKinds = []AuditKind{AuditLoad, AuditEdit, AuditRevert, AuditRollback, AuditRelease}

// batch-node kind values (kring:batchKind); a load has none.
var auditSlug = map[AuditKind]string{AuditEdit: "edit", AuditRevert: "revert", AuditRollback: "rollback", AuditRelease: "release"}

// batchKindOf is the kind of a batch node's kring:batchKind value ("" for a load).
func batchKindOf(slug string) AuditKind {
	for k, v := range auditSlug {
		if v == slug {
			return k
		}
	}
	if slug == "" {
		return AuditLoad
	}
	return AuditKind(strings.ToUpper(slug))
}

// EditRequest asks for one field of one node to be changed.
type EditRequest struct {
	// Target is the node's id ("claim/x" or "kring:claim/x").
	Target string
	// Field is the field's name as in batch files ("direction", "status", "title", "name").
	Field string
	// Value is the new value as text ("NEGATIVE", "2009", "true"); nil or empty clears an
	// optional field.
	Value *string
	// Values is the new list of a list field (a method's aliases, a target group's tags); empty
	// clears it. Value, when given instead, is a list of one.
	Values []string
	// Lang is "nl" or "en", for text fields (names, labels, descriptions) only.
	Lang string
	// Reason says why; required.
	Reason string
	// Author is who edits (the token's name).
	Author string
}

// EditResult is what an edit or a revert wrote.
type EditResult struct {
	ID     string    `json:"id"` // the edit's or revert's batch id
	Kind   AuditKind `json:"kind"`
	Target string    `json:"target"`
	Field  string    `json:"field"`
	Lang   string    `json:"lang,omitempty"`
	Old    []string  `json:"old"`
	New    []string  `json:"new"`
	// Removed and Added count the quads (metadata not included).
	Removed int    `json:"removed"`
	Added   int    `json:"added"`
	Author  string `json:"author"`
	At      string `json:"at"`
	Reason  string `json:"reason"`
	// Reverts is the edit a revert undid.
	Reverts string `json:"reverts,omitempty"`
}

// AuditEntry is one write: who, when, what and why.
type AuditEntry struct {
	ID     string    `json:"id"`
	Kind   AuditKind `json:"kind"`
	Actor  string    `json:"actor"`
	At     string    `json:"at"`
	Reason string    `json:"reason"`
	// What: the node (edits), the edit (reverts), the batch (rollbacks); for loads the files.
	Target string   `json:"target,omitempty"`
	Field  string   `json:"field,omitempty"`
	Lang   string   `json:"lang,omitempty"`
	Old    []string `json:"old,omitempty"`
	New    []string `json:"new,omitempty"`
	// Summary says what in one line ("claim/x direction: POSITIVE → NEGATIVE").
	Summary string `json:"summary"`
	// Quads written by a load, removed by a rollback, changed by an edit or revert.
	Quads int `json:"quads"`
	// RevertedBy is the revert that undid an edit.
	RevertedBy string `json:"revertedBy,omitempty"`
	seq        int
}

// AuditFilter selects audit entries; zero values select all.
type AuditFilter struct {
	Kind  AuditKind
	Actor string
}

// HistoryEntry is one write that touched a node; Kind LOAD says the node was stated by a batch.
type HistoryEntry = AuditEntry

// editable returns the field spec of an editable field of a node type, or why it is not.
func editable(t NodeType, field string) (*FieldSpec, string) {
	spec := TypeOf(t)
	if spec == nil || t == TypeBatch {
		return nil, fmt.Sprintf("a %s cannot be edited", t)
	}
	fs := spec.FieldByName(field)
	if fs == nil {
		return nil, fmt.Sprintf("%s has no field %q%s", t, field, suggest(field, editableFields(t)))
	}
	if !isEditable(spec, fs) {
		return nil, fmt.Sprintf("field %q of %s cannot be edited (it is part of the node's identity or a link; editable: %s)", field, t, strings.Join(editableFields(t), ", "))
	}
	return fs, ""
}

func isEditable(spec *TypeSpec, fs *FieldSpec) bool {
	switch fs.Kind {
	case CodeField, StringField, IntField, FloatField, BoolField, TextField:
	case StringsField:
		if fs.Name == "authors" {
			return false // a source's authors are nodes of their own too
		}
	default:
		return false
	}
	if fs.Name == "subject" || fs.Name == "code" || fs.Name == "scheme" {
		return false
	}
	return !containsString(spec.KeyFields, fs.Name)
}

// EditableFields returns the fields of a node type an edit may change.
func EditableFields(t NodeType) []string { return editableFields(t) }

func editableFields(t NodeType) []string {
	spec := TypeOf(t)
	if spec == nil || t == TypeBatch {
		return nil
	}
	var out []string
	for i := range spec.Fields {
		if isEditable(spec, &spec.Fields[i]) {
			out = append(out, spec.Fields[i].Name)
		}
	}
	return out
}

// statusRank is the place of a status on its path.
var statusRank = map[string]int{"CANDIDATE": 0, "INFERRED": 1, "CONFIRMED": 2}

// checkStatusPath refuses a forward step that skips a status.
func checkStatusPath(from, to string) string {
	f, okf := statusRank[from]
	t, okt := statusRank[to]
	if !okf || !okt || t <= f+1 {
		return ""
	}
	return fmt.Sprintf("status goes CANDIDATE → INFERRED → CONFIRMED one step at a time: %s → %s skips INFERRED", from, to)
}

// editValue turns the text of a new value into the quad object of field fs.
func editValue(fs *FieldSpec, raw, lang string) (quad.Value, string) {
	raw = strings.TrimSpace(raw)
	if fs.Kind == TextField {
		return quad.LangString{Value: quad.String(raw), Lang: lang}, ""
	}
	var v any = raw
	if fs.Kind == BoolField {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, fmt.Sprintf("expected true or false, got %q", raw)
		}
		v = b
	}
	objs, msg := convert(fs, v)
	if msg != "" {
		return nil, msg
	}
	if len(objs) != 1 {
		return nil, "expected one value"
	}
	return objs[0], ""
}

// fieldValue reports whether edge value v belongs to the field's value in lang (text fields:
// a plain string counts as Dutch).
func fieldValue(v quad.Value, fs *FieldSpec, lang string) bool {
	if fs.Kind != TextField {
		return true
	}
	switch v := v.(type) {
	case quad.LangString:
		return v.Lang == lang
	case quad.String:
		return lang == "nl"
	}
	return false
}

// displayValue is a value as a curator reads it.
func displayValue(v quad.Value) string {
	switch v := v.(type) {
	case quad.LangString:
		return string(v.Value)
	case quad.String:
		return string(v)
	case quad.IRI:
		return ShortID(string(v))
	case quad.Int:
		return strconv.FormatInt(int64(v), 10)
	case quad.Float:
		return strconv.FormatFloat(float64(v), 'g', -1, 64)
	case quad.Bool:
		return strconv.FormatBool(bool(v))
	}
	return quad.StringOf(v)
}

// displayValues is a field's value as a curator reads it: a list field's items one by one.
func displayValues(fs *FieldSpec, v quad.Value) []string {
	if fs.Kind == StringsField {
		var items []string
		if s, ok := v.(quad.String); ok && json.Unmarshal([]byte(s), &items) == nil {
			return items
		}
	}
	return []string{displayValue(v)}
}

// storedQuad is a quad as kept in an edit's metadata: its four terms, encoded.
type storedQuad [4]string

func encodeQuads(t *terms, qs []qt) string {
	out := make([]storedQuad, len(qs))
	for i, q := range qs {
		for j := range q {
			out[i][j] = t.str(q[j])
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func decodeQuads(s string) ([]quad.Quad, error) {
	var in []storedQuad
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("graph: an edit's stored quads: %w", err)
	}
	out := make([]quad.Quad, len(in))
	for i, q := range in {
		out[i] = quad.Quad{Subject: decodeTerm(q[0]), Predicate: decodeTerm(q[1]), Object: decodeTerm(q[2]), Label: decodeTerm(q[3])}
	}
	return out, nil
}

// audit is an audit record as read from its batch node.
type audit struct {
	id, kind        string
	seq             int
	target, field   string
	lang            string
	old, new        []string
	removed, added  string
	reverts, rolled string
	quads           int
}

func (ix *index) auditOf(n *node) audit {
	a := audit{id: n.id, kind: n.str("batchKind"), target: n.str("editTarget"), field: n.str("editField"), lang: n.str("editLang"),
		removed: n.str("editRemoved"), added: n.str("editAdded"), reverts: n.str("reverts"), rolled: n.str("rollsBack")}
	if v := n.optInt("auditSeq"); v != nil {
		a.seq = *v
	}
	if v := n.optInt("auditQuads"); v != nil {
		a.quads = *v
	}
	_ = json.Unmarshal([]byte(n.str("editOld")), &a.old)
	_ = json.Unmarshal([]byte(n.str("editNew")), &a.new)
	return a
}

// audits returns the audit records (edits, reverts, rollbacks, releases) of the read model, and
// which revert undid each edit.
func (ix *index) audits() ([]audit, map[string]string) {
	var out []audit
	revertedBy := map[string]string{}
	for _, id := range ix.byType[TypeBatch] {
		n := ix.nodes[id]
		if n == nil || n.str("batchKind") == "" {
			continue
		}
		a := ix.auditOf(n)
		if a.kind == auditSlug[AuditRevert] && a.reverts != "" {
			revertedBy[a.reverts] = a.id
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, revertedBy
}

// isAuditBatch reports whether batch id is an audit record (not a load).
func (ix *index) isAuditBatch(id string) bool {
	n := ix.nodes[id]
	return n != nil && n.str("batchKind") != ""
}

// standingEdits returns the edits that stand (are not reverted) and removed quads labelled l.
func (ix *index) standingEdits(l string) []string {
	var out []string
	for e := range ix.editedTargets(l) {
		out = append(out, ShortID(e))
	}
	sort.Slice(out, func(i, j int) bool { return seqOf(out[i]) < seqOf(out[j]) })
	return out
}

// seqOf is the number at the end of an audit record's id (edit-12 → 12).
func seqOf(id string) int {
	i := strings.LastIndexByte(id, '-')
	n, _ := strconv.Atoi(id[i+1:])
	return n
}

// editedTargets returns, for the standing edits that replaced quads labelled l, the nodes they
// edited (edit id → node).
func (ix *index) editedTargets(l string) map[string]string {
	as, reverted := ix.audits()
	out := map[string]string{}
	for _, a := range as {
		if a.kind != auditSlug[AuditEdit] || reverted[a.id] != "" {
			continue
		}
		qs, _ := decodeQuads(a.removed)
		for _, q := range qs {
			if quad.StringOf(q.Label) == quad.StringOf(quad.IRI(l)) {
				out[a.id] = a.target
				break
			}
		}
	}
	return out
}

// checkEditedKept refuses re-loading a batch without a node that a standing edit changed
// (the edit's value would be left on a node that no longer exists).
func (ix *index) checkEditedKept(c *compiled) error {
	var lost []string
	for e, target := range ix.editedTargets(c.batch) {
		if _, ok := c.nodes[target]; !ok {
			lost = append(lost, fmt.Sprintf("%s (%s)", ShortID(e), ShortID(target)))
		}
	}
	if len(lost) == 0 {
		return nil
	}
	sort.Strings(lost)
	return fmt.Errorf("graph: batch %s no longer states nodes that edits changed: %s; revert the edits first: %w", ShortID(c.batch), strings.Join(lost, ", "), ErrConflict)
}

// nextAudit returns the next audit record's id and sequence number. Writer only.
func (ix *index) nextAudit(kind AuditKind) (string, int) {
	as, _ := ix.audits()
	seq := 1
	if len(as) > 0 {
		seq = as[len(as)-1].seq + 1
	}
	for {
		id := BatchIRI(fmt.Sprintf("%s-%d", auditSlug[kind], seq))
		if ix.lookup(id) == nil {
			return id, seq
		}
		seq++
	}
}

// auditMeta returns the metadata quads of an audit record.
func auditMeta(label string, kind AuditKind, seq int, author, at, reason string, extra map[string]quad.Value) []quad.Quad {
	l := quad.IRI(label)
	q := func(p string, o quad.Value) quad.Quad {
		return quad.Quad{Subject: l, Predicate: predIRI(p), Object: o, Label: l}
	}
	out := []quad.Quad{
		{Subject: l, Predicate: predType, Object: typeIRI(TypeBatch), Label: l},
		q("batchKind", quad.String(auditSlug[kind])),
		q("auditSeq", quad.Int(seq)),
		q("loadedAt", quad.String(at)),
	}
	if author != "" {
		out = append(out, q("loadedBy", quad.String(author)))
	}
	if reason != "" {
		out = append(out, q("description", quad.String(reason)))
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, q(k, extra[k]))
	}
	return out
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("graph: "+format+": %w", append(args, ErrInvalid)...)
}

// beginSmallWrite starts an edit or a revert: the writer's mutex and, on PostgreSQL, the
// cross-process writer lock on the newest stored state; done releases both. ix is the read
// model the write starts from.
func (s *Store) beginSmallWrite(ctx context.Context) (ix *index, done func(), err error) {
	if s.readOnly {
		return nil, nil, ErrReadOnly
	}
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		return nil, nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		s.mu.Unlock()
		return nil, nil, err
	}
	unlock, err := s.beginWrite(ctx, false) // postgres.go
	if err != nil {
		s.mu.Unlock()
		return nil, nil, err
	}
	s.writerReady()
	return s.idx.Load(), func() { unlock(); s.mu.Unlock() }, nil
}

// Edit changes one field of one node, as a batch of its own (see the top of this file).
func (s *Store) Edit(ctx context.Context, req EditRequest) (*EditResult, error) {
	if strings.TrimSpace(req.Reason) == "" {
		return nil, invalid("an edit needs a reason")
	}
	ix, done, err := s.beginSmallWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	target := FullID(req.Target)
	n := ix.nodes[target]
	if n == nil {
		return nil, fmt.Errorf("graph: node %s: %w", ShortID(target), ErrNotFound)
	}
	fs, why := editable(n.typ, req.Field)
	if why != "" {
		return nil, invalid("%s", why)
	}
	lang := strings.ToLower(strings.TrimSpace(req.Lang))
	if fs.Kind == TextField {
		if lang == "nl-be" {
			lang = "nl"
		}
		if lang != "nl" && lang != "en" {
			return nil, invalid("field %q is a text: say which language (lang nl or en)", fs.Name)
		}
	} else if lang != "" {
		return nil, invalid("field %q is not a text: lang applies to texts only", fs.Name)
	}
	raw := ""
	if req.Value != nil {
		raw = strings.TrimSpace(*req.Value)
	}
	var list []any
	if fs.Kind == StringsField {
		for _, v := range req.Values {
			if strings.TrimSpace(v) != "" {
				list = append(list, v)
			}
		}
		if raw != "" && len(list) == 0 {
			list = []any{raw}
		}
		if len(list) > 0 {
			raw = "list"
		}
	} else if len(req.Values) > 0 {
		return nil, invalid("field %q takes one value (value), not a list", fs.Name)
	}
	var newVal quad.Value
	if raw == "" {
		if fs.Required || fs.Name == "status" {
			return nil, invalid("field %q of %s is required: it cannot be cleared", fs.Name, n.typ)
		}
	} else if fs.Kind == StringsField {
		objs, msg := convert(fs, list)
		if msg != "" || len(objs) != 1 {
			return nil, invalid("%s %s: %s", ShortID(target), fs.Name, msg)
		}
		newVal = objs[0]
	} else {
		v, msg := editValue(fs, raw, lang)
		if msg != "" {
			return nil, invalid("%s %s: %s", ShortID(target), fs.Name, msg)
		}
		newVal = v
	}
	// The quads holding the old value, whichever batch stated them.
	var removes []qt
	var old []string
	if pid, ok := s.t.predID(fs.Predicate()); ok {
		for _, e := range n.out {
			if e.p != pid {
				continue
			}
			v := s.t.value(e.o)
			if !fieldValue(v, fs, lang) {
				continue
			}
			removes = append(removes, qt{n.tid, e.p, e.o, e.l})
			for _, d := range displayValues(fs, v) {
				if !containsString(old, d) {
					old = append(old, d)
				}
			}
		}
	}
	var nw []string
	if newVal != nil {
		nw = displayValues(fs, newVal)
		if len(removes) > 0 && slices.Equal(old, nw) {
			return nil, invalid("%s %s is %s already: nothing to change", ShortID(target), fs.Name, strings.Join(nw, ", "))
		}
	} else if len(removes) == 0 {
		return nil, invalid("%s %s has no value: nothing to clear", ShortID(target), fs.Name)
	}
	if fs.Name == "status" && len(old) == 1 {
		if msg := checkStatusPath(old[0], nw[0]); msg != "" {
			return nil, invalid("%s: %s", ShortID(target), msg)
		}
	}
	label, seq := ix.nextAudit(AuditEdit)
	var content []quad.Quad
	if newVal != nil {
		content = append(content, quad.Quad{Subject: quad.IRI(target), Predicate: predIRI(fs.Predicate()), Object: newVal, Label: quad.IRI(label)})
	}
	at := s.now().UTC().Format(time.RFC3339)
	oldJSON, _ := json.Marshal(nonNil(old))
	newJSON, _ := json.Marshal(nonNil(nw))
	var conv quadConv
	var contentIDs []qt
	for _, q := range content {
		id, err := conv.intern(s.t, q)
		if err != nil {
			return nil, err
		}
		contentIDs = append(contentIDs, id)
	}
	extra := map[string]quad.Value{
		"editTarget": quad.String(target), "editField": quad.String(fs.Name),
		"editOld": quad.String(oldJSON), "editNew": quad.String(newJSON),
		"editRemoved": quad.String(encodeQuads(s.t, removes)), "editAdded": quad.String(encodeQuads(s.t, contentIDs)),
		"auditQuads": quad.Int(len(removes) + len(content)),
	}
	if lang != "" {
		extra["editLang"] = quad.String(lang)
	}
	all := append(auditMeta(label, AuditEdit, seq, req.Author, at, strings.TrimSpace(req.Reason), extra), content...)
	adds, addQuads, err := s.internNew(ix, all)
	if err != nil {
		return nil, err
	}
	if err := s.write(ix, adds, removes, addQuads); err != nil {
		return nil, err
	}
	return &EditResult{ID: label, Kind: AuditEdit, Target: target, Field: fs.Name, Lang: lang, Old: nonNil(old), New: nonNil(nw),
		Removed: len(removes), Added: len(content), Author: req.Author, At: at, Reason: strings.TrimSpace(req.Reason)}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// internNew interns quads, keeping those the store does not hold yet (each once).
func (s *Store) internNew(ix *index, qs []quad.Quad) ([]qt, []quad.Quad, error) {
	var conv quadConv
	seen := map[qt]bool{}
	var ids []qt
	var out []quad.Quad
	for _, q := range qs {
		id, err := conv.intern(s.t, q)
		if err != nil {
			return nil, nil, err
		}
		if seen[id] || ix.stored(id) {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
		out = append(out, q)
	}
	return ids, out, nil
}

// Revert undoes an edit: its value is removed and the quads it removed are restored with their
// original labels. Refused with ErrConflict when a later edit replaced the edit's value (naming
// it), when the edit is reverted already, or when what it would restore no longer fits the
// store (the batch it came from or the node is gone, or another batch states another value).
func (s *Store) Revert(ctx context.Context, editID, author, reason string) (*EditResult, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, invalid("a revert needs a reason")
	}
	ix, done, err := s.beginSmallWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	id := batchIDOf(editID)
	n := ix.nodes[id]
	if n == nil || n.typ != TypeBatch {
		return nil, fmt.Errorf("graph: edit %q: %w", editID, ErrNotFound)
	}
	a := ix.auditOf(n)
	if a.kind != auditSlug[AuditEdit] {
		return nil, invalid("%s is not an edit: only edits are reverted (a load is rolled back)", ShortID(id))
	}
	_, reverted := ix.audits()
	if r := reverted[id]; r != "" {
		return nil, fmt.Errorf("graph: %s is reverted already (by %s): %w", ShortID(id), ShortID(r), ErrConflict)
	}
	if later := ix.standingEdits(id); len(later) > 0 {
		return nil, fmt.Errorf("graph: %s: later edits replaced its value: %s; revert them first: %w", ShortID(id), strings.Join(later, ", "), ErrConflict)
	}
	restore, err := decodeQuads(a.removed)
	if err != nil {
		return nil, err
	}
	l, _ := s.t.lookup(mustEncode(quad.IRI(id)))
	var removes []qt
	for _, q := range s.labelled(ix, l) {
		if q[0] != n.tid {
			removes = append(removes, q)
		}
	}
	// What is restored must fit: its batch and node still exist, and no other batch states
	// another value of the field.
	target := ix.nodes[a.target]
	if target == nil {
		return nil, fmt.Errorf("graph: %s: node %s no longer exists: %w", ShortID(id), ShortID(a.target), ErrConflict)
	}
	fs := TypeOf(target.typ).FieldByName(a.field)
	gone := map[qt]bool{}
	for _, q := range removes {
		gone[q] = true
	}
	restoredVals := map[string]bool{}
	for _, q := range restore {
		lb := string(q.Label.(quad.IRI))
		if ix.typeOf(lb) != TypeBatch {
			return nil, fmt.Errorf("graph: %s: batch %s, whose value it would restore, no longer exists: %w", ShortID(id), ShortID(lb), ErrConflict)
		}
		restoredVals[quad.StringOf(q.Object)] = true
	}
	if fs != nil && len(restore) > 0 {
		if pid, ok := s.t.predID(fs.Predicate()); ok {
			var others []string
			for _, e := range target.out {
				if e.p != pid || gone[qt{target.tid, e.p, e.o, e.l}] {
					continue
				}
				v := s.t.value(e.o)
				if fieldValue(v, fs, a.lang) && !restoredVals[quad.StringOf(v)] {
					others = append(others, fmt.Sprintf("%s (from %s)", displayValue(v), ShortID(s.t.iri(e.l))))
				}
			}
			if len(others) > 0 {
				return nil, fmt.Errorf("graph: %s: %s %s has another value now: %s: %w", ShortID(id), ShortID(a.target), a.field, strings.Join(others, ", "), ErrConflict)
			}
		}
	}
	label, seq := ix.nextAudit(AuditRevert)
	at := s.now().UTC().Format(time.RFC3339)
	oldJSON, _ := json.Marshal(nonNil(a.new))
	newJSON, _ := json.Marshal(nonNil(a.old))
	extra := map[string]quad.Value{
		"reverts": quad.String(id), "editTarget": quad.String(a.target), "editField": quad.String(a.field),
		"editOld": quad.String(oldJSON), "editNew": quad.String(newJSON),
		"auditQuads": quad.Int(len(removes) + len(restore)),
	}
	if a.lang != "" {
		extra["editLang"] = quad.String(a.lang)
	}
	all := append(auditMeta(label, AuditRevert, seq, author, at, strings.TrimSpace(reason), extra), restore...)
	adds, addQuads, err := s.internNew(ix, all)
	if err != nil {
		return nil, err
	}
	if err := s.write(ix, adds, removes, addQuads); err != nil {
		return nil, err
	}
	return &EditResult{ID: label, Kind: AuditRevert, Target: a.target, Field: a.field, Lang: a.lang, Old: nonNil(a.new), New: nonNil(a.old),
		Removed: len(removes), Added: len(restore), Author: author, At: at, Reason: strings.TrimSpace(reason), Reverts: id}, nil
}

// RollbackRequest is a rollback with who asks and why, for the audit log.
type RollbackRequest struct {
	Batch  string
	DryRun bool
	Author string
	Reason string
}

// RollbackAs is Rollback that leaves an audit record (kring:batch/rollback-<n>, kind rollback)
// naming the batch, who rolled it back, when and why; the record is written in the same
// transaction as the rollback.
func (s *Store) RollbackAs(ctx context.Context, req RollbackRequest) (*Report, error) {
	return s.rollback(ctx, req.Batch, req.DryRun, &req)
}

// checkAuditRollback refuses rolling back an audit record, and a batch whose quads standing
// edits replaced.
func (ix *index) checkAuditRollback(id string) error {
	if n := ix.nodes[id]; n != nil {
		switch n.str("batchKind") {
		case "":
		case auditSlug[AuditEdit]:
			return invalid("%s is an edit: revert it (revertEdit) instead of rolling it back", ShortID(id))
		default:
			return invalid("%s is an audit record: it cannot be rolled back", ShortID(id))
		}
	}
	if eds := ix.standingEdits(id); len(eds) > 0 {
		return fmt.Errorf("graph: batch %s: edits replaced some of its values: %s; revert them first: %w", ShortID(id), strings.Join(eds, ", "), ErrConflict)
	}
	return nil
}

// rollbackMeta returns the audit record of a rollback of batch id that removes n quads.
func (s *Store) rollbackMeta(ix *index, id string, n int, req *RollbackRequest) []quad.Quad {
	label, seq := ix.nextAudit(AuditRollback)
	at := s.now().UTC().Format(time.RFC3339)
	extra := map[string]quad.Value{"rollsBack": quad.String(id), "auditQuads": quad.Int(n)}
	if bn := ix.nodes[id]; bn != nil {
		if d := bn.str("description"); d != "" {
			extra["editOld"] = quad.String(mustJSON([]string{d}))
		}
	}
	return auditMeta(label, AuditRollback, seq, req.Author, at, strings.TrimSpace(req.Reason), extra)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// entry turns a batch node into an audit entry.
func (ix *index) entry(n *node, reverted map[string]string) AuditEntry {
	e := AuditEntry{ID: n.id, Actor: n.str("loadedBy"), At: n.str("loadedAt"), Reason: n.str("description")}
	kind := n.str("batchKind")
	if kind == "" {
		e.Kind = AuditLoad
		e.Quads = ix.batchQuads[n.id]
		var files []BatchFile
		_ = json.Unmarshal([]byte(n.str("file")), &files)
		var names []string
		for _, f := range files {
			names = append(names, f.Name)
		}
		e.Target = strings.Join(names, ", ")
		e.Summary = fmt.Sprintf("load %s: %d quads", ShortID(n.id), e.Quads)
		if e.Target != "" {
			e.Summary += " from " + e.Target
		}
		return e
	}
	a := ix.auditOf(n)
	e.seq, e.Quads, e.Field, e.Lang, e.Old, e.New = a.seq, a.quads, a.field, a.lang, a.old, a.new
	e.Kind = batchKindOf(kind)
	field := a.field
	if a.lang != "" {
		field += " (" + a.lang + ")"
	}
	change := func() string {
		o, nw := strings.Join(a.old, ", "), strings.Join(a.new, ", ")
		if o == "" {
			o = "∅"
		}
		if nw == "" {
			nw = "∅"
		}
		return o + " → " + nw
	}
	switch e.Kind {
	case AuditEdit:
		e.Target = ShortID(a.target)
		e.RevertedBy = reverted[n.id]
		e.Summary = fmt.Sprintf("edit %s %s: %s", e.Target, field, change())
	case AuditRevert:
		e.Target = ShortID(a.reverts)
		e.Summary = fmt.Sprintf("revert %s (%s %s: %s)", ShortID(a.reverts), ShortID(a.target), field, change())
	case AuditRollback:
		e.Target = ShortID(a.rolled)
		e.Old = nil
		e.Summary = fmt.Sprintf("rollback %s: %d quads removed", ShortID(a.rolled), a.quads)
	default:
		e.Target = ShortID(a.target)
		e.Summary = fmt.Sprintf("%s %s", kind, ShortID(n.id))
	}
	return e
}

func sortEntries(es []AuditEntry) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].At != es[j].At {
			return es[i].At > es[j].At
		}
		return es[i].seq > es[j].seq
	})
}

// AuditLog returns every write the store holds a record of (loads, edits, reverts,
// rollbacks, releases), newest first. A rolled-back load is gone with its metadata; its rollback record
// says who removed it, when and why.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	_, reverted := ix.audits()
	var out []AuditEntry
	for _, id := range ix.byType[TypeBatch] {
		n := ix.nodes[id]
		if n == nil {
			continue
		}
		e := ix.entry(n, reverted)
		if f.Kind != "" && e.Kind != f.Kind || f.Actor != "" && e.Actor != f.Actor {
			continue
		}
		out = append(out, e)
	}
	// Releases keep their record apart from the batches (release.go): who made one, when and
	// why (its note) is its audit entry.
	if f.Kind == "" || f.Kind == AuditRelease {
		rels, err := s.Releases(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			if f.Actor != "" && r.CreatedBy != f.Actor {
				continue
			}
			out = append(out, AuditEntry{ID: releasePrefix + r.Name, Kind: AuditRelease, Actor: r.CreatedBy, At: r.CreatedAt,
				Reason: r.Note, Target: r.Name, Summary: "release " + r.Name, Quads: r.Quads})
		}
	}
	sortEntries(out)
	return out, nil
}

// History returns the writes that touched a node, newest first: the batches that state it
// (LOAD), the edits of its fields (EDIT, with RevertedBy when undone) and their reverts
// (REVERT). ErrNotFound when no node has the id.
func (s *Store) History(ctx context.Context, id string) ([]HistoryEntry, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	id = FullID(id)
	n := ix.nodes[id]
	if n == nil {
		return nil, fmt.Errorf("graph: node %s: %w", ShortID(id), ErrNotFound)
	}
	as, reverted := ix.audits()
	out := []HistoryEntry{}
	for _, l := range n.batches() {
		if bn := ix.nodes[l]; bn != nil && bn.typ == TypeBatch && bn.str("batchKind") == "" {
			out = append(out, ix.entry(bn, reverted))
		}
	}
	for _, a := range as {
		if a.target != id || a.kind != auditSlug[AuditEdit] && a.kind != auditSlug[AuditRevert] {
			continue
		}
		if bn := ix.nodes[a.id]; bn != nil {
			out = append(out, ix.entry(bn, reverted))
		}
	}
	sortEntries(out)
	return out, nil
}
