// BibTeX / BibLaTeX reader.
//
// Library decision: a small hand-written parser; no BibTeX library is used. The candidates:
//   - github.com/nickng/bibtex v1.3.0, run against the fixtures in testdata/literature. Its
//     entries carry no position at all (BibEntry is Type, CiteName and a map of fields, so field
//     order is lost too), so no problem could name a line. On our fixtures it returned 0
//     entries and no error for quirks.bib and bad.bib: a "% Encoding: UTF-8" line before the
//     first entry (JabRef writes one) silently empties the result. It rejects @Book( ... )
//     entries, accepts a missing comma between fields without a word, stops at the first syntax
//     error (we must list all problems), calls log.Fatalf (exits the process) on an undefined
//     @string macro, and keeps scanner state in a package variable (parseField), so parsing two
//     files at once races.
//   - github.com/jschaf/bibtex (a go/parser-style AST with token positions, the better design)
//     has no tagged release and the module proxy refuses it, so it cannot be a dependency.
//
// Either would still leave us most of the work: LaTeX decoding, name splitting, crossref
// inheritance and the mapping to Reference. Owning the grammar (a few hundred lines) gives exact
// line and column numbers for every problem and recovery at the next entry.

package ingest

import (
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kring/graph"
)

// ParseBibTeX reads a BibTeX or BibLaTeX file as reference managers export it (Zotero, JabRef,
// Mendeley, EndNote). It understands @string macros and # concatenation, the month macros,
// @comment and @preamble (ignored), braced and quoted values with nested braces, crossref
// inheritance, BibLaTeX date, journaltitle and langid, and decodes LaTeX accents and escapes.
//
// It returns every record that has no problem. When there were problems it also returns a
// *graph.ValidationError listing all of them, each with file, line, column and field; a record
// with a problem is not returned.
func ParseBibTeX(file string, r io.Reader) ([]Reference, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		var ps graph.Problems
		ps.Addf(file, 0, 0, "", "read: %v", err)
		return nil, ps.Err()
	}
	p := newBibParser(file, validUTF8(string(data)))
	p.parse()
	p.checkControls()
	return p.finish()
}

// bibField is one "name = value" of an entry, its value macro-expanded but not yet decoded.
type bibField struct {
	name      string // lowercase
	value     string
	line, col int
	valueOff  int // byte offset of the value
}

// bibEntry is one @type{key, ...} entry as read.
type bibEntry struct {
	typ       string // lowercase
	key       string
	line, col int
	start     int // byte offsets of the '@' and after the entry
	end       int
	fields    []bibField
	bad       bool
}

// field returns the first field called name (lowercase).
func (e *bibEntry) field(name string) (bibField, bool) {
	for _, f := range e.fields {
		if f.name == name {
			return f, true
		}
	}
	return bibField{}, false
}

// bibParser holds the state of one ParseBibTeX call.
type bibParser struct {
	file       string
	src        string
	pos        int
	lineStarts []int
	macros     map[string]string
	entries    []*bibEntry
	problems   graph.Problems
}

// bibMonths are the predefined month macros of the standard styles.
var bibMonths = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// newBibParser prepares to parse src, with the month macros predefined.
func newBibParser(file, src string) *bibParser {
	p := &bibParser{file: file, src: src, lineStarts: []int{0}, macros: map[string]string{}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			p.lineStarts = append(p.lineStarts, i+1)
		}
	}
	names := []string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
	for i, m := range bibMonths {
		p.macros[m] = names[i]
	}
	return p
}

// lineCol returns the 1-based line and column (in characters) of byte offset off.
func (p *bibParser) lineCol(off int) (int, int) {
	if off > len(p.src) {
		off = len(p.src)
	}
	i := sort.Search(len(p.lineStarts), func(i int) bool { return p.lineStarts[i] > off }) - 1
	return i + 1, utf8.RuneCountInString(p.src[p.lineStarts[i]:off]) + 1
}

// addf records a problem at byte offset off.
func (p *bibParser) addf(e *bibEntry, off int, field, format string, args ...any) {
	line, col := p.lineCol(off)
	p.addAt(e, line, col, field, format, args...)
}

// addAt records a problem at a known line and column, and marks entry e (if any) bad.
func (p *bibParser) addAt(e *bibEntry, line, col int, field, format string, args ...any) {
	p.problems.Addf(p.file, line, col, field, format, args...)
	if e != nil {
		e.bad = true
	}
}

// eof reports whether the whole input has been read.
func (p *bibParser) eof() bool { return p.pos >= len(p.src) }

// skipSpace skips white space at p.pos.
func (p *bibParser) skipSpace() {
	for p.pos < len(p.src) && isBibSpace(p.src[p.pos]) {
		p.pos++
	}
}

// isBibSpace reports whether c is ASCII white space.
func isBibSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isIdentByte reports whether c may appear in an entry type, a field name or a macro name.
func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("_-:.+/'!?*&;<>[]|", c) >= 0 || c >= 0x80
}

