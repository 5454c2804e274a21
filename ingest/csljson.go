package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"kring/graph"
)

// ParseCSLJSON reads a CSL-JSON file (a JSON array of items, as Zotero, pandoc and citeproc tools
// export it). Dates come from issued.date-parts (numbers or strings), else issued.raw or
// issued.literal; names from family, given, literal, non-dropping-particle, dropping-particle and
// suffix. Fields without a place in Reference are kept in Extra: strings as they are, other values
// as compact JSON.
//
// It returns every item that has no problem. When there were problems (not an array, an item that
// is not an object, a field of the wrong type, an unknown type, a bad date or DOI, a JSON syntax
// error) it also returns a *graph.ValidationError listing all of them with file, line and field;
// an item with a problem is not returned. After a syntax error the items before it are returned.
func ParseCSLJSON(file string, r io.Reader) ([]Reference, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		var ps graph.Problems
		ps.Addf(file, 0, 0, "", "read: %v", err)
		return nil, ps.Err()
	}
	p := &cslParser{file: file, data: data, lineStarts: []int{0}}
	for i, c := range data {
		if c == '\n' {
			p.lineStarts = append(p.lineStarts, i+1)
		}
	}
	refs := p.parse()
	return refs, p.problems.Err()
}

// cslParser holds the state of one ParseCSLJSON call.
type cslParser struct {
	file       string
	data       []byte
	lineStarts []int
	problems   graph.Problems
}

// line returns the 1-based line of byte offset off.
func (p *cslParser) line(off int) int {
	return sort.Search(len(p.lineStarts), func(i int) bool { return p.lineStarts[i] > off })
}

// col returns the 1-based column (in characters) of byte offset off.
func (p *cslParser) col(off int) int {
	l := p.line(off)
	return utf8.RuneCount(p.data[p.lineStarts[l-1]:off]) + 1
}

// skipSep returns the offset of the first byte at or after off that is not white space, ',' or ':'.
func skipSep(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// syntaxProblem reports a JSON syntax error at the place encoding/json finds it.
func (p *cslParser) syntaxProblem(err error) {
	var v any
	off := len(p.data)
	msg := err.Error()
	var se *json.SyntaxError
	if uerr := json.Unmarshal(p.data, &v); errors.As(uerr, &se) {
		off = int(se.Offset) - 1
		msg = se.Error()
	} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "unexpected end of JSON input"
	}
	if off < 0 {
		off = 0
	}
	p.problems.Addf(p.file, p.line(off), 0, "", "invalid JSON: %s", msg)
}

// parse decodes the array item by item.
func (p *cslParser) parse() []Reference {
	start := 0
	if bytes.HasPrefix(p.data, []byte("\uFEFF")) {
		start = 3
	}
	dec := json.NewDecoder(bytes.NewReader(p.data[start:]))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		p.syntaxProblem(err)
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		p.problems.Addf(p.file, p.line(skipSep(p.data, start)), 0, "", "expected a JSON array of CSL items")
		return nil
	}
	var refs []Reference
	for n := 1; dec.More(); n++ {
		off := skipSep(p.data, start+int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			p.syntaxProblem(err)
			return refs
		}
		if ref, ok := p.item(raw, off, n); ok {
			refs = append(refs, ref)
		}
	}
	if _, err := dec.Token(); err != nil {
		p.syntaxProblem(err)
		return refs
	}
	if tok, err := dec.Token(); err != io.EOF {
		off := skipSep(p.data, start+int(dec.InputOffset()))
		if err == nil {
			p.problems.Addf(p.file, p.line(off), 0, "", "unexpected %v after the array of items", tok)
		} else {
			p.syntaxProblem(err)
		}
	}
	return refs
}

// cslField is one member of an item object.
type cslField struct {
	name string
	raw  json.RawMessage
	line int
}

// cslTypes maps the CSL item types to the normalised types; every type of CSL 1.0.2 is listed,
// and the ones not named here are misc.
var cslTypes = map[string]string{
	"article-journal": typeArticle, "article-magazine": typeArticle, "article-newspaper": typeArticle,
	"article": typeArticle, "review": typeArticle, "review-book": typeArticle, "periodical": typeArticle,
	"book": typeBook, "collection": typeBook, "classic": typeBook,
	"chapter": typeChapter, "entry": typeChapter, "entry-dictionary": typeChapter,
	"entry-encyclopedia": typeChapter,
	"report":             typeReport, "thesis": typeThesis,
	"webpage": typeWebpage, "post": typeWebpage, "post-weblog": typeWebpage,
	"paper-conference": typeConference,
	"bill":             typeMisc, "broadcast": typeMisc, "dataset": typeMisc, "document": typeMisc,
	"event": typeMisc, "figure": typeMisc, "graphic": typeMisc, "hearing": typeMisc,
	"interview": typeMisc, "legal_case": typeMisc, "legislation": typeMisc, "manuscript": typeMisc,
	"map": typeMisc, "motion_picture": typeMisc, "musical_score": typeMisc, "pamphlet": typeMisc,
	"patent": typeMisc, "performance": typeMisc, "personal_communication": typeMisc,
	"regulation": typeMisc, "software": typeMisc, "song": typeMisc, "speech": typeMisc,
	"standard": typeMisc, "treaty": typeMisc,
}

