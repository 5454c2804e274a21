package ingest

import (
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"kring/graph"
)

// ParseRIS reads a RIS file (Zotero, EndNote, Mendeley, publisher exports): UTF-8 with or without
// a byte-order mark, LF or CRLF line ends, "TAG  - value" lines, continuation lines, records from
// TY to ER. Repeated author and keyword tags accumulate; tags without a place in Reference are
// kept in Extra under their tag.
//
// It returns every record that has no problem. When there were problems (a line outside a
// record, a malformed tag line, an unknown TY code, a bad year or date, a bad DOI, a record
// without ER) it also returns a *graph.ValidationError listing all of them with file, line and
// tag; a record with a problem is not returned.
func ParseRIS(file string, r io.Reader) ([]Reference, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		var ps graph.Problems
		ps.Addf(file, 0, 0, "", "read: %v", err)
		return nil, ps.Err()
	}
	src := strings.TrimPrefix(validUTF8(string(data)), "\uFEFF")
	p := risParser{file: file}
	p.parse(src)
	var refs []Reference
	for _, rec := range p.records {
		ref := p.convert(rec)
		if !rec.bad {
			refs = append(refs, ref)
		}
	}
	sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
	return refs, p.problems.Err()
}

// risTagLine is a well-formed tag line: two uppercase letters or a letter and a digit, two spaces,
// a dash, and a space before a non-empty value (an empty value may lack the space).
var risTagLine = regexp.MustCompile(`^([A-Z][A-Z0-9])  -(?: (.*))?$`)

