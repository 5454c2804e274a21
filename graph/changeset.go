package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/cayleygraph/quad"
	"golang.org/x/text/unicode/norm"
)

// Pos is a place in an input file.
type Pos struct {
	File   string
	Line   int
	Column int
}

// FieldValue is one field of a node as read from an input: a raw value (string, bool, int,
// int64, float64, []any, or map[string]any for text) and where it stood.
type FieldValue struct {
	Name  string
	Value any
	Pos   Pos
}

// NodeSpec is one node as read from an input, before validation. Nested nodes (a method's
// work-model assignments, a framework's categories) are NodeSpecs of their own with an empty
// ID and a "subject" field naming their parent; the store derives their ids.
type NodeSpec struct {
	Type   NodeType
	ID     string
	Fields []FieldValue
	Pos    Pos
}

// Field returns the value of the named field and whether it was given.
func (n *NodeSpec) Field(name string) (FieldValue, bool) {
	for _, f := range n.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return FieldValue{}, false
}

// BatchFile names one input file of a batch and its SHA-256 checksum.
type BatchFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Changeset is everything one load wants to write, as one batch.
type Changeset struct {
	// BatchID is the batch's slug (kring:batch/<BatchID>).
	BatchID     string
	Description string
	LoadedBy    string
	// LoadedAt is an RFC 3339 time; the store fills it in when empty.
	LoadedAt string
	Files    []BatchFile
	Nodes    []NodeSpec
	// Pos is where the batch header stood (for problems about the batch as a whole).
	Pos Pos
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:[-_.][a-z0-9]+)*$`)

// ValidSlug reports whether s is a valid id slug: lowercase letters, digits, and single
// '-', '_' or '.' between them.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// Slugify folds s into a slug: lowercase ASCII letters and digits joined by '-'.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(unicode.ToLower(r))
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// FullID returns the IRI form of an id written as "kind/slug" or "kring:kind/slug".
func FullID(id string) string {
	id = strings.TrimSpace(id)
	if strings.HasPrefix(id, prefix) {
		return id
	}
	return prefix + id
}

// ShortID returns an id without its "kring:" prefix.
func ShortID(id string) string { return strings.TrimPrefix(id, prefix) }

// BatchIRI returns the id of a batch from its slug.
func BatchIRI(slug string) string { return prefix + "batch/" + slug }

// Predicate IRIs.
var (
	predType = quad.IRI("rdf:type")
)

func predIRI(local string) quad.IRI { return quad.IRI(prefix + local) }
func typeIRI(t NodeType) quad.IRI   { return quad.IRI(prefix + "type/" + string(t)) }

// spKey is a subject and a predicate's local name.
type spKey struct{ s, p string }

// typeIRIs holds typeIRI of every node type, computed once.
var typeIRIs = func() map[NodeType]quad.IRI {
	m := map[NodeType]quad.IRI{}
	for _, t := range Types {
		m[t.Type] = typeIRI(t.Type)
	}
	return m
}()

func typeIRIOf(t NodeType) quad.IRI {
	if iri, ok := typeIRIs[t]; ok {
		return iri
	}
	return typeIRI(t)
}
func nodeTypeOf(v quad.Value) NodeType {
	if iri, ok := v.(quad.IRI); ok {
		return NodeType(strings.TrimPrefix(string(iri), prefix+"type/"))
	}
	return ""
}

// text is a value in Dutch and English.
type text struct{ nl, en string }

// compiled is a validated changeset: the quads it states, with the batch label.
type compiled struct {
	batch string
	quads []quad.Quad
	nodes map[string]NodeType // ids the changeset defines, with their types
	// single maps subject and predicate (local name) of single-valued fields to where the value
	// was given.
	single map[spKey]Pos
}

// compile validates cs against the current index and turns it into quads. Every problem is
// reported, with its position. The compiled changeset is returned with the problems too (its
// quads are then those of the fields that had none), so that the conflicts with stored facts
// can be checked as well (check, check.go); it is written only when there are no problems.
func compile(cs *Changeset, idx *index) (*compiled, Problems) {
	var ps Problems
	file := cs.Pos.File
	if !ValidSlug(cs.BatchID) {
		ps.Addf(file, cs.Pos.Line, cs.Pos.Column, "batch.id", "%q is not a valid batch id (lowercase letters, digits and '-')", cs.BatchID)
	}
	c := &compiled{batch: BatchIRI(cs.BatchID), nodes: map[string]NodeType{}, single: map[spKey]Pos{}}
	// The label, and consecutive quads' subject, are boxed once (a big batch has millions).
	var label quad.Value = quad.IRI(c.batch)
	var lastS string
	var subj quad.Value
	add := func(s string, p quad.IRI, o quad.Value) {
		if subj == nil || s != lastS {
			lastS, subj = s, quad.IRI(s)
		}
		c.quads = append(c.quads, quad.Quad{Subject: subj, Predicate: p, Object: o, Label: label})
	}

	// Pass 1: ids and types, so that references can be resolved over the whole batch.
	ids := make([]string, len(cs.Nodes))
	for i := range cs.Nodes {
		n := &cs.Nodes[i]
		spec := TypeOf(n.Type)
		if spec == nil {
			ps.Addf(n.Pos.File, n.Pos.Line, n.Pos.Column, "", "unknown node type %q", n.Type)
			continue
		}
		id, err := nodeID(n, spec)
		if err != "" {
			ps.Addf(n.Pos.File, n.Pos.Line, n.Pos.Column, "id", "%s", err)
			continue
		}
		if prev, dup := c.nodes[id]; dup {
			ps.Addf(n.Pos.File, n.Pos.Line, n.Pos.Column, "id", "duplicate id %s (already defined in this batch as %s)", ShortID(id), prev)
			continue
		}
		if have := idx.typeOf(id); have != "" && have != n.Type {
			ps.Addf(n.Pos.File, n.Pos.Line, n.Pos.Column, "id", "%s already exists as %s, not %s", ShortID(id), have, n.Type)
			continue
		}
		c.nodes[id] = n.Type
		ids[i] = id
	}
	typeOf := func(id string) NodeType {
		if t, ok := c.nodes[id]; ok {
			return t
		}
		return idx.typeOf(id)
	}
	refs := &refSuggester{ix: idx, own: c.nodes} // "did you mean" for unknown ids (suggest_refs.go)
	concepts := map[string][2]string{}
	authorsDone := map[[2]string]bool{} // author id and name whose node quads are added
	ownConcepts := map[string]bool{}
	for id, t := range c.nodes {
		if t == TypeConcept {
			ownConcepts[id] = true
		}
	}

	// Pass 2: fields.
	for i := range cs.Nodes {
		n := &cs.Nodes[i]
		id := ids[i]
		spec := TypeOf(n.Type)
		if id == "" || spec == nil {
			continue
		}
		add(id, predType, typeIRIOf(n.Type))
		seen := map[string]bool{}
		for _, f := range n.Fields {
			fs := spec.FieldByName(f.Name)
			if fs == nil {
				ps.Addf(f.Pos.File, f.Pos.Line, f.Pos.Column, f.Name, "unknown field for %s%s", n.Type, suggest(f.Name, fieldNames(spec)))
				continue
			}
			if seen[f.Name] {
				ps.Addf(f.Pos.File, f.Pos.Line, f.Pos.Column, f.Name, "given twice")
				continue
			}
			seen[f.Name] = true
			objs, msg := convert(fs, f.Value)
			if msg != "" {
				ps.Addf(f.Pos.File, f.Pos.Line, f.Pos.Column, f.Name, "%s", msg)
				continue
			}
			for _, o := range objs {
				if iri, ok := o.(quad.IRI); ok {
					target := string(iri)
					switch fs.Kind {
					case ConceptField, ConceptsField:
						concepts[target] = [2]string{fs.Scheme, strings.TrimPrefix(target, prefix+"concept/"+fs.Scheme+"/")}
					case RefField, RefsField:
						tt := typeOf(target)
						if tt == "" {
							ps.Addf(f.Pos.File, f.Pos.Line, f.Pos.Column, f.Name, "%s is not defined in this batch nor in the store%s", ShortID(target), refs.suggest(target, fs.Range))
							continue
						}
						if len(fs.Range) > 0 && !containsType(fs.Range, tt) {
							ps.Addf(f.Pos.File, f.Pos.Line, f.Pos.Column, f.Name, "%s is a %s; expected %s", ShortID(target), tt, joinTypes(fs.Range))
							continue
						}
					}
				}
				add(id, predIRI(fs.Predicate()), o)
			}
			// (Only a node already in the store can conflict: checkConflicts, store.go.)
			if fs.Kind != StringsField && fs.Kind != ConceptsField && fs.Kind != RefsField && idx.lookup(id) != nil {
				c.single[spKey{id, fs.Predicate()}] = f.Pos
			}
			if fs.Name == "authors" && n.Type == TypeSource {
				addAuthors(id, f.Value, add, authorsDone)
			}
		}
		for _, fs := range spec.Fields {
			if fs.Required && !seen[fs.Name] {
				ps.Addf(n.Pos.File, n.Pos.Line, n.Pos.Column, fs.Name, "required field missing on %s %s", n.Type, ShortID(id))
			}
		}
		if !spec.Statusless && !seen["status"] {
			ps.Addf(n.Pos.File, n.Pos.Line, n.Pos.Column, "status", "required field missing on %s %s (CONFIRMED, INFERRED or CANDIDATE)", n.Type, ShortID(id))
		}
		if spec.Claim {
			if f, ok := n.Field("sources"); !ok || isEmptyList(f.Value) {
				ps.Addf(n.Pos.File, n.Pos.Line, n.Pos.Column, "sources", "%s %s carries a claim and needs at least one source", n.Type, ShortID(id))
			}
		}
		if n.Type == TypeConcept {
			scheme, _ := n.Field("scheme")
			code, _ := n.Field("code")
			s, _ := scheme.Value.(string)
			k, _ := code.Value.(string)
			if _, known := Vocabularies[s]; !known {
				ps.Addf(scheme.Pos.File, scheme.Pos.Line, scheme.Pos.Column, "scheme", "unknown vocabulary scheme %q%s", s, suggest(s, schemeNames()))
			} else if !ValidCode(s, NormalizeCode(k)) {
				ps.Addf(code.Pos.File, code.Pos.Line, code.Pos.Column, "code", "%q is not a code of %s%s", k, s, suggest(NormalizeCode(k), Vocabularies[s]))
			}
		}
	}

	// Concept nodes for every code used, so that edges always lead somewhere. Each batch states
	// them itself (unless it defines them), so that re-loading a batch is a no-op and rolling
	// back one batch never removes a term another batch uses.
	for _, sc := range concepts {
		for code := sc[1]; code != ""; code = Broader[sc[0]][code] {
			id := ConceptID(sc[0], code)
			if ownConcepts[id] {
				break
			}
			add(id, predType, typeIRI(TypeConcept))
			add(id, predIRI("scheme"), quad.String(sc[0]))
			add(id, predIRI("code"), quad.String(code))
			if b := Broader[sc[0]][code]; b != "" {
				add(id, predIRI("broader"), quad.IRI(ConceptID(sc[0], b)))
			}
		}
	}
	return c, ps // a quad stated twice is written once: diffBatch sees to that
}

// nodeID returns the full id of a node, deriving it for nested nodes; a non-empty string
// explains why the id is unusable.
func nodeID(n *NodeSpec, spec *TypeSpec) (string, string) {
	if n.ID != "" {
		short := ShortID(n.ID)
		kind, slug, ok := strings.Cut(short, "/")
		if n.Type == TypeConcept {
			parts := strings.Split(short, "/")
			if len(parts) != 3 || parts[0] != "concept" {
				return "", fmt.Sprintf("%q is not a concept id (concept/<Scheme>/<CODE>)", short)
			}
			return prefix + short, ""
		}
		if !ok || kind != spec.Kind {
			return "", fmt.Sprintf("%q should start with %q", short, spec.Kind+"/")
		}
		for _, part := range strings.Split(slug, "/") {
			if !ValidSlug(part) {
				return "", fmt.Sprintf("%q is not a valid id: use lowercase letters, digits and '-' after %q", short, spec.Kind+"/")
			}
		}
		return prefix + short, ""
	}
	if n.Type == TypeConcept {
		scheme, _ := n.Field("scheme")
		code, _ := n.Field("code")
		s, _ := scheme.Value.(string)
		k, _ := code.Value.(string)
		if s == "" || k == "" {
			return "", "a concept needs scheme and code"
		}
		return ConceptID(s, NormalizeCode(k)), ""
	}
	subj, ok := n.Field("subject")
	sid, _ := subj.Value.(string)
	if !ok || sid == "" {
		return "", fmt.Sprintf("a %s needs an id", n.Type)
	}
	sid = ShortID(FullID(sid))
	if n.Type == TypeFrameworkCategory {
		code, _ := n.Field("code")
		k, _ := code.Value.(string)
		if k == "" {
			return "", "a framework category needs a code"
		}
		return prefix + sid + "/" + Slugify(k), ""
	}
	var key []string
	for _, kf := range spec.KeyFields {
		if f, ok := n.Field(kf); ok {
			key = append(key, Slugify(ShortID(fmt.Sprint(f.Value))))
		}
	}
	if len(spec.KeyFields) == 0 {
		h := sha256.New()
		for _, f := range n.Fields {
			b, _ := json.Marshal(f.Value)
			fmt.Fprintf(h, "%s=%s;", f.Name, b)
		}
		key = []string{hex.EncodeToString(h.Sum(nil))[:10]}
	}
	return prefix + spec.Kind + "/" + strings.ReplaceAll(sid, "/", "-") + "--" + strings.Join(key, "-"), ""
}

// convert turns a raw field value into quad objects; a non-empty string explains a rejection.
func convert(fs *FieldSpec, raw any) ([]quad.Value, string) {
	switch fs.Kind {
	case TextField:
		t, msg := toText(raw)
		if msg != "" {
			return nil, msg
		}
		var out []quad.Value
		if t.nl != "" {
			out = append(out, quad.LangString{Value: quad.String(t.nl), Lang: "nl"})
		}
		if t.en != "" {
			out = append(out, quad.LangString{Value: quad.String(t.en), Lang: "en"})
		}
		if len(out) == 0 {
			return nil, "empty text"
		}
		return out, ""
	case StringField:
		if _, isMap := raw.(map[string]any); isMap && fs.PerLang {
			return convert(&FieldSpec{Name: fs.Name, Kind: TextField}, raw)
		}
		s, ok := scalarString(raw)
		if !ok {
			return nil, fmt.Sprintf("expected a string, got %s", describe(raw))
		}
		if strings.TrimSpace(s) == "" {
			return nil, "empty string"
		}
		return []quad.Value{quad.String(strings.TrimSpace(s))}, ""
	case StringsField:
		list, ok := toList(raw)
		if !ok {
			return nil, fmt.Sprintf("expected a list of strings, got %s", describe(raw))
		}
		var ss []string
		for i, v := range list {
			s, ok := scalarString(v)
			if !ok || strings.TrimSpace(s) == "" {
				return nil, fmt.Sprintf("item %d: expected a non-empty string, got %s", i+1, describe(v))
			}
			ss = append(ss, strings.TrimSpace(s))
		}
		if len(ss) == 0 {
			return nil, ""
		}
		b, _ := json.Marshal(ss)
		return []quad.Value{quad.String(b)}, ""
	case IntField:
		n, ok := toInt(raw)
		if !ok {
			return nil, fmt.Sprintf("expected a whole number, got %s", describe(raw))
		}
		return []quad.Value{quad.Int(n)}, ""
	case FloatField:
		f, ok := toFloat(raw)
		if !ok {
			return nil, fmt.Sprintf("expected a number, got %s", describe(raw))
		}
		return []quad.Value{quad.Float(f)}, ""
	case BoolField:
		b, ok := raw.(bool)
		if !ok {
			return nil, fmt.Sprintf("expected true or false, got %s", describe(raw))
		}
		return []quad.Value{quad.Bool(b)}, ""
	case CodeField, ConceptField, ConceptsField:
		var list []any
		if fs.Kind == ConceptsField {
			l, ok := toList(raw)
			if !ok {
				return nil, fmt.Sprintf("expected a list of %s codes, got %s", fs.Scheme, describe(raw))
			}
			list = l
		} else {
			list = []any{raw}
		}
		var out []quad.Value
		for _, v := range list {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Sprintf("expected a %s code, got %s", fs.Scheme, describe(v))
			}
			code := NormalizeCode(s)
			if !ValidCode(fs.Scheme, code) {
				return nil, fmt.Sprintf("%q is not a %s code%s", s, fs.Scheme, suggest(code, Vocabularies[fs.Scheme]))
			}
			if fs.Kind == CodeField {
				out = append(out, quad.String(code))
			} else {
				out = append(out, quad.IRI(ConceptID(fs.Scheme, code)))
			}
		}
		return out, ""
	case RefField, RefsField:
		var list []any
		if fs.Kind == RefsField {
			l, ok := toList(raw)
			if !ok {
				return nil, fmt.Sprintf("expected a list of ids, got %s", describe(raw))
			}
			list = l
		} else {
			list = []any{raw}
		}
		var out []quad.Value
		for _, v := range list {
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return nil, fmt.Sprintf("expected an id such as \"source/slug\", got %s", describe(v))
			}
			out = append(out, quad.IRI(FullID(s)))
		}
		return out, ""
	}
	return nil, "unsupported field kind"
}

func toText(raw any) (text, string) {
	switch v := raw.(type) {
	case string:
		return text{nl: strings.TrimSpace(v)}, ""
	case map[string]any:
		var t text
		for k, x := range v {
			s, ok := scalarString(x)
			if !ok {
				return t, fmt.Sprintf("%s: expected a string, got %s", k, describe(x))
			}
			switch strings.ToLower(k) {
			case "nl", "nl-be":
				t.nl = strings.TrimSpace(s)
			case "en":
				t.en = strings.TrimSpace(s)
			default:
				return t, fmt.Sprintf("unknown language %q (use nl and en)", k)
			}
		}
		return t, ""
	}
	return text{}, fmt.Sprintf("expected text (a string or {nl: ..., en: ...}), got %s", describe(raw))
}

func scalarString(raw any) (string, bool) {
	switch v := raw.(type) {
	case string:
		return v, true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

func toList(raw any) ([]any, bool) {
	switch v := raw.(type) {
	case []any:
		return v, true
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out, true
	case string:
		return []any{v}, true
	}
	return nil, false
}

func isEmptyList(raw any) bool {
	l, ok := toList(raw)
	return !ok || len(l) == 0
}

func toInt(raw any) (int64, bool) {
	switch v := raw.(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return n, err == nil
	}
	return 0, false
}

func toFloat(raw any) (float64, bool) {
	switch v := raw.(type) {
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, !math.IsNaN(v) && !math.IsInf(v, 0)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func describe(raw any) string {
	switch v := raw.(type) {
	case nil:
		return "nothing"
	case string:
		return fmt.Sprintf("%q", v)
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	default:
		return fmt.Sprintf("%v", v)
	}
}

// addAuthors adds Author nodes for a source's "Family, Given" author strings.
func addAuthors(source string, raw any, add func(string, quad.IRI, quad.Value), done map[[2]string]bool) {
	list, _ := toList(raw)
	for _, v := range list {
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			continue
		}
		family, given := SplitName(s)
		slug := Slugify(family + " " + given)
		if slug == "" {
			continue
		}
		aid := prefix + "author/" + slug
		k := [2]string{aid, s}
		if done[k] {
			// The author's own quads, already stated by another source of this batch (the same
			// quads again, dropped later anyway; a big BibTeX file names the same authors often).
			add(aid, predIRI("authored"), quad.IRI(source))
			continue
		}
		done[k] = true
		add(aid, predType, typeIRI(TypeAuthor))
		add(aid, predIRI("name"), quad.String(strings.TrimSpace(s)))
		add(aid, predIRI("family"), quad.String(family))
		if given != "" {
			add(aid, predIRI("given"), quad.String(given))
		}
		add(aid, predIRI("authored"), quad.IRI(source))
	}
}

// SplitName splits "Family, Given" (or "Given Family") into family and given names.
func SplitName(s string) (family, given string) {
	s = strings.TrimSpace(s)
	if f, g, ok := strings.Cut(s, ","); ok {
		return strings.TrimSpace(f), strings.TrimSpace(g)
	}
	if i := strings.LastIndex(s, " "); i > 0 {
		return s[i+1:], s[:i]
	}
	return s, ""
}

func containsType(ts []NodeType, t NodeType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func joinTypes(ts []NodeType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, " or ")
}

func fieldNames(spec *TypeSpec) []string {
	var out []string
	for _, f := range spec.Fields {
		if f.Name != "subject" || spec.Section != "" {
			out = append(out, f.Name)
		}
	}
	for _, c := range spec.Children {
		out = append(out, c.Name)
	}
	return out
}

func schemeNames() []string {
	out := make([]string, 0, len(Vocabularies))
	for k := range Vocabularies {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// suggest returns ` (did you mean "x"?)` for the closest candidate, or "".
func suggest(got string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := levenshtein(strings.ToLower(got), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > max(2, len(got)/3) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// Suggest returns the candidate closest to got, or "" when none is close.
func Suggest(got string, candidates []string) string {
	s := suggest(got, candidates)
	if s == "" {
		return ""
	}
	q := strings.TrimSuffix(strings.TrimPrefix(s, " (did you mean "), "?)")
	if u, err := strconv.Unquote(q); err == nil {
		return u // suggest quotes the candidate
	}
	return q
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
