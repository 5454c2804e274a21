package ingest

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reference is one bibliographic record read from a reference-manager export.
//
// The three parsers (ParseBibTeX, ParseRIS, ParseCSLJSON) fill it in the same way, so records of
// the same work read from different exports compare equal field by field as far as the exports
// agree, and always share a DedupKey when they carry the same DOI.
type Reference struct {
	Key       string              // citation key (BibTeX key, RIS ID, CSL id); may be empty for RIS without ID
	Type      string              // normalised: article, book, chapter, report, thesis, webpage, conference, misc
	Title     string              // LaTeX decoded, braces removed, whitespace collapsed
	Authors   []Name              // in order
	Editors   []Name              // in order
	Year      int                 // 0 when unknown
	Month     int                 // 0 when unknown
	Container string              // journal / book title / site (BibTeX journal|booktitle, RIS T2/JO/JF, CSL container-title)
	Volume    string              // volume, as given
	Issue     string              // issue (BibTeX number), as given
	Pages     string              // page range with a plain hyphen: "381-440"
	Publisher string              // publisher (or institution, school, organisation when there is no publisher)
	ISBN      string              // ISBN as given; ISSNs are not put here
	URL       string              // first URL
	Abstract  string              // whitespace collapsed
	DOI       string              // normalised with NormalizeDOI
	Language  string              // ISO 639-1 lowercase when recognisable ("nl","en","fr","de"), else as given
	Keywords  []string            // in order, as given
	Extra     map[string][]string // unknown fields/tags preserved verbatim (RIS unknown tags, BibTeX unknown fields)
	File      string              // file name it came from
	Line      int                 // line where the record starts
}

// Name is a person or a corporate author.
//
// A person has Family (and usually Given). Particle holds a name prefix such as "van", "de" or
// "van der" when the export marks it as one: a lowercase prefix in BibTeX and RIS ("de Jong" is
// Particle "de", Family "Jong"), or a CSL non-dropping or dropping particle. A capitalised
// prefix written as part of the family name ("Van Robaeys, Bart") stays in Family, as BibTeX
// treats it; DedupKey joins Particle and Family so both spellings match. A corporate author,
// or any name an export marks as not to be split, has only Literal.
type Name struct{ Family, Given, Particle, Suffix, Literal string }

// The normalised reference types.
const (
	typeArticle    = "article"
	typeBook       = "book"
	typeChapter    = "chapter"
	typeReport     = "report"
	typeThesis     = "thesis"
	typeWebpage    = "webpage"
	typeConference = "conference"
	typeMisc       = "misc"
)

// addExtra appends a verbatim value under key, creating the map on first use.
func (r *Reference) addExtra(key, value string) {
	if r.Extra == nil {
		r.Extra = map[string][]string{}
	}
	r.Extra[key] = append(r.Extra[key], value)
}

// collapseSpace trims s and replaces every run of white space by one space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// languages maps lowercase language names and codes, as reference managers write them, to ISO 639-1.
var languages = map[string]string{
	"dutch": "nl", "nederlands": "nl", "flemish": "nl", "vlaams": "nl", "nl": "nl", "nld": "nl", "dut": "nl",
	"english": "en", "american": "en", "british": "en", "usenglish": "en", "ukenglish": "en",
	"australian": "en", "canadian": "en", "newzealand": "en", "engels": "en", "en": "en", "eng": "en",
	"french": "fr", "francais": "fr", "français": "fr", "frans": "fr", "fr": "fr", "fra": "fr", "fre": "fr",
	"german": "de", "ngerman": "de", "austrian": "de", "naustrian": "de", "deutsch": "de", "duits": "de",
	"de": "de", "deu": "de", "ger": "de",
	"spanish": "es", "es": "es", "spa": "es",
	"italian": "it", "it": "it", "ita": "it",
	"portuguese": "pt", "portuges": "pt", "pt": "pt", "por": "pt",
}

// normalizeLanguage returns the ISO 639-1 code of a language name or tag ("dutch", "nl-BE",
// "en_US", "English") when it is recognisable, else s with its white space collapsed.
func normalizeLanguage(s string) string {
	s = collapseSpace(s)
	if s == "" {
		return ""
	}
	l := strings.ToLower(s)
	if code, ok := languages[l]; ok {
		return code
	}
	// A language tag with a region or script: nl-BE, en_US, zh-Hant-TW.
	if i := strings.IndexAny(l, "-_"); i > 0 {
		if code, ok := languages[l[:i]]; ok {
			return code
		}
	}
	return s
}

