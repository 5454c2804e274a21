package ingest

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// doiPrefixes are the resolver and scheme prefixes NormalizeDOI strips (compared case-insensitively).
var doiPrefixes = []string{
	"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/",
	"https://www.doi.org/", "http://www.doi.org/", "doi.org/", "dx.doi.org/",
	"info:doi/", "doi:", "doi ",
}

// doiPattern is the shape of a normalised DOI: the directory indicator 10, a registrant code of
// four to nine digits (optionally with dotted sub-codes), a slash and a non-empty suffix.
var doiPattern = regexp.MustCompile(`^10\.[0-9]{4,9}(\.[0-9]+)*/\S+$`)

// NormalizeDOI returns the canonical form of a DOI written bare, as a doi.org or dx.doi.org URL
// (http or https) or with a "doi:" prefix: prefixes stripped case-insensitively, percent-escapes
// such as %2F decoded, lowercased. It returns "" when the result does not look like a DOI
// ("10.NNNN/suffix").
func NormalizeDOI(s string) string {
	s = strings.TrimSpace(s)
	for stripped := true; stripped; {
		stripped = false
		for _, p := range doiPrefixes {
			if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
				s = strings.TrimSpace(s[len(p):])
				stripped = true
			}
		}
	}
	if strings.Contains(s, "%") {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
	}
	s = strings.ToLower(s)
	if !doiPattern.MatchString(s) {
		return ""
	}
	return s
}

// foldCase folds case the Unicode way (ß and ss compare equal). A cases.Caser keeps state, so
// every call makes its own.
func foldCase(s string) string { return cases.Fold().String(s) }

// letterFolds spells letters that Unicode does not decompose into a base letter and a mark.
var letterFolds = map[rune]string{
	'ø': "o", 'Ø': "o", 'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'þ': "th", 'Þ': "th", 'ı': "i", 'ß': "ss",
}

// NormalizeTitle returns a form of a title (or a name) for matching records across exports: case
// folded, diacritics removed (é→e, ø→o), punctuation and symbols replaced by spaces, white space
// collapsed. "Social Support Interventions: Do They Work?" and "social support interventions — do
// they work" normalise alike.
func NormalizeTitle(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining mark left by the decomposition: drop it.
		case letterFolds[r] != "":
			b.WriteString(letterFolds[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return collapseSpace(foldCase(b.String()))
}

// mediumWords are the words a bracketed medium or genre designation at the end of a title is made
// of (as catalogues and reference managers append them: "[onderzoeksrapport]", "[Video]",
// "[electronic resource]"), in Dutch, English, French and German, normalised.
var mediumWords = map[string]bool{
	"onderzoeksrapport": true, "eindrapport": true, "rapport": true, "rapportage": true, "report": true, "research": true,
	"brochure": true, "folder": true, "flyer": true, "factsheet": true, "infographic": true, "poster": true,
	"video": true, "videorecording": true, "film": true, "dvd": true, "audio": true, "podcast": true, "sound": true, "recording": true,
	"website": true, "webpagina": true, "webpage": true, "web": true, "page": true, "online": true, "internet": true,
	"electronic": true, "resource": true, "elektronische": true, "bron": true, "elektronisch": true, "document": true,
	"pdf": true, "text": true, "tekst": true, "presentatie": true, "presentation": true, "slides": true,
	"thesis": true, "proefschrift": true, "masterproef": true, "dissertation": true, "scriptie": true,
	"handleiding": true, "manual": true, "boek": true, "book": true, "ressource": true, "electronique": true,
	"bericht": true, "forschungsbericht": true, "and": true, "en": true, "et": true, "und": true,
}

// mediumSuffix finds a trailing bracketed segment of a title.
var mediumSuffix = regexp.MustCompile(`\s*\[([^\[\]]*)\]\s*$`)

// MatchTitle returns the form of a title that records are matched on: NormalizeTitle of the
// title without trailing bracketed medium or genre designations ("… in armoede
// [onderzoeksrapport]" matches "… in armoede"). A bracketed segment is dropped only when every
// word in it is a medium or genre word (mediumWords) and some title is left, so a bracketed
// translation or a title that is all brackets is kept.
func MatchTitle(s string) string {
	for {
		m := mediumSuffix.FindStringSubmatchIndex(s)
		if m == nil || m[0] == 0 {
			break
		}
		words := strings.Fields(NormalizeTitle(s[m[2]:m[3]]))
		if len(words) == 0 {
			break
		}
		for _, w := range words {
			if !mediumWords[w] {
				return NormalizeTitle(s)
			}
		}
		s = s[:m[0]]
	}
	return NormalizeTitle(s)
}

// DedupKey returns a key under which records of the same work collide across exports:
// "doi:<normalised DOI>" when the record has a DOI, else
// "tyf:<normalised title>|<year>|<normalised family name of the first author>" (the first editor
// when there are no authors; particle and family name together, or a corporate name). The title
// is taken as MatchTitle makes it: bracketed medium or genre suffixes are not part of it.
func (r Reference) DedupKey() string {
	if doi := NormalizeDOI(r.DOI); doi != "" {
		return "doi:" + doi
	}
	names := r.Authors
	if len(names) == 0 {
		names = r.Editors
	}
	first := ""
	if len(names) > 0 {
		n := names[0]
		if n.Family != "" {
			first = NormalizeTitle(n.Particle + " " + n.Family)
		} else {
			first = NormalizeTitle(n.Literal)
		}
	}
	return "tyf:" + MatchTitle(r.Title) + "|" + strconv.Itoa(r.Year) + "|" + first
}
