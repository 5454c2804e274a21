package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Search limits.
const (
	// MaxSearchPage is the largest page Search serves.
	MaxSearchPage = 100
	// MaxSearchText is the longest query text, in characters.
	MaxSearchText = 500
	// maxHighlights is how many fields of one hit are highlighted, at most.
	maxHighlights = 6
)

// SearchQuery is a full-text query.
type SearchQuery struct {
	// Text is plain words (no query syntax); required.
	Text string
	// Lang weighs the fields of that language twice as much as the other language's; ""
	// weighs both equally. Both languages are always searched.
	Lang Lang
	// Types keeps only nodes of these types; empty keeps all.
	Types []NodeType
	// Offset and Limit select the page of hits: Limit 0 returns only the counts and facets.
	Offset, Limit int
}

// SearchResult is one page of hits, ranked by relevance (ties by id), with the total and the
// facet counts over every hit.
type SearchResult struct {
	Total  int
	Hits   []SearchHit
	Facets SearchFacets
}

// SearchHit is a node that matches a query.
type SearchHit struct {
	ID         string
	Type       NodeType
	Score      float64
	Highlights []*SearchHighlight
}

// SearchHighlight shows where a field of a hit matches: fragments of the field's text,
// HTML-escaped, with the matched words wrapped in <mark>…</mark>.
type SearchHighlight struct {
	// Field is the field's name, as in the API ("name", "description", "title", "aliases").
	Field string
	// Lang is the language of the text; nil for text in no particular language (titles, names,
	// aliases).
	Lang      *Lang
	Fragments []string
}

// SearchFacets count the hits by node type, status, source type and work model. Types counts
// ignore the query's type filter (so that a client can show how many hits each type would
// give); the others count the filtered hits. Each list is ordered by count, then value.
type SearchFacets struct {
	Types       []TypeCount
	Statuses    []StatusCount
	SourceTypes []SourceTypeCount
	WorkModels  []WorkModelCount
}

// StatusCount is how many hits have a status.
type StatusCount struct {
	Status Status
	Count  int
}

// SourceTypeCount is how many hits are (for sources) or cite (for other nodes) a source of a
// type.
type SourceTypeCount struct {
	SourceType SourceType
	Count      int
}

// WorkModelCount is how many hits belong to a work model: the work model itself, methods
// assigned to it, and what is said about those (characteristics, claims, ...).
type WorkModelCount struct {
	WorkModelID string
	Count       int
}

// Search runs a full-text query over every node with text (see search_index.go for what is
// indexed). Dutch fields are analysed with a Dutch stemmer, English fields with an English one,
// both folding diacritics; query words also match as prefixes of longer words when they have
// at least four letters, with a lower weight. ErrInvalid when the text is empty or too long,
// or the page is out of range.
func (s *Store) Search(ctx context.Context, q SearchQuery) (*SearchResult, error) {
	text := strings.TrimSpace(q.Text)
	switch {
	case text == "":
		return nil, fmt.Errorf("graph: search: the text is empty: %w", ErrInvalid)
	case utf8.RuneCountInString(text) > MaxSearchText:
		return nil, fmt.Errorf("graph: search: the text is longer than %d characters: %w", MaxSearchText, ErrInvalid)
	case q.Limit < 0 || q.Limit > MaxSearchPage:
		return nil, fmt.Errorf("graph: search: the page size must be between 0 and %d: %w", MaxSearchPage, ErrInvalid)
	case q.Offset < 0:
		return nil, fmt.Errorf("graph: search: negative offset: %w", ErrInvalid)
	}
	if q.Lang != "" && q.Lang != NL && q.Lang != EN {
		return nil, fmt.Errorf("graph: search: unknown language %q: %w", q.Lang, ErrInvalid)
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	si := s.search
	// Synonyms (search_synonyms.go) widen the query, and their words are highlighted too.
	synonyms := synonymsOf(text)
	marked := strings.Join(append([]string{text}, synonyms...), " ")
	matchers := map[Lang]*termMatcher{NL: newTermMatcher(si.nl, marked), EN: newTermMatcher(si.en, marked)}
	textQuery := si.query(text, q.Lang, matchers, synonyms)

	var main query.Query = textQuery
	if len(q.Types) > 0 {
		var ts []query.Query
		for _, t := range q.Types {
			tq := bleve.NewTermQuery(string(t))
			tq.SetField(fType)
			ts = append(ts, tq)
		}
		bq := bleve.NewBooleanQuery()
		bq.AddShould(textQuery)
		bq.AddFilter(bleve.NewDisjunctionQuery(ts...))
		main = bq
	}
	req := bleve.NewSearchRequestOptions(main, q.Limit, q.Offset, false)
	req.SortBy([]string{"-_score", "_id"})
	req.AddFacet(fStatus, bleve.NewFacetRequest(fStatus, 10))
	req.AddFacet(fSourceType, bleve.NewFacetRequest(fSourceType, 50))
	req.AddFacet(fWorkModel, bleve.NewFacetRequest(fWorkModel, 50))
	if len(q.Types) == 0 {
		req.AddFacet(fType, bleve.NewFacetRequest(fType, 50))
	}
	res, err := si.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("graph: search %q: %w", text, err)
	}
	out := &SearchResult{Total: int(res.Total), Hits: []SearchHit{}}
	typeFacet := res.Facets[fType]
	if len(q.Types) > 0 {
		// Type counts over the unfiltered hits.
		treq := bleve.NewSearchRequestOptions(textQuery, 0, 0, false)
		treq.AddFacet(fType, bleve.NewFacetRequest(fType, 50))
		tres, err := si.bi.SearchInContext(ctx, treq)
		if err != nil {
			return nil, fmt.Errorf("graph: search %q: %w", text, err)
		}
		typeFacet = tres.Facets[fType]
	}
	for _, t := range facetTerms(typeFacet) {
		out.Facets.Types = append(out.Facets.Types, TypeCount{Type: NodeType(t.Term), Count: t.Count})
	}
	for _, t := range facetTerms(res.Facets[fStatus]) {
		out.Facets.Statuses = append(out.Facets.Statuses, StatusCount{Status: Status(t.Term), Count: t.Count})
	}
	for _, t := range facetTerms(res.Facets[fSourceType]) {
		out.Facets.SourceTypes = append(out.Facets.SourceTypes, SourceTypeCount{SourceType: SourceType(t.Term), Count: t.Count})
	}
	for _, t := range facetTerms(res.Facets[fWorkModel]) {
		if ix.nodes[t.Term] != nil {
			out.Facets.WorkModels = append(out.Facets.WorkModels, WorkModelCount{WorkModelID: t.Term, Count: t.Count})
		}
	}
	for _, h := range res.Hits {
		n := ix.nodes[h.ID]
		if n == nil {
			continue // removed by a write between the search and the read model it is served from
		}
		out.Hits = append(out.Hits, SearchHit{ID: h.ID, Type: n.typ, Score: h.Score, Highlights: si.highlights(n, matchers, q.Lang)})
	}
	return out, nil
}

