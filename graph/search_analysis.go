package graph

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/apostrophe"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// Text analysis for search: one analyser per language, both folding diacritics.
//
//	kring_nl: unicode words → strip from the apostrophe on (buddy's → buddy) → lowercase →
//	          fold diacritics (financiële → financiele) → Dutch stop words → Dutch Snowball stemmer
//	kring_en: unicode words → strip possessive 's → lowercase → fold → English stop words →
//	          English Snowball (Porter2) stemmer
//
// Folding is a token filter, not a character filter, so that token offsets keep pointing into
// the original text: highlights are computed from those offsets.

const (
	analyzerNL = "kring_nl"
	analyzerEN = "kring_en"
	foldFilter = "kring_fold"
)

// bleve looks analysers and filters up by name in a process-wide registry; registering the fold
// filter once, here, is how bleve is meant to be extended (and how an index persisted on disk
// finds it again when it is reopened).
func init() {
	if err := registry.RegisterTokenFilter(foldFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldTokens{}, nil
	}); err != nil {
		panic(err)
	}
}

// analyzerConfigs are the custom analysers of the search mapping.
var analyzerConfigs = map[string]map[string]any{
	analyzerNL: {
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{apostrophe.Name, lowercase.Name, foldFilter, nl.StopName, nl.SnowballStemmerName},
	},
	analyzerEN: {
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{en.PossessiveName, lowercase.Name, foldFilter, en.StopName, en.SnowballStemmerName},
	},
}

// foldTokens strips diacritics from terms ("één" → "een", "financiële" → "financiele").
type foldTokens struct{}

var ligatures = strings.NewReplacer("ĳ", "ij", "Ĳ", "ij", "ß", "ss", "æ", "ae", "Æ", "ae", "œ", "oe", "Œ", "oe", "ø", "o", "Ø", "o", "ł", "l", "Ł", "l")

func (foldTokens) Filter(ts analysis.TokenStream) analysis.TokenStream {
	for _, t := range ts {
		if !isASCII(t.Term) {
			t.Term = []byte(Fold(ligatures.Replace(string(t.Term))))
		}
	}
	return ts
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// termMatcher tells which analysed terms a query matches: its own terms exactly, and words that
// start with one of its longer terms (Dutch compounds: "buddy" matches "buddytraject").
type termMatcher struct {
	exact    map[string]bool
	prefixes []string
}

// minPrefix is the shortest query term (in runes) that also matches as a prefix.
const minPrefix = 4

func newTermMatcher(a analysis.Analyzer, text string) *termMatcher {
	m := &termMatcher{exact: map[string]bool{}}
	for _, t := range a.Analyze([]byte(text)) {
		term := string(t.Term)
		if term == "" || m.exact[term] {
			continue
		}
		m.exact[term] = true
		if utf8.RuneCountInString(term) >= minPrefix {
			m.prefixes = append(m.prefixes, term)
		}
	}
	return m
}

func (m *termMatcher) matches(term string) bool {
	if m.exact[term] {
		return true
	}
	for _, p := range m.prefixes {
		if strings.HasPrefix(term, p) {
			return true
		}
	}
	return false
}

// span is a byte range of a text.
type span struct{ start, end int }

// matchSpans returns the byte ranges of the words of text that m matches under analyser a, in
// order and without overlap.
func matchSpans(a analysis.Analyzer, m *termMatcher, text string) []span {
	var out []span
	for _, t := range a.Analyze([]byte(text)) {
		if m.matches(string(t.Term)) {
			out = append(out, span{t.Start, t.End})
		}
	}
	return out
}

// mergeSpans sorts spans and joins overlapping ones.
func mergeSpans(ss []span) []span {
	if len(ss) < 2 {
		return ss
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].start < ss[j].start })
	out := ss[:1]
	for _, s := range ss[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Highlight fragments.
const (
	fragmentSize   = 200 // bytes of text around the marks, at most (longer texts are cut)
	fragmentBefore = 60  // bytes of context kept before the first mark of a fragment
	maxFragments   = 3   // per field
	markOpen       = "<mark>"
	markClose      = "</mark>"
	ellipsis       = "…"
)

// fragments renders text around the marked spans: HTML-escaped, the matched words wrapped in
// <mark>…</mark>, cut at word boundaries with "…" where text was left out. A text of at most
// fragmentSize bytes is one fragment.
func fragments(text string, marks []span) []string {
	if len(marks) == 0 {
		return nil
	}
	if len(text) <= fragmentSize {
		return []string{render(text, 0, len(text), marks)}
	}
	var out []string
	for i := 0; i < len(marks) && len(out) < maxFragments; {
		start := wordStart(text, max(0, marks[i].start-fragmentBefore))
		end := wordEnd(text, min(len(text), start+fragmentSize))
		if end < marks[i].end {
			end = marks[i].end
		}
		j := i
		for j < len(marks) && marks[j].end <= end {
			j++
		}
		if j == i { // a mark straddles end: take it whole
			end, j = marks[i].end, i+1
		}
		var b strings.Builder
		if start > 0 {
			b.WriteString(ellipsis)
		}
		b.WriteString(strings.TrimSpace(render(text, start, end, marks[i:j])))
		if end < len(text) {
			b.WriteString(ellipsis)
		}
		out = append(out, b.String())
		i = j
	}
	return out
}

// render escapes text[start:end] and wraps the marked spans (which lie inside it).
func render(text string, start, end int, marks []span) string {
	var b strings.Builder
	at := start
	for _, m := range marks {
		if m.start < at || m.end > end {
			continue
		}
		b.WriteString(html.EscapeString(text[at:m.start]))
		b.WriteString(markOpen)
		b.WriteString(html.EscapeString(text[m.start:m.end]))
		b.WriteString(markClose)
		at = m.end
	}
	b.WriteString(html.EscapeString(text[at:end]))
	return b.String()
}

// wordStart moves i forward to the start of a word (after a space), unless i is 0 or no space
// is near.
func wordStart(text string, i int) int {
	if i == 0 {
		return 0
	}
	for j := i; j < len(text) && j < i+20; j++ {
		if text[j] == ' ' {
			return j + 1
		}
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	return i
}

// wordEnd moves i back to the end of a word (before a space), unless i is the end of text or
// no space is near.
func wordEnd(text string, i int) int {
	if i >= len(text) {
		return len(text)
	}
	for j := i; j > 0 && j > i-20; j-- {
		if text[j] == ' ' {
			return j
		}
	}
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}
