package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"kring/graph"
)

// Bibliography writers: the stored sources as BibTeX, RIS and CSL-JSON, the formats reference
// managers read, written so that our own parsers (and Zotero's importers) give the same works
// back.
//
//   - One record per source, in source id order; the citation key (BibTeX key, RIS ID, CSL id)
//     is the id without "source/", so that a re-import makes the same ids.
//   - The entry type is the nearest standard type for the SourceType (GREY_BE, GREY_NL and
//     POLICY_DOC are reports, PRACTICE_HANDBOOK a book, THESIS a thesis, WEB_PAGE and
//     INTERVENTION_DB_ENTRY web pages, an academic source an article, a chapter or a book by
//     what it has). When a record lacks a field that the format's specification requires for
//     that type (BibTeX's @techreport needs an institution), it is written as the format's
//     generic type (@misc, GEN, document) instead: the SourceType is carried either way.
//   - The SourceType itself is carried as the keyword "kring-source-type:CODE" in every format
//     (BibTeX keywords, RIS KW, CSL keyword), which our parsers read (classifySource). BibTeX
//     also gets the field kring-source-type = {CODE}, CSL-JSON the line
//     "kring-source-type: CODE" in note. Why both, as Zotero's importers read them (zotero/
//     translators BibTeX.js and RIS.js, zotero/zotero-schema's CSL mapping, checked 2026-12):
//     its BibTeX import turns keywords into tags and drops unknown fields, and its BibTeX export
//     writes tags back as keywords; its RIS import and export map KW to tags; its CSL-JSON
//     mapping has no keyword variable but maps note to Extra and back. So a file that went
//     through Zotero still names each record's SourceType in every format.
//   - Fields: title, authors ("Family, Given" split back into the format's name parts; a name
//     without a comma is a corporate name, written so that no reader splits it), year,
//     container, volume, issue, pages, publisher, DOI, ISBN, URL, language. Status, notes and
//     peerReviewed are Kring's own and are not written.

// BibliographyFormats are the formats WriteBibliography writes (the input format names of
// DetectFormat).
var BibliographyFormats = []string{FormatBibTeX, FormatRIS, FormatCSLJSON}

// WriteBibliography writes the sources in one of BibliographyFormats ("csljson" is taken for
// FormatCSLJSON); an unknown format is graph.ErrInvalid.
func WriteBibliography(w io.Writer, format string, srcs []graph.SourceRecord) error {
	if format == "csljson" {
		format = FormatCSLJSON
	}
	srcs = append([]graph.SourceRecord(nil), srcs...)
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].ID < srcs[j].ID })
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case FormatBibTeX:
		err = writeBibTeX(bw, srcs)
	case FormatRIS:
		err = writeRIS(bw, srcs)
	case FormatCSLJSON:
		err = writeCSLJSON(bw, srcs)
	default:
		return fmt.Errorf("ingest: bibliography format %q (want %s): %w", format, strings.Join(BibliographyFormats, ", "), graph.ErrInvalid)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// bibKind is the kind of work a source is written as, before the format's own type names.
type bibKind int

const (
	kindArticle bibKind = iota
	kindChapter
	kindBook
	kindReport
	kindThesis
	kindWeb
	kindMisc
)

// kindOf picks the kind of work a source is written as.
func kindOf(r *graph.SourceRecord) bibKind {
	switch r.Str("type") {
	case "ACADEMIC_NL", "ACADEMIC_ANGLO", "PRESS":
		switch {
		case r.Str("container") != "" && r.Str("publisher") != "" && r.Str("volume") == "" && r.Str("issue") == "":
			return kindChapter
		case r.Str("container") != "":
			return kindArticle
		case r.Str("publisher") != "" || r.Str("isbn") != "":
			return kindBook
		}
		return kindMisc
	case "GREY_BE", "GREY_NL", "POLICY_DOC":
		return kindReport
	case "PRACTICE_HANDBOOK":
		return kindBook
	case "THESIS":
		return kindThesis
	case "WEB_PAGE", "INTERVENTION_DB_ENTRY":
		return kindWeb
	}
	return kindMisc
}

// sourceKey is the citation key of a source: its id without "source/".
func sourceKey(r *graph.SourceRecord) string {
	return strings.TrimPrefix(graph.ShortID(r.ID), "source/")
}