// ident reads an identifier at p.pos (possibly empty).
func (p *bibParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) && isIdentByte(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

// entryStartAt reports whether an entry starts at off: an '@' that is the first non-blank
// character of its line, followed by a name and an opening brace or parenthesis. An unclosed
// brace is caught there rather than swallowing the rest of the file.
func (p *bibParser) entryStartAt(off int) bool {
	if off >= len(p.src) || p.src[off] != '@' {
		return false
	}
	for i := off - 1; i >= 0 && p.src[i] != '\n'; i-- {
		if p.src[i] != ' ' && p.src[i] != '\t' && p.src[i] != '\r' {
			return false
		}
	}
	i := off + 1
	for i < len(p.src) && isBibSpace(p.src[i]) {
		i++
	}
	n := i
	for i < len(p.src) && isIdentByte(p.src[i]) {
		i++
	}
	if i == n {
		return false
	}
	for i < len(p.src) && isBibSpace(p.src[i]) {
		i++
	}
	return i < len(p.src) && (p.src[i] == '{' || p.src[i] == '(')
}

// entryStartAfter reports whether the line that starts after the newline at off begins an entry.
func (p *bibParser) entryStartAfter(off int) bool {
	i := off + 1
	for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t') {
		i++
	}
	return p.entryStartAt(i)
}

// knownBibTypes are the entry types for which a missing brace after @type is reported rather than
// taken as stray text between entries (such as an e-mail address in a comment).
var knownBibTypes = map[string]string{
	"article": typeArticle, "periodical": typeArticle, "suppperiodical": typeArticle,
	"book": typeBook, "mvbook": typeBook, "booklet": typeBook, "collection": typeBook,
	"mvcollection": typeBook, "proceedings": typeBook, "mvproceedings": typeBook, "reference": typeBook,
	"mvreference": typeBook, "bookinbook": typeChapter,
	"inbook": typeChapter, "incollection": typeChapter, "suppbook": typeChapter,
	"suppcollection": typeChapter, "inreference": typeChapter,
	"inproceedings": typeConference, "conference": typeConference,
	"report": typeReport, "techreport": typeReport,
	"thesis": typeThesis, "phdthesis": typeThesis, "mastersthesis": typeThesis,
	"online": typeWebpage, "electronic": typeWebpage, "www": typeWebpage, "webpage": typeWebpage,
	"misc": typeMisc, "unpublished": typeMisc, "manual": typeMisc, "software": typeMisc,
	"dataset": typeMisc, "patent": typeMisc, "artwork": typeMisc, "audio": typeMisc, "video": typeMisc,
	"movie": typeMisc, "music": typeMisc, "letter": typeMisc, "standard": typeMisc, "set": typeMisc,
	"xdata": typeMisc, "image": typeMisc, "performance": typeMisc, "legislation": typeMisc,
	"jurisdiction": typeMisc, "legal": typeMisc, "commentary": typeMisc, "review": typeMisc,
}

// parse reads the whole input into p.entries and p.macros, recording syntax problems.
func (p *bibParser) parse() {
	for {
		i := strings.IndexByte(p.src[p.pos:], '@')
		if i < 0 {
			return
		}
		at := p.pos + i
		p.pos = at + 1
		p.skipSpace()
		typ := strings.ToLower(p.ident())
		afterType := p.pos
		p.skipSpace()
		open := byte(0)
		if !p.eof() {
			open = p.src[p.pos]
		}
		if open != '{' && open != '(' {
			if _, known := knownBibTypes[typ]; known || typ == "string" || typ == "preamble" {
				p.addf(nil, afterType, "", "expected '{' after @%s", typ)
			}
			// Anything else is text between entries, which BibTeX ignores.
			continue
		}
		switch typ {
		case "":
			p.addf(nil, at, "", "missing entry type after '@'")
			p.skipBlock(at)
		case "comment":
			p.skipComment()
		case "preamble":
			p.skipBlock(at)
		case "string":
			p.parseString(at)
		default:
			p.parseEntry(typ, at)
		}
	}
}

// closer returns the closing delimiter for an opening one.
func closer(open byte) byte {
	if open == '(' {
		return ')'
	}
	return '}'
}

// skipBlock skips a balanced {...} or (...) block that starts at p.pos.
func (p *bibParser) skipBlock(at int) {
	open := p.src[p.pos]
	close := closer(open)
	depth := 0
	for i := p.pos; i < len(p.src); i++ {
		switch c := p.src[i]; {
		case c == '\n' && p.entryStartAfter(i):
			p.addf(nil, at, "", "unbalanced braces: block is not closed before the next entry")
			p.pos = i + 1
			return
		case c == open || (c == '{' && open == '('):
			depth++
		case c == close || (c == '}' && open == '('):
			depth--
			if depth == 0 {
				p.pos = i + 1
				return
			}
		}
	}
	p.addf(nil, at, "", "unbalanced braces: block is not closed at end of file")
	p.pos = len(p.src)
}

// skipComment skips a @comment block when its braces balance before the end of the file. When
// they do not, it skips only the word @comment, as BibTeX does, and parsing goes on after it.
func (p *bibParser) skipComment() {
	open := p.src[p.pos]
	close := closer(open)
	depth := 0
	for i := p.pos; i < len(p.src); i++ {
		switch c := p.src[i]; {
		case c == open || (c == '{' && open == '('):
			depth++
		case c == close || (c == '}' && open == '('):
			depth--
			if depth == 0 {
				p.pos = i + 1
				return
			}
		}
	}
}

