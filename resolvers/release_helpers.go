package resolvers

import (
	"context"
	"fmt"
	"sort"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"kring/graph"
)

// changeItems is one page of a TypeChange's items (sorted by id): at most first after the id
// after.
func changeItems(items []*graph.ChangeItem, first *int, after *string) ([]*graph.ChangeItem, error) {
	n := DefaultPage
	if first != nil {
		if *first < 0 || *first > MaxPage {
			return nil, fmt.Errorf("first must be between 0 and %d: %w", MaxPage, graph.ErrInvalid)
		}
		n = *first
	}
	start := 0
	if after != nil {
		id := graph.FullID(*after)
		start = sort.Search(len(items), func(i int) bool { return items[i].ID > id })
	}
	end := min(start+n, len(items))
	return items[start:end], nil
}

// asOf is the @asOf operation directive: the operation reads the release's read model
// (graph.Store.PinRelease); a mutation under it is refused, since a release is read-only.
func (r *Resolver) asOf(ctx context.Context, _ any, next graphql.Resolver, release string) (any, error) {
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation != ast.Query {
		return nil, fmt.Errorf("@asOf(release: %q) on a %s: a release is read-only: %w", release, oc.Operation.Operation, graph.ErrInvalid)
	}
	rctx, err := r.store.PinRelease(ctx, release)
	if err != nil {
		return nil, err
	}
	return next(rctx)
}

// asOfParamExt refuses a mutation in a request pinned to a release by the asOf URL parameter
// (GET or POST /graphql?asOf=NAME, handler.go): a release is read-only. (The @asOf directive
// checks this itself.)
type asOfParamExt struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = asOfParamExt{}

func (asOfParamExt) ExtensionName() string                   { return "KringAsOf" }
func (asOfParamExt) Validate(graphql.ExecutableSchema) error { return nil }

func (asOfParamExt) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if rel := graph.PinnedRelease(ctx); rel != "" && oc.Operation != nil && oc.Operation.Operation != ast.Query {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("asOf=%s on a %s: a release is read-only", rel, oc.Operation.Operation),
			Extensions: map[string]any{"code": CodeBadUserInput},
		}
	}
	return nil
}
