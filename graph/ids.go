package graph

import (
	"context"
	"fmt"
	"sort"
)

// IDs returns the ids of every node of the given types, sorted.
func (s *Store) IDs(ctx context.Context, types ...NodeType) ([]string, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range types {
		out = append(out, ix.byType[t]...)
	}
	sort.Strings(out)
	return out, nil
}

// NodeID returns the full id a node spec gets: its own, or for a nested node (a method's
// work-model assignment, actor involvement, ...) the one the store derives from its subject and
// key fields. Importers use it to merge specs that the store would see as one node.
func NodeID(n *NodeSpec) (string, error) {
	spec := TypeOf(n.Type)
	if spec == nil {
		return "", fmt.Errorf("graph: unknown node type %q: %w", n.Type, ErrInvalid)
	}
	id, msg := nodeID(n, spec)
	if msg != "" {
		return "", fmt.Errorf("graph: %s: %w", msg, ErrInvalid)
	}
	return id, nil
}