// parseString reads @string{name = value}.
func (p *bibParser) parseString(at int) {
	close := closer(p.src[p.pos])
	p.pos++
	p.skipSpace()
	nameOff := p.pos
	name := strings.ToLower(p.ident())
	if name == "" {
		p.addf(nil, nameOff, "", "expected a macro name in @string")
		p.recoverTo(close)
		p.finishBlock(nil, at, close)
		return
	}
	p.skipSpace()
	if p.eof() || p.src[p.pos] != '=' {
		p.addf(nil, p.pos, name, "expected '=' after macro name")
		p.recoverTo(close)
		p.finishBlock(nil, at, close)
		return
	}
	p.pos++
	v, ok := p.parseValue(nil, name, close)
	if !ok {
		if !p.eof() && p.src[p.pos] != '@' {
			p.recoverTo(close)
			p.finishBlock(nil, at, close)
		}
		return
	}
	p.macros[name] = v
	p.finishBlock(nil, at, close)
}

// finishBlock expects the closing delimiter of an @string or entry.
func (p *bibParser) finishBlock(e *bibEntry, at int, close byte) {
	p.skipSpace()
	switch {
	case !p.eof() && p.src[p.pos] == close:
		p.pos++
	case p.eof() || p.entryStartAt(p.pos):
		p.addf(e, at, "", "entry is not closed: missing '%c'", close)
	default:
		p.addf(e, p.pos, "", "expected '%c', found %q", close, p.peekWord())
		p.recoverTo(close)
		if !p.eof() && p.src[p.pos] == close {
			p.pos++
		}
	}
}

// peekWord returns the text at p.pos up to the next white space (at most 20 bytes), for messages.
func (p *bibParser) peekWord() string {
	end := p.pos
	for end < len(p.src) && !isBibSpace(p.src[end]) && end-p.pos < 20 {
		end++
	}
	for end < len(p.src) && !utf8.RuneStart(p.src[end]) {
		end++
	}
	return p.src[p.pos:end]
}

// recoverTo skips to the next ',' at brace depth 0 (consumed), to close at depth 0 (not consumed),
// or to the start of the next entry.
func (p *bibParser) recoverTo(close byte) {
	depth := 0
	for ; p.pos < len(p.src); p.pos++ {
		c := p.src[p.pos]
		switch {
		case c == '\n' && p.entryStartAfter(p.pos):
			p.pos++
			for p.pos < len(p.src) && p.src[p.pos] != '@' {
				p.pos++
			}
			return
		case c == '{':
			depth++
		case c == '}' && depth > 0:
			depth--
		case depth == 0 && c == ',':
			p.pos++
			return
		case depth == 0 && c == close:
			return
		}
	}
}

// parseEntry reads @type{key, name = value, ...}.
func (p *bibParser) parseEntry(typ string, at int) {
	line, col := p.lineCol(at)
	e := &bibEntry{typ: typ, line: line, col: col, start: at}
	p.entries = append(p.entries, e)
	defer func() { e.end = p.pos }()
	close := closer(p.src[p.pos])
	p.pos++
	p.skipSpace()
	keyOff := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != ',' && p.src[p.pos] != close && !isBibSpace(p.src[p.pos]) &&
		p.src[p.pos] != '=' && p.src[p.pos] != '{' && p.src[p.pos] != '}' {
		p.pos++
	}
	e.key = p.src[keyOff:p.pos]
	p.skipSpace()
	switch {
	case !p.eof() && p.src[p.pos] == '=':
		// "@article{title = ...": the key is missing and what was read is a field name.
		p.addf(e, keyOff, "key", "missing citation key")
		p.pos = keyOff
	case e.key == "":
		p.addf(e, keyOff, "key", "missing citation key")
		if !p.eof() && p.src[p.pos] == ',' {
			p.pos++
		}
	case !p.eof() && p.src[p.pos] == ',':
		p.pos++
	case !p.eof() && p.src[p.pos] == close:
		p.pos++
		return
	case p.eof() || p.entryStartAt(p.pos):
		p.addf(e, at, "", "entry is not closed: missing '%c'", close)
		return
	default:
		p.addf(e, p.pos, "key", "expected ',' after citation key %q", e.key)
	}
	// After a missing ',' what follows may not be a field at all (the value went on, as in
	// "ge\"{\i}" inside quotes); the follow-up problem is then not reported.
	quiet := false
	for {
		p.skipSpace()
		if p.eof() || p.entryStartAt(p.pos) {
			p.notClosed(e, at, close)
			return
		}
		if p.src[p.pos] == close {
			p.pos++
			return
		}
		nameOff := p.pos
		name := strings.ToLower(p.ident())
		if name == "" {
			if !quiet {
				p.addf(e, nameOff, "", "expected a field name, found %q", p.peekWord())
			}
			quiet = false
			p.pos++
			p.recoverTo(close)
			continue
		}
		p.skipSpace()
		if p.eof() || p.src[p.pos] != '=' {
			if !quiet {
				p.addf(e, p.pos, name, "expected '=' after field name")
			}
			quiet = false
			p.recoverTo(close)
			continue
		}
		quiet = false
		p.pos++
		p.skipSpace()
		valueOff := p.pos
		value, ok := p.parseValue(e, name, close)
		if !ok {
			if p.eof() || p.src[p.pos] == '@' {
				// The value ran into the next entry or the end: already reported.
				return
			}
			p.recoverTo(close)
			continue
		}
		fline, fcol := p.lineCol(nameOff)
		if prev, dup := e.field(name); dup {
			p.addAt(e, fline, fcol, name, "duplicate field (first at line %d)", prev.line)
		} else {
			e.fields = append(e.fields, bibField{name: name, value: value, line: fline, col: fcol, valueOff: valueOff})
		}
		p.skipSpace()
		switch {
		case p.eof() || p.entryStartAt(p.pos):
			// Reported at the top of the loop.
		case p.src[p.pos] == ',':
			p.pos++
		case p.src[p.pos] == close:
		default:
			p.addf(e, p.pos, name, "missing ',' after the value of %q", name)
			quiet = true
		}
	}
}

