package resolvers

import (
	"encoding/base64"
	"fmt"
	"strings"

	"kring/graph"
)

// MaxPage is the largest page a connection serves.
const MaxPage = 500

// DefaultPage is the page size when neither first nor last is given.
const DefaultPage = 100

// cursor encodes a node id as an opaque, stable cursor.
func cursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c:" + id))
}

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "c:") {
		return "", fmt.Errorf("%q is not a cursor of this API: %w", c, graph.ErrInvalid)
	}
	return string(b[2:]), nil
}

// window is one page of a list.
type window[T graph.Node] struct {
	items []T
	info  *PageInfo
	total int
}

// paginate applies Relay arguments to items (in their stable order).
func paginate[T graph.Node](items []T, first *int, after *string, last *int, before *string) (*window[T], error) {
	if first != nil && (*first < 0 || *first > MaxPage) {
		return nil, fmt.Errorf("first must be between 0 and %d: %w", MaxPage, graph.ErrInvalid)
	}
	if last != nil && (*last < 0 || *last > MaxPage) {
		return nil, fmt.Errorf("last must be between 0 and %d: %w", MaxPage, graph.ErrInvalid)
	}
	start, end := 0, len(items)
	find := func(c string) (int, error) {
		id, err := decodeCursor(c)
		if err != nil {
			return 0, err
		}
		for i, it := range items {
			if it.NodeID() == id {
				return i, nil
			}
		}
		return 0, fmt.Errorf("cursor points at %s, which is not in this list: %w", graph.ShortID(id), graph.ErrInvalid)
	}
	if after != nil {
		i, err := find(*after)
		if err != nil {
			return nil, err
		}
		start = i + 1
	}
	if before != nil {
		i, err := find(*before)
		if err != nil {
			return nil, err
		}
		end = i
	}
	if end < start {
		end = start
	}
	hasNext, hasPrev := end < len(items), start > 0
	switch {
	case first != nil:
		if end-start > *first {
			end = start + *first
			hasNext = true
		}
	case last != nil:
		if end-start > *last {
			start = end - *last
			hasPrev = true
		}
	default:
		if end-start > DefaultPage {
			end = start + DefaultPage
			hasNext = true
		}
	}
	w := &window[T]{items: items[start:end], total: len(items), info: &PageInfo{HasNextPage: hasNext, HasPreviousPage: hasPrev}}
	if len(w.items) > 0 {
		s, e := cursor(w.items[0].NodeID()), cursor(w.items[len(w.items)-1].NodeID())
		w.info.StartCursor, w.info.EndCursor = &s, &e
	}
	return w, nil
}

func methodConnection(items []*graph.Method, first *int, after *string, last *int, before *string) (*MethodConnection, error) {
	w, err := paginate(items, first, after, last, before)
	if err != nil {
		return nil, err
	}
	c := &MethodConnection{TotalCount: w.total, PageInfo: w.info, Nodes: w.items, Edges: make([]*MethodEdge, len(w.items))}
	for i, n := range w.items {
		c.Edges[i] = &MethodEdge{Cursor: cursor(n.ID), Node: n}
	}
	return c, nil
}

func workModelConnection(items []*graph.WorkModel, first *int, after *string, last *int, before *string) (*WorkModelConnection, error) {
	w, err := paginate(items, first, after, last, before)
	if err != nil {
		return nil, err
	}
	c := &WorkModelConnection{TotalCount: w.total, PageInfo: w.info, Nodes: w.items, Edges: make([]*WorkModelEdge, len(w.items))}
	for i, n := range w.items {
		c.Edges[i] = &WorkModelEdge{Cursor: cursor(n.ID), Node: n}
	}
	return c, nil
}

func claimConnection(items []*graph.OutcomeClaim, first *int, after *string, last *int, before *string) (*ClaimConnection, error) {
	w, err := paginate(items, first, after, last, before)
	if err != nil {
		return nil, err
	}
	c := &ClaimConnection{TotalCount: w.total, PageInfo: w.info, Nodes: w.items, Edges: make([]*ClaimEdge, len(w.items))}
	for i, n := range w.items {
		c.Edges[i] = &ClaimEdge{Cursor: cursor(n.ID), Node: n}
	}
	return c, nil
}

func outcomeConnection(items []*graph.Outcome, first *int, after *string, last *int, before *string) (*OutcomeConnection, error) {
	w, err := paginate(items, first, after, last, before)
	if err != nil {
		return nil, err
	}
	c := &OutcomeConnection{TotalCount: w.total, PageInfo: w.info, Nodes: w.items, Edges: make([]*OutcomeEdge, len(w.items))}
	for i, n := range w.items {
		c.Edges[i] = &OutcomeEdge{Cursor: cursor(n.ID), Node: n}
	}
	return c, nil
}

func preconditionConnection(items []*graph.Precondition, first *int, after *string, last *int, before *string) (*PreconditionConnection, error) {
	w, err := paginate(items, first, after, last, before)
	if err != nil {
		return nil, err
	}
	c := &PreconditionConnection{TotalCount: w.total, PageInfo: w.info, Nodes: w.items, Edges: make([]*PreconditionEdge, len(w.items))}
	for i, n := range w.items {
		c.Edges[i] = &PreconditionEdge{Cursor: cursor(n.ID), Node: n}
	}
	return c, nil
}

func sourceConnection(items []*graph.Source, first *int, after *string, last *int, before *string) (*SourceConnection, error) {
	w, err := paginate(items, first, after, last, before)
	if err != nil {
		return nil, err
	}
	c := &SourceConnection{TotalCount: w.total, PageInfo: w.info, Nodes: w.items, Edges: make([]*SourceEdge, len(w.items))}
	for i, n := range w.items {
		c.Edges[i] = &SourceEdge{Cursor: cursor(n.ID), Node: n}
	}
	return c, nil
}
