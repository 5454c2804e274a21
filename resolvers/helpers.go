package resolvers

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"context"

	"kring/graph"
	"kring/loaders"
)

func nodes[T graph.Node](ctx context.Context, ids []string) ([]T, error) {
	return loaders.All[T](ctx, ids)
}

// optNode loads an optional relation: nil when the id is empty.
func optNode[T graph.Node](ctx context.Context, id string) (T, error) {
	var zero T
	if id == "" {
		return zero, nil
	}
	return loaders.One[T](ctx, id)
}

func sourcesOf(ctx context.Context, b *graph.Base) ([]*graph.Source, error) {
	return nodes[*graph.Source](ctx, b.SourceIDs)
}

func batches(ctx context.Context, b *graph.Base) ([]*graph.Batch, error) {
	return nodes[*graph.Batch](ctx, b.BatchIDs)
}

func characteristics(ctx context.Context, ids []string, kind *graph.CharacteristicKind) ([]*graph.Characteristic, error) {
	cs, err := nodes[*graph.Characteristic](ctx, ids)
	if err != nil || kind == nil {
		return cs, err
	}
	out := cs[:0]
	for _, c := range cs {
		if c.Kind == *kind {
			out = append(out, c)
		}
	}
	return out, nil
}

// nodesOrNull returns the nodes with ids in order; a missing id gives null at its place and a
// NOT_FOUND error with its path, while the others are still returned.
func nodesOrNull(ctx context.Context, st *graph.Store, ids []string) ([]graph.Node, error) {
	ns, errs := st.Nodes(ctx, ids)
	for i, err := range errs {
		if err != nil {
			graphql.AddError(ctx, gqlerror.WrapPath(append(graphql.GetPath(ctx), ast.PathIndex(i)), err))
		}
	}
	return ns, nil
}

func one[T graph.Node](ctx context.Context, id string) (T, error) {
	return loaders.One[T](ctx, id)
}

// experiencesOf loads experiences by id, keeping those of one perspective when it is given.
func experiencesOf(ctx context.Context, ids []string, perspective *graph.Perspective) ([]*graph.Experience, error) {
	es, err := nodes[*graph.Experience](ctx, ids)
	if err != nil || perspective == nil {
		return es, err
	}
	out := es[:0]
	for _, e := range es {
		if e.Perspective == *perspective {
			out = append(out, e)
		}
	}
	return out, nil
}