// fieldInValue finds a line that looks like the start of a field ("  year = ...") inside a
// value: the sign that the value's braces do not balance and it swallowed the fields after it.
var fieldInValue = regexp.MustCompile(`\n[ \t]*[A-Za-z][A-Za-z0-9_-]*[ \t]*=`)

// notClosed reports an entry that runs into the next entry or the end of the file. When the
// value of one of its fields swallowed the fields after it, the problem is put on that value.
func (p *bibParser) notClosed(e *bibEntry, at int, close byte) {
	for _, f := range e.fields {
		if fieldInValue.MatchString(f.value) {
			p.addf(e, f.valueOff, f.name, "unbalanced braces: missing '}'")
			return
		}
	}
	p.addf(e, at, "", "entry is not closed: missing '%c'", close)
}

// parseValue reads a value: parts (braced, quoted, a number or a macro name) joined by '#'.
// It returns false after a problem that makes the value unusable.
func (p *bibParser) parseValue(e *bibEntry, field string, close byte) (string, bool) {
	var b strings.Builder
	for {
		p.skipSpace()
		if p.eof() {
			p.addf(e, p.pos, field, "missing value at end of file")
			return "", false
		}
		start := p.pos
		switch c := p.src[p.pos]; {
		case c == '{' || c == '"':
			s, ok := p.delimited()
			if !ok {
				what := "'}'"
				if c == '"' {
					what = `closing '"'`
				}
				p.addf(e, start, field, "unbalanced braces: missing %s", what)
				return "", false
			}
			b.WriteString(s)
		case c >= '0' && c <= '9':
			for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
				p.pos++
			}
			b.WriteString(p.src[start:p.pos])
		case isIdentByte(c):
			name := p.ident()
			v, ok := p.macros[strings.ToLower(name)]
			if !ok {
				p.addf(e, start, field, "undefined @string macro %q", name)
			}
			b.WriteString(v)
		case c == ',' || c == close:
			p.addf(e, start, field, "missing value")
			return "", false
		default:
			p.addf(e, start, field, "unexpected %q in value", p.peekWord())
			return "", false
		}
		p.skipSpace()
		if p.eof() || p.src[p.pos] != '#' {
			return b.String(), true
		}
		p.pos++
	}
}

// delimited reads a {...} or "..." value part at p.pos and returns its contents. Braces inside
// must balance; a quoted part ends at a '"' outside braces. It returns false when the part is not
// closed before the next entry or the end of the file, leaving p.pos at that point.
func (p *bibParser) delimited() (string, bool) {
	quoted := p.src[p.pos] == '"'
	start := p.pos + 1
	depth := 0
	if !quoted {
		depth = 1
	}
	for i := start; i < len(p.src); i++ {
		switch p.src[i] {
		case '\n':
			if p.entryStartAfter(i) {
				p.pos = i + 1
				for p.src[p.pos] != '@' {
					p.pos++
				}
				return "", false
			}
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 && !quoted {
				p.pos = i + 1
				return p.src[start:i], true
			}
			if depth < 0 {
				// A stray '}' in a quoted value; BibTeX rejects it too.
				p.pos = i
				return "", false
			}
		case '"':
			if quoted && depth == 0 {
				p.pos = i + 1
				return p.src[start:i], true
			}
		}
	}
	p.pos = len(p.src)
	return "", false
}

// bibNoInherit are the fields a crossref child does not take from its parent: they describe the
// parent work itself.
var bibNoInherit = map[string]bool{
	"title": true, "subtitle": true, "titleaddon": true, "shorttitle": true, "author": true,
	"doi": true, "url": true, "abstract": true, "pages": true, "keywords": true, "ids": true,
	"crossref": true, "xref": true, "file": true, "note": true, "urldate": true, "eprint": true,
	"entryset": true, "label": true, "sortkey": true, "shorthand": true, "annotation": true,
}