// SearchRebuilt reports whether Open built the search index from the store (in-memory stores,
// a missing or stale index) rather than reusing the persisted one.
func (s *Store) SearchRebuilt() bool { return s.search.rebuilt }

// SearchStale reports whether the last update of the search index failed, with its error: the
// index then lags the store until a later write updates it or the next Open rebuilds it.
func (s *Store) SearchStale() (bool, error) {
	var err error
	if p := s.search.lastErr.Load(); p != nil {
		err = *p
	}
	return s.search.stale.Load(), err
}

// Query weights (the field weights are those of textGroups): the preferred language counts
// twice as much as the other; a prefix match (compounds) a sixth of a word match.
const (
	boostLang     = 2.0
	boostPrefix   = 1.0 / 6
	boostSynonym  = 0.5
	maxPrefixTerm = 8 // prefix queries for this many query words at most
)

// query builds the text query: in each text field, the words as analysed by that field's
// language (any of them), plus each longer word of the text as a prefix, plus each synonym (all
// its words in one field) with a lower weight.
func (si *searchIndex) query(text string, lang Lang, matchers map[Lang]*termMatcher, synonyms []string) query.Query {
	var qs []query.Query
	prefixes := map[Lang][]string{}
	for _, l := range searchedLangs {
		prefixes[l] = newTermMatcher(si.analyzer(l), text).prefixes
	}
	for _, l := range searchedLangs {
		lb := 1.0
		if lang == l {
			lb = boostLang
		}
		for _, g := range textGroups {
			f := textField(g, l)
			m := bleve.NewMatchQuery(text)
			m.SetField(f)
			m.SetBoost(g.weight * lb)
			qs = append(qs, m)
			for _, syn := range synonyms {
				sq := bleve.NewMatchQuery(syn)
				sq.SetField(f)
				sq.SetOperator(query.MatchQueryOperatorAnd)
				sq.SetBoost(g.weight * lb * boostSynonym)
				qs = append(qs, sq)
			}
			for i, p := range prefixes[l] {
				if i == maxPrefixTerm {
					break
				}
				pq := bleve.NewPrefixQuery(p)
				pq.SetField(f)
				pq.SetBoost(g.weight * lb * boostPrefix)
				qs = append(qs, pq)
			}
		}
	}
	return bleve.NewDisjunctionQuery(qs...)
}

func facetTerms(f *search.FacetResult) []*search.TermFacet {
	if f == nil || f.Terms == nil {
		return nil
	}
	ts := append([]*search.TermFacet(nil), f.Terms.Terms()...)
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].Count != ts[j].Count {
			return ts[i].Count > ts[j].Count
		}
		return ts[i].Term < ts[j].Term
	})
	return ts
}

// highlights returns the fields of n that match, one per field and language (the values of a
// list such as aliases together), names first, then the preferred language.
func (si *searchIndex) highlights(n *node, matchers map[Lang]*termMatcher, lang Lang) []*SearchHighlight {
	type scored struct {
		h    *SearchHighlight
		rank int
	}
	var hs []*scored
	byField := map[string]*scored{}
	for i, t := range searchTexts(n) {
		var marks []span
		for _, l := range searchedLangs {
			if t.lang == "" || t.lang == l {
				marks = append(marks, matchSpans(si.analyzer(l), matchers[l], t.value)...)
			}
		}
		if len(marks) == 0 {
			continue
		}
		frags := fragments(t.value, mergeSpans(marks))
		key := t.field + "/" + string(t.lang)
		if h := byField[key]; h != nil {
			if room := maxFragments - len(h.h.Fragments); room > 0 {
				h.h.Fragments = append(h.h.Fragments, frags[:min(room, len(frags))]...)
			}
			continue
		}
		h := &scored{h: &SearchHighlight{Field: t.field, Fragments: frags}, rank: i}
		if !t.name {
			h.rank += 1000
		}
		if t.lang != "" {
			l := t.lang
			h.h.Lang = &l
			if lang != "" && l != lang {
				h.rank += 100
			}
		}
		byField[key] = h
		hs = append(hs, h)
	}
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].rank < hs[j].rank })
	out := []*SearchHighlight{}
	for i, h := range hs {
		if i == maxHighlights {
			break
		}
		out = append(out, h.h)
	}
	return out
}