// normalizePages writes a page range with a plain hyphen: "381--440", "381–440" and "381 - 440"
// all become "381-440".
func normalizePages(s string) string {
	s = collapseSpace(s)
	s = strings.NewReplacer("---", "-", "--", "-", "\u2013", "-", "\u2014", "-", "\u2012", "-", "\u2010", "-").Replace(s)
	s = strings.ReplaceAll(s, " -", "-")
	return strings.ReplaceAll(s, "- ", "-")
}

// looksLikeISBN reports whether the first word of s is an ISBN-10 or ISBN-13 (hyphens and spaces
// inside the number allowed, an optional "ISBN" prefix), as opposed to an ISSN or anything else.
func looksLikeISBN(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) >= 4 && strings.EqualFold(s[:4], "isbn") {
		s = strings.TrimLeft(s[4:], " :-")
	}
	n := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case (r == 'X' || r == 'x') && n == 9:
			n++
			// The check digit X ends an ISBN-10.
			rest := s[i+1:]
			return rest == "" || rest[0] == ' ' || rest[0] == ';' || rest[0] == ','
		case r == '-' || r == ' ':
			if r == ' ' && (n == 10 || n == 13) {
				return true
			}
		default:
			return n == 10 || n == 13
		}
	}
	return n == 10 || n == 13
}

// splitKeywords splits a keyword list written as one string ("a, b; c") into trimmed keywords.
func splitKeywords(s string) []string {
	var out []string
	for _, k := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if k = collapseSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// parseYear reads a four-digit year (1000-2999) that forms the whole of s.
func parseYear(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1000 || y > 2999 {
		return 0, false
	}
	return y, true
}

// monthNames maps lowercase English month names and their three-letter abbreviations to 1..12.
var monthNames = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
	"oct": 10, "nov": 11, "dec": 12,
}

// parseMonth reads a month given as a number (1-12, "05") or an English name or abbreviation.
func parseMonth(s string) (int, bool) {
	s = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if m, ok := monthNames[s]; ok {
		return m, true
	}
	if len(s) == 0 || len(s) > 2 {
		return 0, false
	}
	m, err := strconv.Atoi(s)
	if err != nil || m < 1 || m > 12 {
		return 0, false
	}
	return m, true
}

// parseISODate reads "YYYY", "YYYY-MM", "YYYY-MM-DD" (also with "/" separators) and the start of
// a BibLaTeX date range ("2018-05/2018-06", "2018/2019", "2018/..") and returns the year and the
// month (0 when absent).
func parseISODate(s string) (year, month int, ok bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '/'); i >= 0 {
		rest := s[i+1:]
		if rest == "" || rest == ".." || (len(rest) >= 4 && isDigits(rest[:4])) {
			return parseISODate(s[:i])
		}
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) == 0 || len(parts) > 3 {
		return 0, 0, false
	}
	if year, ok = parseYear(parts[0]); !ok {
		return 0, 0, false
	}
	if len(parts) > 1 {
		if !isDigits(parts[1]) {
			return 0, 0, false
		}
		if month, ok = parseMonth(parts[1]); !ok {
			return 0, 0, false
		}
	}
	if len(parts) > 2 {
		d, err := strconv.Atoi(parts[2])
		if err != nil || d < 1 || d > 31 || !isDigits(parts[2]) {
			return 0, 0, false
		}
	}
	return year, month, true
}

// isDigits reports whether s is non-empty and consists of ASCII digits only.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isLowerWord reports whether the first letter of w is lowercase: the test BibTeX applies to find
// the "von" part of a name. Words without a letter count as not lowercase.
func isLowerWord(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
	}
	return false
}

// splitParticle splits a family-name part such as "de Jong" or "van der Tier" into its lowercase
// particle ("de", "van der") and the family name proper. The last word always stays in the family
// name, and a capitalised prefix ("Van Robaeys") is part of the family name.
func splitParticle(family string) (particle, rest string) {
	words := strings.Fields(family)
	n := 0
	for n < len(words)-1 && isLowerWord(words[n]) {
		n++
	}
	return strings.Join(words[:n], " "), strings.Join(words[n:], " ")
}

// validUTF8 replaces invalid UTF-8 in s by U+FFFD so that every string handed out is valid.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