// finish resolves crossrefs, converts the entries and builds the result.
func (p *bibParser) finish() ([]Reference, error) {
	byKey := map[string]*bibEntry{}
	for _, e := range p.entries {
		if e.key == "" {
			continue
		}
		k := strings.ToLower(e.key)
		if first, dup := byKey[k]; dup {
			p.addAt(e, e.line, e.col, "key", "duplicate citation key %q (first at line %d)", e.key, first.line)
			continue
		}
		byKey[k] = e
	}
	for _, e := range p.entries {
		cr, ok := e.field("crossref")
		if !ok {
			continue
		}
		parent := byKey[strings.ToLower(strings.TrimSpace(cr.value))]
		if parent == nil || parent == e {
			p.addAt(e, cr.line, cr.col, "crossref", "crossref target %q not found", strings.TrimSpace(cr.value))
			continue
		}
		for _, f := range parent.fields {
			if _, has := e.field(f.name); has || bibNoInherit[f.name] {
				continue
			}
			e.fields = append(e.fields, f)
		}
		if _, has := e.field("booktitle"); !has {
			if t, ok := parent.field("title"); ok {
				t.name = "booktitle"
				e.fields = append(e.fields, t)
			}
		}
	}
	var refs []Reference
	for _, e := range p.entries {
		// A control character that came in through a @string macro (or a crossref): the raw
		// scan reported it where it stands, this entry has it too.
		for _, f := range e.fields {
			if i, r := badRune(f.value); i >= 0 && !e.bad {
				p.addAt(e, f.line, f.col, f.name, "%s (from a @string macro or crossref)", controlMessage(r))
			}
		}
		ref := p.convert(e)
		if !e.bad {
			refs = append(refs, ref)
		}
	}
	sort.SliceStable(p.problems, func(i, j int) bool {
		a, b := p.problems[i], p.problems[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return refs, p.problems.Err()
}

// maxControlProblems is how many control characters of one file are reported one by one.
const maxControlProblems = 20

// checkControls reports every character a field may not hold (see badRune), at its line and
// column, with the field of the entry it is in; the entry is left out. Characters outside any
// entry (in comments, @string or @preamble) are reported too: a macro takes them into fields.
func (p *bibParser) checkControls() {
	n := 0
	for off := 0; off < len(p.src); {
		i, r := badRune(p.src[off:])
		if i < 0 {
			break
		}
		off += i
		n++
		if n <= maxControlProblems {
			e, field := p.entryAt(off)
			p.addf(e, off, field, "%s", controlMessage(r))
		} else if e, _ := p.entryAt(off); e != nil {
			e.bad = true
		}
		off += utf8.RuneLen(r)
	}
	if n > maxControlProblems {
		p.problems.Addf(p.file, 0, 0, "", "%d more control characters not listed", n-maxControlProblems)
	}
}

// entryAt returns the entry that holds byte offset off and the field whose value holds it
// ("key" before the first field), or nil.
func (p *bibParser) entryAt(off int) (*bibEntry, string) {
	i := sort.Search(len(p.entries), func(i int) bool { return p.entries[i].start > off }) - 1
	if i < 0 || off >= p.entries[i].end {
		return nil, ""
	}
	e := p.entries[i]
	field := "key"
	for _, f := range e.fields {
		if f.valueOff > off {
			break
		}
		field = f.name
	}
	return e, field
}

// convert maps an entry to a Reference, recording problems with field values.
func (p *bibParser) convert(e *bibEntry) Reference {
	ref := Reference{Key: e.key, File: p.file, Line: e.line}
	if t, ok := knownBibTypes[e.typ]; ok {
		ref.Type = t
	} else {
		ref.Type = typeMisc
		ref.addExtra("entrytype", e.typ)
	}
	get := func(name string) (bibField, bool) { return e.field(name) }
	decoded := func(name string) string {
		if f, ok := get(name); ok {
			return decodeLaTeX(f.value)
		}
		return ""
	}
	used := map[string]bool{}
	use := func(names ...string) {
		for _, n := range names {
			used[n] = true
		}
	}

	ref.Title = decoded("title")
	if sub := decoded("subtitle"); sub != "" {
		ref.Title += ": " + sub
	}
	use("title", "subtitle")

	for _, role := range []string{"author", "editor"} {
		f, ok := get(role)
		if !ok {
			continue
		}
		use(role)
		names, bad := parseBibNames(f.value)
		for _, msg := range bad {
			p.addAt(e, f.line, f.col, role, "%s", msg)
		}
		if role == "author" {
			ref.Authors = names
		} else {
			ref.Editors = names
		}
	}

	if f, ok := get("date"); ok {
		use("date")
		y, m, ok := parseISODate(decodeLaTeX(f.value))
		if !ok {
			p.addAt(e, f.line, f.col, "date", "invalid date %q: want YYYY, YYYY-MM or YYYY-MM-DD", collapseSpace(f.value))
		}
		ref.Year, ref.Month = y, m
	}
	if f, ok := get("year"); ok && ref.Year == 0 {
		use("year")
		s := decodeLaTeX(f.value)
		if y, ok := parseYear(s); ok {
			ref.Year = y
		} else if undatedWords[strings.ToLower(s)] {
			ref.addExtra("year", f.value)
		} else {
			p.addAt(e, f.line, f.col, "year", "invalid year %q: want four digits", s)
		}
	} else if ok {
		use("year")
		if y, yok := parseYear(decodeLaTeX(f.value)); !yok || y != ref.Year {
			ref.addExtra("year", f.value)
		}
	}
	if f, ok := get("month"); ok && ref.Month == 0 {
		use("month")
		s := decodeLaTeX(f.value)
		word := s
		if i := strings.IndexAny(s, " /-"); i > 0 {
			word = s[:i]
		}
		if m, ok := parseMonth(word); ok {
			ref.Month = m
		} else {
			p.addAt(e, f.line, f.col, "month", "invalid month %q", s)
		}
	} else if ok {
		use("month")
	}

	for _, name := range []string{"journaltitle", "journal", "booktitle"} {
		if v := decoded(name); v != "" && ref.Container == "" {
			ref.Container = v
			use(name)
		}
	}
	ref.Volume = decoded("volume")
	use("volume")
	if v := decoded("number"); v != "" {
		ref.Issue = v
		use("number")
	} else {
		ref.Issue = decoded("issue")
		use("issue")
	}
	ref.Pages = normalizePages(decoded("pages"))
	use("pages")
	for _, name := range []string{"publisher", "institution", "school", "organization"} {
		if v := decoded(name); v != "" && ref.Publisher == "" {
			ref.Publisher = v
			use(name)
		}
	}
	ref.ISBN = decoded("isbn")
	use("isbn")
	if f, ok := get("url"); ok {
		ref.URL = unescapeBibURL(f.value)
		use("url")
	} else if f, ok := get("howpublished"); ok {
		if u := bibURLCommand(f.value); u != "" {
			ref.URL = u
		}
	}
	if f, ok := get("doi"); ok {
		use("doi")
		raw := unescapeBibURL(f.value)
		if ref.DOI = NormalizeDOI(raw); ref.DOI == "" {
			p.addAt(e, f.line, f.col, "doi", "invalid doi %q", raw)
		}
	}
	if ref.DOI == "" {
		ref.DOI = doiFromURL(ref.URL)
	}
	for _, name := range []string{"langid", "language"} {
		if v := decoded(name); v != "" && ref.Language == "" {
			ref.Language = normalizeLanguage(v)
			use(name)
		}
	}
	ref.Abstract = decoded("abstract")
	use("abstract")
	if f, ok := get("keywords"); ok {
		use("keywords")
		for _, k := range splitBibTop(f.value, func(c byte) bool { return c == ',' || c == ';' }) {
			if k = decodeLaTeX(k); k != "" {
				ref.Keywords = append(ref.Keywords, k)
			}
		}
	}
	use("crossref")
	for _, f := range e.fields {
		if !used[f.name] {
			ref.addExtra(f.name, f.value)
		}
	}
	return ref
}

// undatedWords are year values that mean "no year" rather than a mistake.
var undatedWords = map[string]bool{
	"n.d.": true, "nd": true, "n. d.": true, "s.d.": true, "z.j.": true, "forthcoming": true,
	"in press": true, "inpress": true, "submitted": true,
}

// doiFromURL returns the DOI of a doi.org URL, or "".
func doiFromURL(u string) string {
	l := strings.ToLower(u)
	for _, host := range []string{"://doi.org/", "://dx.doi.org/", "://www.doi.org/"} {
		if strings.Contains(l, host) {
			return NormalizeDOI(u)
		}
	}
	return ""
}

// unescapeBibURL undoes the escapes BibTeX exports put in URLs and DOIs (\_, \%, \&, \#, \url{}),
// and removes braces.
func unescapeBibURL(s string) string {
	if u := bibURLCommand(s); u != "" {
		s = u
	}
	s = strings.NewReplacer(`\_`, "_", `\%`, "%", `\&`, "&", `\#`, "#", `\$`, "$", `\~{}`, "~",
		`{`, "", `}`, "").Replace(s)
	return strings.TrimSpace(s)
}

// bibURLCommand returns the argument of the first \url{...} in s, or "".
func bibURLCommand(s string) string {
	i := strings.Index(s, `\url{`)
	if i < 0 {
		return ""
	}
	rest := s[i+len(`\url{`):]
	j := strings.IndexByte(rest, '}')
	if j < 0 {
		return ""
	}
	return strings.TrimSpace(rest[:j])
}

// parseBibNames splits a BibTeX name list ("A and B and others") and parses each name. "others"
// (et al.) is dropped. It returns messages for names it cannot read.
func parseBibNames(list string) ([]Name, []string) {
	var names []Name
	var bad []string
	for _, part := range splitBibAnd(list) {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
			bad = append(bad, "empty name in list (stray 'and')")
		case strings.EqualFold(part, "others"):
		default:
			n, err := parseBibName(part)
			if err != "" {
				bad = append(bad, err)
				continue
			}
			names = append(names, n)
		}
	}
	return names, bad
}

// splitBibAnd splits s at the word "and" (any case) outside braces.
func splitBibAnd(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case 'a', 'A':
			if depth == 0 && i > 0 && isBibSpace(s[i-1]) && i+3 < len(s) && strings.EqualFold(s[i:i+3], "and") &&
				isBibSpace(s[i+3]) {
				parts = append(parts, s[start:i])
				start = i + 3
				i += 2
			}
		}
	}
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return append(parts, s[start:])
}