// risBadTagLine is a line that tries to be a tag line and fails: the wrong number of spaces or a
// tab before the dash, or no space after it.
var risBadTagLine = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9](?: {1,4}|\t)-(?:\s|$)|^[A-Z][A-Z0-9]  -\S|^[a-z][a-z0-9]  - `)

// risField is one tag and its value (continuation lines joined with newlines).
type risField struct {
	tag, value string
	line       int
}

// risRecord is one TY..ER record as read.
type risRecord struct {
	line   int
	end    int // the last line (ER, or the line before the next TY, or the last line)
	fields []risField
	bad    bool
}

// risParser holds the state of one ParseRIS call.
type risParser struct {
	file     string
	records  []*risRecord
	problems graph.Problems
}

// addf records a problem at line and marks rec (if any) bad.
func (p *risParser) addf(rec *risRecord, line int, field, format string, args ...any) {
	p.problems.Addf(p.file, line, 0, field, format, args...)
	if rec != nil {
		rec.bad = true
	}
}

// parse splits the input into records.
func (p *risParser) parse(src string) {
	var cur *risRecord
	outside := false // the previous line was reported as outside a record
	lines := strings.Split(src, "\n")
	type hit struct {
		line, col int
		r         rune
	}
	var hits []hit
	for i, line := range lines {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if j, r := badRune(line); j >= 0 {
			hits = append(hits, hit{n, utf8.RuneCountInString(line[:j]) + 1, r})
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		m := risTagLine.FindStringSubmatch(strings.TrimRight(line, " \t"))
		if cur == nil {
			if m != nil && m[1] == "TY" {
				cur = &risRecord{line: n, fields: []risField{{tag: "TY", value: strings.TrimSpace(m[2]), line: n}}}
				p.records = append(p.records, cur)
				outside = false
				continue
			}
			if !outside {
				switch {
				case m != nil:
					p.addf(nil, n, m[1], "tag outside a record: a record starts with TY")
				case risBadTagLine.MatchString(line):
					p.addf(nil, n, "", "malformed line outside a record: want \"TAG  - value\"")
				default:
					p.addf(nil, n, "", "line outside a record: a record starts with TY")
				}
			}
			outside = true
			continue
		}
		switch {
		case m != nil && m[1] == "TY":
			p.addf(cur, cur.line, "ER", "record is not closed with ER before the next TY at line %d", n)
			cur.end = n - 1
			cur = &risRecord{line: n, fields: []risField{{tag: "TY", value: strings.TrimSpace(m[2]), line: n}}}
			p.records = append(p.records, cur)
		case m != nil && m[1] == "ER":
			cur.end = n
			cur = nil
		case m != nil:
			cur.fields = append(cur.fields, risField{tag: m[1], value: strings.TrimSpace(m[2]), line: n})
		case risBadTagLine.MatchString(line):
			p.addf(cur, n, "", "malformed tag line %q: want \"TAG  - value\" (two spaces, dash, space)", clip(line, 40))
		default:
			// A continuation of the previous value.
			last := &cur.fields[len(cur.fields)-1]
			if last.value == "" {
				last.value = strings.TrimSpace(line)
			} else {
				last.value += "\n" + strings.TrimSpace(line)
			}
		}
	}
	if cur != nil {
		p.addf(cur, cur.line, "ER", "record has no ER end tag before the end of the file")
		cur.end = len(lines)
	}
	// Characters a field may not hold (see badRune), with the tag of the value they are in.
	for k, h := range hits {
		if k == maxControlProblems {
			p.problems.Addf(p.file, 0, 0, "", "%d more control characters not listed", len(hits)-k)
		}
		var rec *risRecord
		tag := ""
		if i := sort.Search(len(p.records), func(i int) bool { return p.records[i].line > h.line }) - 1; i >= 0 && h.line <= p.records[i].end {
			rec = p.records[i]
			for _, f := range rec.fields {
				if f.line <= h.line {
					tag = f.tag
				}
			}
			if h.line == rec.end && strings.HasPrefix(lines[h.line-1], "ER  -") {
				tag = "ER"
			}
			rec.bad = true
		}
		if k < maxControlProblems {
			p.problems.Addf(p.file, h.line, h.col, tag, "%s", controlMessage(h.r))
		}
	}
}

// clip shortens s to at most n characters for a message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// risTypes maps the RIS type codes to the normalised types; every code of the RIS specification
// is listed, and the ones not named here are misc.
var risTypes = map[string]string{
	"JOUR": typeArticle, "EJOUR": typeArticle, "JFULL": typeArticle, "MGZN": typeArticle,
	"NEWS": typeArticle, "INPR": typeArticle, "ABST": typeArticle,
	"BOOK": typeBook, "EBOOK": typeBook, "EDBOOK": typeBook, "ENCYC": typeBook, "DICT": typeBook,
	"CHAP": typeChapter, "ECHAP": typeChapter,
	"RPRT": typeReport, "GOVDOC": typeReport,
	"THES": typeThesis,
	"ELEC": typeWebpage, "WEB": typeWebpage, "BLOG": typeWebpage, "ICOMM": typeWebpage,
	"CONF": typeConference, "CPAPER": typeConference,
	"ADVS": typeMisc, "AGGR": typeMisc, "ANCIENT": typeMisc, "ART": typeMisc, "BILL": typeMisc,
	"CASE": typeMisc, "CHART": typeMisc, "CLSWK": typeMisc, "COMP": typeMisc, "CTLG": typeMisc,
	"DATA": typeMisc, "DBASE": typeMisc, "EQUA": typeMisc, "FIGURE": typeMisc, "GEN": typeMisc,
	"GRANT": typeMisc, "HEAR": typeMisc, "LEGAL": typeMisc, "MANSCPT": typeMisc, "MAP": typeMisc,
	"MPCT": typeMisc, "MULTI": typeMisc, "MUSIC": typeMisc, "PAMP": typeMisc, "PAT": typeMisc,
	"PCOMM": typeMisc, "SER": typeMisc, "SLIDE": typeMisc, "SOUND": typeMisc, "STAND": typeMisc,
	"STAT": typeMisc, "UNBILL": typeMisc, "UNPB": typeMisc, "VIDEO": typeMisc,
}

// risContainerTags are the tags that may hold the container title, best first: secondary title,
// full journal name, journal name, book title, abbreviated journal name.
var risContainerTags = []string{"T2", "JF", "JO", "BT", "JA"}

// convert maps a record to a Reference, recording problems with values.
func (p *risParser) convert(rec *risRecord) Reference {
	ref := Reference{File: p.file, Line: rec.line}
	ty := rec.fields[0].value
	if t, ok := risTypes[ty]; ok {
		ref.Type = t
	} else if ty == "" {
		p.addf(rec, rec.line, "TY", "missing reference type")
	} else {
		p.addf(rec, rec.line, "TY", "unknown reference type %q", ty)
	}
	containers := map[string]string{}
	var sp, ep string
	var dateField *risField
	for i := range rec.fields[1:] {
		f := &rec.fields[i+1]
		v := collapseSpace(f.value)
		switch f.tag {
		case "ID":
			if ref.Key == "" {
				ref.Key = v
				continue
			}
		case "TI", "T1":
			if ref.Title == "" {
				ref.Title = v
				continue
			}
		case "AU", "A1", "A2", "ED":
			if v == "" {
				continue
			}
			n, ok := parseRISName(v)
			if !ok {
				p.addf(rec, f.line, f.tag, "name %q has no family name before the comma", v)
				continue
			}
			if f.tag == "AU" || f.tag == "A1" {
				ref.Authors = append(ref.Authors, n)
			} else {
				ref.Editors = append(ref.Editors, n)
			}
			continue
		case "PY", "Y1":
			if ref.Year == 0 {
				y, m, ok := parseRISDate(v)
				if !ok {
					p.addf(rec, f.line, f.tag, "invalid year %q: want YYYY or YYYY/MM/DD/", v)
					continue
				}
				ref.Year, ref.Month = y, m
				continue
			}
		case "DA":
			if dateField == nil {
				dateField = f
				continue
			}
		case "SP":
			if sp == "" {
				sp = v
				continue
			}
		case "EP":
			if ep == "" {
				ep = v
				continue
			}
		case "DO":
			if ref.DOI == "" {
				if ref.DOI = NormalizeDOI(v); ref.DOI == "" {
					p.addf(rec, f.line, f.tag, "invalid doi %q", v)
				}
				continue
			}
		case "T2", "JF", "JO", "BT", "JA":
			if _, seen := containers[f.tag]; !seen && v != "" {
				containers[f.tag] = v
				continue
			}
		case "VL":
			if ref.Volume == "" {
				ref.Volume = v
				continue
			}
		case "IS":
			if ref.Issue == "" {
				ref.Issue = v
				continue
			}
		case "PB":
			if ref.Publisher == "" {
				ref.Publisher = v
				continue
			}
		case "SN":
			if ref.ISBN == "" && looksLikeISBN(v) {
				ref.ISBN = v
				continue
			}
		case "UR":
			if ref.URL == "" {
				ref.URL = v
				continue
			}
		case "LA":
			if ref.Language == "" {
				ref.Language = normalizeLanguage(v)
				continue
			}
		case "AB", "N2":
			if ref.Abstract == "" {
				ref.Abstract = v
				continue
			}
		case "KW":
			for _, k := range strings.Split(f.value, "\n") {
				if k = collapseSpace(k); k != "" {
					ref.Keywords = append(ref.Keywords, k)
				}
			}
			continue
		}
		ref.addExtra(f.tag, f.value)
	}
	if dateField != nil {
		y, m, ok := parseRISDate(collapseSpace(dateField.value))
		switch {
		case !ok:
			p.addf(rec, dateField.line, "DA", "invalid date %q: want YYYY/MM/DD", collapseSpace(dateField.value))
		case ref.Year == 0:
			ref.Year, ref.Month = y, m
		case ref.Month == 0 && y == ref.Year:
			ref.Month = m
		}
	}
	for _, tag := range risContainerTags {
		v, ok := containers[tag]
		if !ok {
			continue
		}
		switch {
		case tag == "BT" && ref.Title == "" && ref.Type == typeBook:
			ref.Title = v
		case ref.Container == "" && !(tag == "BT" && ref.Type == typeBook):
			ref.Container = v
		default:
			ref.addExtra(tag, v)
		}
	}
	switch {
	case sp != "" && ep != "" && sp != ep:
		ref.Pages = normalizePages(sp + "-" + ep)
	case sp != "":
		ref.Pages = normalizePages(sp)
	default:
		ref.Pages = normalizePages(ep)
	}
	if ref.DOI == "" {
		ref.DOI = doiFromURL(ref.URL)
	}
	return ref
}

// parseRISName reads "Family, Given" or "Family, Given, Suffix" (a lowercase particle is split off
// the family name). A name without a comma is a corporate name and becomes Literal. It reports
// false for a name whose family part is empty.
func parseRISName(v string) (Name, bool) {
	parts := strings.Split(v, ",")
	if len(parts) == 1 {
		return Name{Literal: v}, true
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if parts[0] == "" {
		return Name{}, false
	}
	var n Name
	n.Particle, n.Family = splitParticle(parts[0])
	n.Given = parts[1]
	if len(parts) > 2 {
		n.Suffix = strings.Join(parts[2:], ", ")
	}
	return n, true
}

// parseRISDate reads a RIS date: "YYYY", "YYYY///", "YYYY/MM/DD/other" with empty parts allowed
// after the year, or an ISO date "YYYY-MM-DD".
func parseRISDate(v string) (year, month int, ok bool) {
	if !strings.Contains(v, "/") {
		return parseISODate(v)
	}
	parts := strings.SplitN(v, "/", 4)
	if year, ok = parseYear(parts[0]); !ok {
		return 0, 0, false
	}
	if len(parts) > 1 && parts[1] != "" {
		if !isDigits(parts[1]) {
			return 0, 0, false
		}
		if month, ok = parseMonth(parts[1]); !ok {
			return 0, 0, false
		}
	}
	if len(parts) > 2 && parts[2] != "" {
		d, err := strconv.Atoi(parts[2])
		if err != nil || d < 1 || d > 31 || !isDigits(parts[2]) {
			return 0, 0, false
		}
	}
	return year, month, true
}
