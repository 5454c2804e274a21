package loaders

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

// DedupKey returns a key under which records of the same work collide across exports:
// "doi:<normalised DOI>" when the record has a DOI, else
// "tyf:<normalised title>|<year>|<normalised family name of the first author>" (the first editor
// when there are no authors; particle and family name together, or a corporate name).
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
	return "tyf:" + NormalizeTitle(r.Title) + "|" + strconv.Itoa(r.Year) + "|" + first
}
