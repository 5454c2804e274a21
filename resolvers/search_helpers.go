package resolvers

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"kring/graph"
)

// DefaultSearchPage is the page size of search when first is not given.
const DefaultSearchPage = 20

// searchCursor encodes a position in a ranked hit list. Search results have no stable order
// between writes, so their cursors are offsets (prefix "s:"), unlike the id cursors of
// connections.
func searchCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s:" + strconv.Itoa(offset)))
}

func decodeSearchCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && strings.HasPrefix(string(b), "s:") {
		if n, err := strconv.Atoi(string(b[2:])); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%q is not a search cursor of this API: %w", c, graph.ErrInvalid)
}

// search runs Query.search: it validates the page arguments, asks the store, and loads the
// hit nodes through the request's dataloader (a hit whose node has gone in between is left
// out; the cursors of the others keep their positions).
func search(ctx context.Context, st *graph.Store, text string, lang *graph.Lang, types []graph.NodeType, first *int, after *string) (*SearchResults, error) {
	q := graph.SearchQuery{Text: text, Types: types, Limit: DefaultSearchPage}
	if lang != nil {
		q.Lang = *lang
	}
	if first != nil {
		if *first < 0 || *first > graph.MaxSearchPage {
			return nil, fmt.Errorf("first must be between 0 and %d: %w", graph.MaxSearchPage, graph.ErrInvalid)
		}
		q.Limit = *first
	}
	if after != nil {
		n, err := decodeSearchCursor(*after)
		if err != nil {
			return nil, err
		}
		q.Offset = n + 1
	}
	res, err := st.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	ns, err := nodes[graph.Node](ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]graph.Node, len(ns))
	for _, n := range ns {
		byID[n.NodeID()] = n
	}
	out := &SearchResults{
		TotalCount: res.Total,
		PageInfo:   &PageInfo{HasNextPage: q.Offset+len(res.Hits) < res.Total, HasPreviousPage: q.Offset > 0},
		Edges:      []*SearchEdge{},
		Nodes:      []graph.Node{},
		Facets:     &res.Facets,
	}
	for i, h := range res.Hits {
		n := byID[h.ID]
		if n == nil {
			continue
		}
		out.Edges = append(out.Edges, &SearchEdge{Cursor: searchCursor(q.Offset + i), Node: n, Score: h.Score, Highlights: h.Highlights})
		out.Nodes = append(out.Nodes, n)
	}
	if len(out.Edges) > 0 {
		s, e := out.Edges[0].Cursor, out.Edges[len(out.Edges)-1].Cursor
		out.PageInfo.StartCursor, out.PageInfo.EndCursor = &s, &e
	}
	return out, nil
}