// splitBibTop splits s at sep bytes outside braces.
func splitBibTop(s string, isSep func(byte) bool) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '{':
			depth++
		case c == '}':
			if depth > 0 {
				depth--
			}
		case depth == 0 && isSep(c):
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// bibWords splits a name part into words at white space and '~' outside braces.
func bibWords(s string) []string {
	var words []string
	for _, w := range splitBibTop(s, func(c byte) bool { return isBibSpace(c) || c == '~' }) {
		if w != "" {
			words = append(words, w)
		}
	}
	return words
}

// bibWordIsLower applies BibTeX's test for a "von" word: the first letter outside braces is
// lowercase. A brace group that starts with a backslash is a special character and counts by its
// letter; any other brace group is skipped.
func bibWordIsLower(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == '{' {
			end := matchingBrace(w, i)
			if i+1 < len(w) && w[i+1] == '\\' {
				return isLowerWord(decodeLaTeX(w[i:end]))
			}
			i = end - 1
			continue
		}
		if c == '\\' {
			return isLowerWord(decodeLaTeX(w[i:]))
		}
		r, _ := utf8.DecodeRuneInString(w[i:])
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
	}
	return false
}

// matchingBrace returns the offset just after the brace that closes the one at s[i] (len(s) if
// it is never closed).
func matchingBrace(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(s)
}