// item converts one array element that starts at byte offset off. n is its 1-based index.
func (p *cslParser) item(raw json.RawMessage, off, n int) (Reference, bool) {
	line := p.line(off)
	ref := Reference{File: p.file, Line: line}
	bad := false
	addf := func(line int, field, format string, args ...any) {
		p.problems.Addf(p.file, line, 0, field, format, args...)
		bad = true
	}
	if len(raw) == 0 || raw[0] != '{' {
		addf(line, "", "item %d is not an object", n)
		return ref, false
	}
	var fields []cslField
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		addf(line, "", "item %d: %v", n, err)
		return ref, false
	}
	for dec.More() {
		koff := off + skipSep(raw, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			addf(p.line(koff), "", "item %d: %v", n, err)
			return ref, false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			addf(p.line(koff), "", "item %d: %v", n, err)
			return ref, false
		}
		name := tok.(string)
		// JSON escapes (\u0000) carry control characters that raw JSON cannot hold: the decoded
		// name and value must not have them either.
		if r, ok := controlIn(name, v); ok {
			p.problems.Addf(p.file, p.line(koff), p.col(koff), name, "%s", controlMessage(r))
			bad = true
			continue
		}
		fields = append(fields, cslField{name: name, raw: v, line: p.line(koff)})
	}

	sawType := false
	for _, f := range fields {
		if string(f.raw) == "null" {
			continue
		}
		str := func() (string, bool) {
			s, ok := cslString(f.raw, cslNumeric[f.name])
			if !ok {
				addf(f.line, f.name, "expected a string, found %s", jsonKind(f.raw))
			}
			return s, ok
		}
		switch f.name {
		case "id":
			ref.Key, _ = str()
		case "type":
			sawType = true
			if s, ok := str(); ok {
				t, known := cslTypes[s]
				if !known {
					addf(f.line, f.name, "unknown item type %q", s)
				}
				ref.Type = t
			}
		case "title":
			s, _ := str()
			ref.Title = collapseSpace(s)
		case "author", "editor":
			names, msgs := cslNames(f.raw)
			for _, m := range msgs {
				addf(f.line, f.name, "%s", m)
			}
			if f.name == "author" {
				ref.Authors = names
			} else {
				ref.Editors = names
			}
		case "issued":
			y, m, msg := cslDate(f.raw)
			if msg != "" {
				addf(f.line, f.name, "%s", msg)
			}
			ref.Year, ref.Month = y, m
		case "container-title":
			s, _ := str()
			ref.Container = collapseSpace(s)
		case "volume":
			s, _ := str()
			ref.Volume = collapseSpace(s)
		case "issue":
			s, _ := str()
			ref.Issue = collapseSpace(s)
		case "page":
			s, _ := str()
			ref.Pages = normalizePages(s)
		case "publisher":
			s, _ := str()
			ref.Publisher = collapseSpace(s)
		case "ISBN":
			s, _ := str()
			ref.ISBN = collapseSpace(s)
		case "URL":
			s, _ := str()
			ref.URL = strings.TrimSpace(s)
		case "DOI":
			if s, ok := str(); ok {
				if ref.DOI = NormalizeDOI(s); ref.DOI == "" {
					addf(f.line, f.name, "invalid doi %q", s)
				}
			}
		case "language":
			s, _ := str()
			ref.Language = normalizeLanguage(s)
		case "abstract":
			s, _ := str()
			ref.Abstract = collapseSpace(s)
		case "keyword":
			var list []string
			if err := json.Unmarshal(f.raw, &list); err == nil {
				for _, k := range list {
					if k = collapseSpace(k); k != "" {
						ref.Keywords = append(ref.Keywords, k)
					}
				}
			} else if s, ok := str(); ok {
				ref.Keywords = splitKeywords(s)
			}
		default:
			if s, ok := cslString(f.raw, false); ok {
				ref.addExtra(f.name, s)
			} else {
				var b bytes.Buffer
				if json.Compact(&b, f.raw) == nil {
					ref.addExtra(f.name, b.String())
				}
			}
		}
	}
	if !sawType {
		addf(line, "type", "missing item type")
	}
	if ref.DOI == "" {
		ref.DOI = doiFromURL(ref.URL)
	}
	return ref, !bad
}

// controlIn returns the first character a field may not hold (see badRune) in a field name or
// in any string of its JSON value.
func controlIn(name string, raw json.RawMessage) (rune, bool) {
	if i, r := badRune(name); i >= 0 {
		return r, true
	}
	if i, r := badRune(string(raw)); i >= 0 {
		return r, true // JSON lets DEL, C1 controls and U+2028/9 stand unescaped
	}
	if !bytes.Contains(raw, []byte(`\u`)) {
		return 0, false // no escape, and raw JSON strings cannot hold C0 controls
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return 0, false
	}
	var walk func(v any) (rune, bool)
	walk = func(v any) (rune, bool) {
		switch v := v.(type) {
		case string:
			if i, r := badRune(v); i >= 0 {
				return r, true
			}
		case []any:
			for _, e := range v {
				if r, ok := walk(e); ok {
					return r, ok
				}
			}
		case map[string]any:
			for k, e := range v {
				if r, ok := walk(k); ok {
					return r, ok
				}
				if r, ok := walk(e); ok {
					return r, ok
				}
			}
		}
		return 0, false
	}
	return walk(v)
}

