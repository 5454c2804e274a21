package resolvers

import (
	"context"
	"fmt"

	"kring/graph"
)

// principalName is the caller's token name ("" when anonymous).
func principalName(ctx context.Context) string {
	if p := PrincipalFrom(ctx); p != nil {
		return p.Name
	}
	return ""
}

func (r *Resolver) history(ctx context.Context, id string) ([]*graph.AuditEntry, error) {
	es, err := r.store.History(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*graph.AuditEntry, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out, nil
}

// auditPage is one page of the audit log (newest first); the cursor is the entry's id.
func auditPage(es []graph.AuditEntry, first *int, after *string) (*AuditConnection, error) {
	n := 50
	if first != nil {
		n = *first
	}
	if n < 0 || n > MaxPage {
		return nil, fmt.Errorf("first must be between 0 and %d: %w", MaxPage, graph.ErrInvalid)
	}
	start := 0
	if after != nil {
		id, err := decodeCursor(*after)
		if err != nil {
			return nil, err
		}
		start = -1
		for i := range es {
			if es[i].ID == id {
				start = i + 1
			}
		}
		if start < 0 {
			return nil, fmt.Errorf("cursor points at %s, which is not in the audit log: %w", graph.ShortID(id), graph.ErrInvalid)
		}
	}
	end := min(start+n, len(es))
	conn := &AuditConnection{Edges: []*AuditEdge{}, TotalCount: len(es),
		PageInfo: &PageInfo{HasNextPage: end < len(es), HasPreviousPage: start > 0}}
	for i := start; i < end; i++ {
		c := cursor(es[i].ID)
		conn.Edges = append(conn.Edges, &AuditEdge{Cursor: c, Node: &es[i]})
		if i == start {
			conn.PageInfo.StartCursor = &c
		}
		if i == end-1 {
			conn.PageInfo.EndCursor = &c
		}
	}
	return conn, nil
}