// parseBibName parses one name in any of BibTeX's three forms: "First von Last",
// "von Last, First" and "von Last, Jr, First". A name that is one brace group ("{Nederlands
// Jeugdinstituut}") is a corporate name and becomes Literal.
func parseBibName(s string) (Name, string) {
	s = strings.TrimSpace(s)
	if strings.Trim(s, "{}~ \t\n\r") == "" {
		return Name{}, "empty name in list"
	}
	if s[0] == '{' && matchingBrace(s, 0) == len(s) && !strings.HasPrefix(s, `{\`) {
		return Name{Literal: decodeLaTeX(s[1 : len(s)-1])}, ""
	}
	parts := splitBibTop(s, func(c byte) bool { return c == ',' })
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	var n Name
	join := func(words []string) string { return decodeLaTeX(strings.Join(words, " ")) }
	switch len(parts) {
	case 1:
		w := bibWords(parts[0])
		if len(w) <= 1 {
			n.Family = join(w)
			break
		}
		first := -1
		for i := 0; i < len(w)-1; i++ {
			if bibWordIsLower(w[i]) {
				first = i
				break
			}
		}
		if first < 0 {
			n.Given, n.Family = join(w[:len(w)-1]), join(w[len(w)-1:])
			break
		}
		last := first
		for i := first; i < len(w)-1; i++ {
			if bibWordIsLower(w[i]) {
				last = i
			}
		}
		n.Given, n.Particle, n.Family = join(w[:first]), join(w[first:last+1]), join(w[last+1:])
	case 2, 3:
		w := bibWords(parts[0])
		if len(w) == 0 {
			return Name{}, "missing family name in " + strconv.Quote(collapseSpace(s))
		}
		last := -1
		for i := 0; i < len(w)-1; i++ {
			if bibWordIsLower(w[i]) {
				last = i
			}
		}
		n.Particle, n.Family = join(w[:last+1]), join(w[last+1:])
		if len(parts) == 2 {
			n.Given = decodeLaTeX(parts[1])
		} else {
			n.Suffix, n.Given = decodeLaTeX(parts[1]), decodeLaTeX(parts[2])
		}
	default:
		return Name{}, "too many commas in name " + strconv.Quote(collapseSpace(s))
	}
	return n, ""
}

// texAccents maps the accent commands to Unicode combining marks.
var texAccents = map[string]rune{
	"'": '\u0301', "`": '\u0300', "^": '\u0302', `"`: '\u0308', "~": '\u0303', "=": '\u0304',
	".": '\u0307', "u": '\u0306', "v": '\u030C', "H": '\u030B', "c": '\u0327', "k": '\u0328',
	"r": '\u030A', "d": '\u0323', "b": '\u0331', "t": '\u0361',
}

// texSymbols maps argument-less commands to the text they stand for.
var texSymbols = map[string]string{
	"ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
	"aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ",
	"TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
	"textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
	"textquotedblleft": "“", "textquotedblright": "”", "guillemotleft": "«", "guillemotright": "»",
	"textregistered": "®", "texttrademark": "™", "textcopyright": "©", "copyright": "©",
	"textellipsis": "…", "ldots": "…", "dots": "…", "textasciitilde": "~", "textunderscore": "_",
	"textbackslash": `\`, "S": "§", "P": "¶", "pounds": "£", "euro": "€", "texteuro": "€",
	"textdegree": "°", "textbullet": "•", "textperiodcentered": "·", "textless": "<",
	"textgreater": ">", "textbar": "|", "textasciicircum": "^", "textdollar": "$",
	"textbraceleft": "{", "textbraceright": "}",
	"textsterling": "£", "quad": " ", "qquad": " ", "space": " ", "enspace": " ", "thinspace": " ",
	"LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "slash": "/", "and": "&",
}

// texDropArg are commands whose first argument is not text (it is dropped).
var texDropArg = map[string]bool{"noopsort": true, "href": true, "label": true, "cite": true}

// texFormatting are commands whose argument is kept as plain text.
var texFormatting = map[string]bool{
	"textit": true, "textbf": true, "emph": true, "textsc": true, "textrm": true, "textsf": true,
	"texttt": true, "textup": true, "textnormal": true, "textsl": true, "textmd": true,
	"mkbibquote": true, "mkbibemph": true, "mkbibitalic": true, "mkbibbold": true, "enquote": true,
	"mbox": true, "hbox": true, "url": true, "textsuperscript": true, "textsubscript": true,
	"uppercase": true, "lowercase": true, "MakeUppercase": true, "MakeLowercase": true,
	"it": true, "bf": true, "em": true, "sc": true, "rm": true, "sf": true, "tt": true, "sl": true,
	"relax": true, "nolinkurl": true, "protect": true, "ensuremath": true, "mathrm": true,
	"text": true,
}

// maxTeXDepth bounds the nesting of accent arguments decoded recursively.
const maxTeXDepth = 50

// decodeLaTeX turns a BibTeX value into plain text: accents and special characters decoded
// ({\'e}, \'{e}, {\"\i}, \c{c}, \v{s}, \ss, \o), escapes (\&, \%, \$, \#, \_) unescaped, "--" to an
// en dash and "---" to an em dash, "~" to a space, braces and math dollars removed, formatting
// commands (\emph, \textit) dropped, white space collapsed, and the result NFC-normalised.
func decodeLaTeX(s string) string {
	if !strings.ContainsAny(s, "\\{}~-$`'") {
		return collapseSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	texDecode(&b, s, 0)
	return collapseSpace(norm.NFC.String(b.String()))
}

// texDecode writes the decoded form of s to b.
func texDecode(b *strings.Builder, s string, depth int) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '{' || c == '}' || c == '$':
			i++
		case c == '\\':
			i = texCommand(b, s, i, depth)
		case c == '~':
			b.WriteByte(' ')
			i++
		case strings.HasPrefix(s[i:], "---"):
			b.WriteString("—")
			i += 3
		case strings.HasPrefix(s[i:], "--"):
			b.WriteString("–")
			i += 2
		case strings.HasPrefix(s[i:], "``"):
			b.WriteString("“")
			i += 2
		case strings.HasPrefix(s[i:], "''"):
			b.WriteString("”")
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// texCommand decodes the control sequence at s[i] ('\') and returns the offset after it.
func texCommand(b *strings.Builder, s string, i, depth int) int {
	j := i + 1
	if j >= len(s) {
		return j
	}
	c := s[j]
	if !isASCIILetter(c) {
		j++
		if mark, ok := texAccents[string(c)]; ok {
			arg, next := texArgument(s, j, depth)
			writeAccented(b, arg, mark, c)
			return next
		}
		switch c {
		case '\\', ',', ';', ':', '!', ' ', '\n', '\t', '\r':
			b.WriteByte(' ')
		case '-', '/', '@':
		default:
			// \& \% \$ \# \_ \{ \} and anything else: the character itself.
			r, size := utf8.DecodeRuneInString(s[j-1:])
			b.WriteRune(r)
			j += size - 1
		}
		return j
	}
	for j < len(s) && isASCIILetter(s[j]) {
		j++
	}
	name := s[i+1 : j]
	if mark, ok := texAccents[name]; ok {
		arg, next := texArgument(s, j, depth)
		writeAccented(b, arg, mark, 0)
		return next
	}
	// TeX ignores the spaces after a control word.
	eaten := j
	for eaten < len(s) && (s[eaten] == ' ' || s[eaten] == '\t') {
		eaten++
	}
	switch {
	case texSymbols[name] != "":
		b.WriteString(texSymbols[name])
		return eaten
	case texDropArg[name]:
		if eaten < len(s) && s[eaten] == '{' {
			return matchingBrace(s, eaten)
		}
		return eaten
	case texFormatting[name]:
		return eaten
	}
	// An unknown command: keep its name, which is more useful than losing it.
	b.WriteString(name)
	return j
}

// isASCIILetter reports whether c is an ASCII letter, the letters of TeX control words.
func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// texArgument reads the argument of an accent at s[j]: a brace group, a control sequence (\i and
// \j give plain i and j, so that \"\i is ï) or one character. It returns the decoded argument and
// the offset after it.
func texArgument(s string, j, depth int) (string, int) {
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j >= len(s) {
		return "", j
	}
	switch s[j] {
	case '{':
		end := matchingBrace(s, j)
		inner := s[j+1 : end]
		if end <= len(s) && end > j+1 && s[end-1] == '}' {
			inner = s[j+1 : end-1]
		}
		switch strings.TrimSpace(inner) {
		case `\i`:
			return "i", end
		case `\j`:
			return "j", end
		}
		var b strings.Builder
		if depth < maxTeXDepth {
			texDecode(&b, inner, depth+1)
		} else {
			b.WriteString(strings.NewReplacer("{", "", "}", "", `\`, "").Replace(inner))
		}
		return b.String(), end
	case '}':
		return "", j
	case '\\':
		k := j + 1
		for k < len(s) && isASCIILetter(s[k]) {
			k++
		}
		switch s[j+1 : k] {
		case "i":
			return "i", k
		case "j":
			return "j", k
		}
		var b strings.Builder
		if depth < maxTeXDepth {
			k = texCommand(&b, s, j, depth+1)
		}
		return b.String(), k
	}
	r, size := utf8.DecodeRuneInString(s[j:])
	return string(r), j + size
}

// writeAccented writes arg with mark after its first character. An empty argument gives the
// accent character itself (\'{} is an apostrophe).
func writeAccented(b *strings.Builder, arg string, mark rune, accent byte) {
	if arg == "" {
		if accent != 0 {
			b.WriteByte(accent)
		}
		return
	}
	r, size := utf8.DecodeRuneInString(arg)
	b.WriteRune(r)
	b.WriteRune(mark)
	b.WriteString(arg[size:])
}
