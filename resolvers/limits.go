package resolvers

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"kring/graph"
)

// Limits bound what one request may ask.
type Limits struct {
	MaxDepth      int // nesting of selection sets
	MaxAliases    int // aliased fields in one operation
	MaxComplexity int // see complexity below
}

// DefaultLimits are generous for the explorer and analysts, and stop runaway queries early.
var DefaultLimits = Limits{MaxDepth: 12, MaxAliases: 30, MaxComplexity: 50000}

// limitsExt rejects operations that nest too deep or use too many aliases, before execution.
type limitsExt struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limitsExt{}

func (limitsExt) ExtensionName() string                   { return "KringLimits" }
func (limitsExt) Validate(graphql.ExecutableSchema) error { return nil }
func (l limitsExt) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	aliases := 0
	depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, &aliases, 0, map[string]bool{})
	if l.MaxDepth > 0 && depth > l.MaxDepth {
		return limitError("QUERY_TOO_DEEP", fmt.Sprintf("the query nests %d levels deep; the limit is %d", depth, l.MaxDepth))
	}
	if l.MaxAliases > 0 && aliases > l.MaxAliases {
		return limitError("TOO_MANY_ALIASES", fmt.Sprintf("the query uses %d aliases; the limit is %d", aliases, l.MaxAliases))
	}
	return nil
}

func limitError(reason, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeBadUserInput, "reason": reason}}
}

func selectionDepth(ss ast.SelectionSet, frags ast.FragmentDefinitionList, aliases *int, depth int, visiting map[string]bool) int {
	max := depth
	for _, sel := range ss {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				*aliases++
			}
			if len(s.SelectionSet) == 0 {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, frags, aliases, depth+1, visiting)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, aliases, depth, visiting)
		case *ast.FragmentSpread:
			if visiting[s.Name] {
				continue // cycles are rejected by validation; don't loop here
			}
			if f := frags.ForName(s.Name); f != nil {
				visiting[s.Name] = true
				d = selectionDepth(f.SelectionSet, frags, aliases, depth, visiting)
				delete(visiting, s.Name)
			}
		}
		if d > max {
			max = d
		}
	}
	return max
}

// pageCost is what one page of a connection multiplies its children by: the page size asked
// for, or an estimate of a typical page when none is given (most related lists are short; the
// default page of 100 would make ordinary nested queries look expensive).
func pageCost(first, last *int) int {
	switch {
	case first != nil:
		return max(1, *first)
	case last != nil:
		return max(1, *last)
	}
	return 20
}

// complexity sets per-field costs: a connection costs its page size times its selection.
func complexity(c *ComplexityRoot) {
	q := &c.Query
	q.Methods = func(child int, _ *graph.MethodFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*pageCost(first, last)
	}
	q.Initiatives = q.Methods
	q.Claims = func(child int, _ *graph.ClaimFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*pageCost(first, last)
	}
	q.Outcomes = func(child int, _ *graph.OutcomeFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*pageCost(first, last)
	}
	q.Preconditions = func(child int, _ *graph.PreconditionFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*pageCost(first, last)
	}
	q.Sources = func(child int, _ *graph.SourceFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*pageCost(first, last)
	}
	q.WorkModels = func(child int, _ *graph.WorkModelFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*pageCost(first, last)
	}
	c.WorkModel.Methods = func(child int, _ *graph.MethodFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + child*pageCost(first, last)
	}
	claims := func(child int, _ *graph.ClaimFilter, first *int, _ *string) int {
		return 1 + child*pageCost(first, nil)
	}
	c.Outcome.Claims = claims // Method.Claims (with its scope): analyticsComplexity
	c.Source.Claims = func(child int, first *int, _ *string) int { return 1 + child*pageCost(first, nil) }
	c.Batch.Sources = c.Source.Claims
	q.Search = func(child int, _ string, _ *graph.Lang, _ []graph.NodeType, first *int, _ *string) int {
		return 1 + child*pageCost(first, nil)
	}
	// Plain lists of related nodes: assume a handful each.
	q.Nodes = func(child int, ids []string) int { return 1 + child*max(1, len(ids)) }
	analyticsComplexity(c)
}