// typeKeyword is the keyword that carries a source's SourceType.
func typeKeyword(r *graph.SourceRecord) string { return sourceTypeHint + ":" + r.Str("type") }

// splitAuthor splits a stored author string ("Family, Given" or "Family, Given, Suffix"; no comma
// is a corporate name) into its parts; ok is false for a corporate name.
func splitAuthor(s string) (family, given, suffix string, ok bool) {
	parts := strings.Split(s, ",")
	if len(parts) == 1 {
		return strings.TrimSpace(s), "", "", false
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	family, given = parts[0], parts[1]
	if len(parts) > 2 {
		suffix = strings.Join(parts[2:], ", ")
	}
	return family, given, suffix, true
}

// pageRange splits "381-440" into start and end page ("12" has no end).
func pageRange(p string) (string, string) {
	if a, b, ok := strings.Cut(p, "-"); ok {
		return strings.TrimSpace(a), strings.TrimSpace(b)
	}
	return p, ""
}

// ---- BibTeX ----

// bibRequired are the fields BibTeX's standard styles (btxdoc) require per entry type, and
// biblatex's for @online; author may be given as editor for @book.
var bibRequired = map[string][]string{
	"article":      {"author", "title", "journal", "year"},
	"book":         {"author", "title", "publisher", "year"},
	"incollection": {"author", "title", "booktitle", "publisher", "year"},
	"techreport":   {"author", "title", "institution", "year"},
	"phdthesis":    {"author", "title", "school", "year"},
	"online":       {"author", "title", "year", "url"},
	"misc":         {},
}

// BibTeXRequired returns the fields the BibTeX specification requires for an entry type
// (nil for a type the writer does not use).
func BibTeXRequired(entryType string) []string { return bibRequired[entryType] }

// bibEscape writes s as the text of a braced BibTeX value: LaTeX's special characters escaped,
// the ligatures our reader (and LaTeX) would make of "--", "“" and "”" broken, everything
// else as UTF-8.
func bibEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '{':
			// BibTeX counts braces whatever precedes them: \{ would unbalance the value.
			b.WriteString(`\textbraceleft{}`)
		case '}':
			b.WriteString(`\textbraceright{}`)
		case '&', '%', '$', '#', '_':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		case '^':
			b.WriteString(`\textasciicircum{}`)
		case '-', '`', '\'':
			b.WriteByte(c)
			if i+1 < len(s) && s[i+1] == c {
				b.WriteString("{}")
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// bibURLEscape writes a URL or DOI as a BibTeX value: only the characters that would end or
// break the value are escaped (readers, ours included, undo \% \& \# \_).
func bibURLEscape(s string) string {
	return strings.NewReplacer(`{`, "%7B", `}`, "%7D", `\`, "%5C").Replace(s)
}

// bibName writes a stored author as a BibTeX name: "Family, Given" ("Family, Suffix, Given"), a
// corporate name in braces so that it is not split, a family name with " and " braced.
func bibName(s string) string {
	family, given, suffix, person := splitAuthor(s)
	if !person {
		return "{" + bibEscape(family) + "}"
	}
	// A part with the word "and" in it is braced, or it would split the name list.
	part := func(s string) string {
		e := bibEscape(s)
		for _, w := range strings.Fields(s) {
			if strings.EqualFold(w, "and") {
				return "{" + e + "}"
			}
		}
		return e
	}
	out := part(family)
	if suffix != "" {
		out += ", " + part(suffix)
	}
	if given != "" || suffix != "" {
		out += ", " + part(given)
	}
	return out
}

// bibEntryOf returns the entry type and the fields of a source, in writing order.
func bibEntryOf(r *graph.SourceRecord) (string, [][2]string) {
	var fs [][2]string
	add := func(name, value string) {
		if value != "" {
			fs = append(fs, [2]string{name, value})
		}
	}
	kind := kindOf(r)
	typ := map[bibKind]string{kindArticle: "article", kindChapter: "incollection", kindBook: "book",
		kindReport: "techreport", kindThesis: "phdthesis", kindWeb: "online", kindMisc: "misc"}[kind]
	var names []string
	for _, a := range r.Authors() {
		names = append(names, bibName(a))
	}
	add("author", strings.Join(names, " and "))
	add("title", bibEscape(r.Str("title")))
	if y := r.Year(); y > 0 {
		add("year", strconv.Itoa(y))
	}
	container, publisher := bibEscape(r.Str("container")), bibEscape(r.Str("publisher"))
	switch kind {
	case kindArticle:
		add("journal", container)
		add("publisher", publisher)
	case kindChapter:
		add("booktitle", container)
		add("publisher", publisher)
	case kindReport:
		add("journal", container)
		add("institution", publisher)
	case kindThesis:
		add("journal", container)
		add("school", publisher)
	default:
		add("journal", container)
		add("publisher", publisher)
	}
	add("volume", bibEscape(r.Str("volume")))
	add("number", bibEscape(r.Str("issue")))
	if p := r.Str("pages"); p != "" {
		a, b := pageRange(p)
		v := bibEscape(a)
		if b != "" {
			v += "--" + bibEscape(b) // BibTeX's en dash; readers make it "-" again
		}
		add("pages", v)
	}
	add("isbn", bibEscape(r.Str("isbn")))
	add("doi", bibURLEscape(r.Str("doi")))
	add("url", bibURLEscape(r.Str("url")))
	add("language", bibEscape(r.Str("language")))
	add("keywords", bibEscape(typeKeyword(r)))
	add(sourceTypeHint, r.Str("type")) // a code: capitals and _, kept verbatim (BibTeX does not typeset it)

	have := map[string]bool{}
	for _, f := range fs {
		have[f[0]] = true
	}
	for _, req := range bibRequired[typ] {
		if !have[req] {
			// The specification's generic type: journal, booktitle, institution and school have no
			// place in @misc, so they become howpublished / publisher.
			for i := range fs {
				switch fs[i][0] {
				case "booktitle", "journal":
					fs[i][0] = "journal"
				case "institution", "school":
					fs[i][0] = "publisher"
				}
			}
			return "misc", fs
		}
	}
	return typ, fs
}

// writeBibTeX writes one entry per source.
func writeBibTeX(w *bufio.Writer, srcs []graph.SourceRecord) error {
	fmt.Fprintf(w, "%% Kring bibliography: %d sources. Encoding: UTF-8\n", len(srcs))
	fmt.Fprintf(w, "%% The source type of each entry is in %s (and the keyword %s:CODE).\n", sourceTypeHint, sourceTypeHint)
	for i := range srcs {
		r := &srcs[i]
		typ, fs := bibEntryOf(r)
		fmt.Fprintf(w, "\n@%s{%s,\n", typ, bibKeyEscape(sourceKey(r)))
		for j, f := range fs {
			sep := ","
			if j == len(fs)-1 {
				sep = ""
			}
			fmt.Fprintf(w, "  %s = {%s}%s\n", f[0], f[1], sep)
		}
		w.WriteString("}\n")
	}
	return nil
}

// bibKeyEscape keeps a citation key to the characters BibTeX allows in one.
func bibKeyEscape(k string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ',', '{', '}', '(', ')', ' ', '\t', '\n', '"', '#', '%', '\'', '=', '\\':
			return '-'
		}
		return r
	}, k)
}

// ---- RIS ----

// risOneLine makes a value fit on one RIS line.
func risOneLine(s string) string { return collapseSpace(s) }

// risEntryOf returns the reference type and the tagged fields of a source, in writing order.
func risEntryOf(r *graph.SourceRecord) (string, [][2]string) {
	var fs [][2]string
	add := func(tag, value string) {
		if value = risOneLine(value); value != "" {
			fs = append(fs, [2]string{tag, value})
		}
	}
	ty := map[bibKind]string{kindArticle: "JOUR", kindChapter: "CHAP", kindBook: "BOOK",
		kindReport: "RPRT", kindThesis: "THES", kindWeb: "ELEC", kindMisc: "GEN"}[kindOf(r)]
	add("ID", sourceKey(r))
	add("TI", r.Str("title"))
	for _, a := range r.Authors() {
		add("AU", a)
	}
	if y := r.Year(); y > 0 {
		add("PY", strconv.Itoa(y))
	}
	add("T2", r.Str("container"))
	add("VL", r.Str("volume"))
	add("IS", r.Str("issue"))
	if p := r.Str("pages"); p != "" {
		a, b := pageRange(p)
		add("SP", a)
		add("EP", b)
	}
	add("PB", r.Str("publisher"))
	add("SN", r.Str("isbn"))
	add("DO", r.Str("doi"))
	add("UR", r.Str("url"))
	add("LA", r.Str("language"))
	add("KW", typeKeyword(r))
	return ty, fs
}

// writeRIS writes one record per source: "TY  - " first, "ER  - " last, one tag per line, a
// blank line between records.
func writeRIS(w *bufio.Writer, srcs []graph.SourceRecord) error {
	for i := range srcs {
		ty, fs := risEntryOf(&srcs[i])
		if i > 0 {
			w.WriteString("\r\n")
		}
		fmt.Fprintf(w, "TY  - %s\r\n", ty)
		for _, f := range fs {
			fmt.Fprintf(w, "%s  - %s\r\n", f[0], f[1])
		}
		w.WriteString("ER  - \r\n")
	}
	return nil
}

// ---- CSL-JSON ----

// CSLName is a name of a CSL-JSON item.
type CSLName struct {
	Family string `json:"family,omitempty"`
	Given  string `json:"given,omitempty"`
	Suffix string `json:"suffix,omitempty"`
	// Literal is a corporate name.
	Literal string `json:"literal,omitempty"`
}

// CSLDate is a CSL-JSON date.
type CSLDate struct {
	DateParts [][]int `json:"date-parts"`
}

// CSLItem is one item of a CSL-JSON export, as the writer fills it.
type CSLItem struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	Title          string    `json:"title,omitempty"`
	Author         []CSLName `json:"author,omitempty"`
	Issued         *CSLDate  `json:"issued,omitempty"`
	ContainerTitle string    `json:"container-title,omitempty"`
	Volume         string    `json:"volume,omitempty"`
	Issue          string    `json:"issue,omitempty"`
	Page           string    `json:"page,omitempty"`
	Publisher      string    `json:"publisher,omitempty"`
	ISBN           string    `json:"ISBN,omitempty"`
	DOI            string    `json:"DOI,omitempty"`
	URL            string    `json:"URL,omitempty"`
	Language       string    `json:"language,omitempty"`
	Keyword        string    `json:"keyword,omitempty"`
	Note           string    `json:"note,omitempty"`
}

// cslItemOf maps a source to a CSL-JSON item.
func cslItemOf(r *graph.SourceRecord) CSLItem {
	it := CSLItem{
		ID:             sourceKey(r),
		Type:           map[bibKind]string{kindArticle: "article-journal", kindChapter: "chapter", kindBook: "book", kindReport: "report", kindThesis: "thesis", kindWeb: "webpage", kindMisc: "document"}[kindOf(r)],
		Title:          r.Str("title"),
		ContainerTitle: r.Str("container"),
		Volume:         r.Str("volume"),
		Issue:          r.Str("issue"),
		Page:           r.Str("pages"),
		Publisher:      r.Str("publisher"),
		ISBN:           r.Str("isbn"),
		DOI:            r.Str("doi"),
		URL:            r.Str("url"),
		Language:       r.Str("language"),
		Keyword:        typeKeyword(r),
		Note:           sourceTypeHint + ": " + r.Str("type"),
	}
	if r.Str("type") == "PRESS" && it.Type == "article-journal" {
		it.Type = "article-newspaper"
	}
	for _, a := range r.Authors() {
		family, given, suffix, person := splitAuthor(a)
		if !person {
			it.Author = append(it.Author, CSLName{Literal: family})
			continue
		}
		it.Author = append(it.Author, CSLName{Family: family, Given: given, Suffix: suffix})
	}
	if y := r.Year(); y > 0 {
		it.Issued = &CSLDate{DateParts: [][]int{{y}}}
	}
	return it
}

// writeCSLJSON writes a JSON array with one item per source.
func writeCSLJSON(w *bufio.Writer, srcs []graph.SourceRecord) error {
	items := make([]CSLItem, 0, len(srcs))
	for i := range srcs {
		items = append(items, cslItemOf(&srcs[i]))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(items)
}