// cslNumeric are the fields that CSL tools write as a string or a number.
var cslNumeric = map[string]bool{"id": true, "volume": true, "issue": true, "page": true}

// cslString reads a JSON string, or with number set also a number as its text.
func cslString(raw json.RawMessage, number bool) (string, bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), number
	}
	return "", false
}

// jsonKind names the kind of a JSON value for messages.
func jsonKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// cslNames reads an array of CSL name objects. It returns messages for names it cannot read.
func cslNames(raw json.RawMessage) ([]Name, []string) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, []string{"expected an array of names, found " + jsonKind(raw)}
	}
	var names []Name
	var msgs []string
	for i, item := range list {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(item, &obj); err != nil || obj == nil {
			msgs = append(msgs, "name "+strconv.Itoa(i+1)+" is not an object")
			continue
		}
		get := func(key string) string {
			v, ok := obj[key]
			if !ok || string(v) == "null" {
				return ""
			}
			s, ok := cslString(v, false)
			if !ok {
				msgs = append(msgs, "name "+strconv.Itoa(i+1)+": "+key+": expected a string, found "+jsonKind(v))
			}
			return collapseSpace(s)
		}
		n := Name{
			Family:  get("family"),
			Given:   get("given"),
			Literal: get("literal"),
			Suffix:  get("suffix"),
		}
		n.Particle = collapseSpace(get("dropping-particle") + " " + get("non-dropping-particle"))
		if n.Literal != "" && n.Family == "" {
			n.Given, n.Particle, n.Suffix = "", "", ""
		}
		if n == (Name{}) {
			msgs = append(msgs, "name "+strconv.Itoa(i+1)+" has no family name or literal")
			continue
		}
		names = append(names, n)
	}
	return names, msgs
}

// cslDate reads a CSL date: date-parts (numbers or numeric strings), else raw or literal. It
// returns a message when the date cannot be read.
func cslDate(raw json.RawMessage) (year, month int, msg string) {
	if s, ok := cslString(raw, false); ok {
		// Not CSL, but some tools write the date as a plain string.
		if y, m, ok := parseLooseDate(s); ok {
			return y, m, ""
		}
		return 0, 0, "invalid date " + strconv.Quote(s)
	}
	var d map[string]json.RawMessage
	if err := json.Unmarshal(raw, &d); err != nil || d == nil {
		return 0, 0, "expected a date object, found " + jsonKind(raw)
	}
	if dp, ok := d["date-parts"]; ok {
		var parts [][]json.RawMessage
		if err := json.Unmarshal(dp, &parts); err != nil {
			return 0, 0, "date-parts: expected an array of arrays"
		}
		if len(parts) == 0 || len(parts[0]) == 0 {
			return 0, 0, ""
		}
		var nums []int
		for _, part := range parts[0][:min(len(parts[0]), 3)] {
			s, ok := cslString(part, true)
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if !ok || err != nil {
				return 0, 0, "date-parts: expected numbers, found " + clip(string(part), 20)
			}
			nums = append(nums, n)
		}
		y, ok := parseYear(strconv.Itoa(nums[0]))
		if !ok {
			return 0, 0, "date-parts: invalid year " + strconv.Itoa(nums[0])
		}
		if len(nums) > 1 {
			if nums[1] < 1 || nums[1] > 12 {
				return y, 0, "date-parts: invalid month " + strconv.Itoa(nums[1])
			}
			return y, nums[1], ""
		}
		return y, 0, ""
	}
	for _, key := range []string{"raw", "literal"} {
		v, ok := d[key]
		if !ok {
			continue
		}
		s, ok := cslString(v, false)
		if !ok {
			return 0, 0, key + ": expected a string, found " + jsonKind(v)
		}
		if y, m, ok := parseLooseDate(s); ok {
			return y, m, ""
		}
		return 0, 0, key + ": invalid date " + strconv.Quote(s)
	}
	return 0, 0, "no date-parts, raw or literal"
}

// parseLooseDate reads an ISO date ("2018-05-12", "2018-05", "2018") or else finds a four-digit
// year in free text ("May 2018", "Spring 2018") with an English month name when there is one.
func parseLooseDate(s string) (year, month int, ok bool) {
	s = strings.TrimSpace(s)
	if y, m, ok := parseISODate(s); ok {
		return y, m, true
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == '/' || r == '-' })
	for _, w := range words {
		if y, ok := parseYear(w); ok && year == 0 {
			year = y
		} else if m, ok := monthNames[strings.ToLower(w)]; ok && month == 0 && utf8.RuneCountInString(w) >= 3 {
			month = m
		}
	}
	if year == 0 {
		return 0, 0, false
	}
	return year, month, true
}
