package resolvers

import (
	"context"
	"encoding/json"
	"fmt"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"kring/graph"
)

// costExt is the complexity limit: gqlgen's per-field estimate (complexity in limits.go) for
// everything but matrices, plus what each matrix really costs. A matrix's size depends on the
// knowledge base and its arguments, not on the query's shape: METHOD × OUTCOME has a few cells
// on the bundled knowledge base and over 100,000 on a large one. So its cells are counted: the
// matrix is computed (one pass over the claims, cached for the read model, so the resolver
// reuses it; at most expensiveFields["matrix"] per request) and each part of its selection costs
// its real number of elements times the cost of one element: rows and columns their values,
// cells the non-empty cells, gapCells the empty ones, table a hundredth of a unit per column and
// cell (it is sent as compact columns: METHOD × OUTCOME on the large KB, 135,814 cells, is 6.3
// MB and 41 ms as a table, 28.5 MB and 812 ms as cell objects).
type costExt struct {
	limit int
	store *graph.Store
	es    graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &costExt{}

func (*costExt) ExtensionName() string { return "KringCost" }

func (c *costExt) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

func (c *costExt) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if c.limit <= 0 || oc.Operation == nil {
		return nil
	}
	total := gqlcomplexity.Calculate(ctx, c.es, oc.Operation, oc.Variables) // matrices count 0 there
	var walk func(ss ast.SelectionSet)
	walk = func(ss ast.SelectionSet) {
		for _, sel := range ss {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name == "matrix" && s.ObjectDefinition != nil && s.ObjectDefinition.Name == "Query" {
					total = sat(total, c.matrixCost(ctx, s, oc.Variables))
				}
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(oc.Operation.SelectionSet)
	oc.Stats.SetExtension("KringCost", total)
	if total > c.limit {
		return limitError("COMPLEXITY_LIMIT_EXCEEDED", fmt.Sprintf("operation has complexity %s, which exceeds the limit of %d", countText(total), c.limit))
	}
	return nil
}

// matrixCost is what one matrix field costs with its real sizes; 0 when its arguments are
// refused (the resolver reports why).
func (c *costExt) matrixCost(ctx context.Context, f *ast.Field, vars map[string]any) int {
	args := f.ArgumentMap(vars)
	rows, _ := args["rows"].(string)
	cols, _ := args["columns"].(string)
	var filter *graph.ClaimFilter
	if raw, ok := args["filter"].(map[string]any); ok {
		// The validated input object, decoded as the resolver's argument is (enum codes are
		// strings; field names match graph.ClaimFilter's, which JSON matches ignoring case).
		b, err := json.Marshal(raw)
		if err == nil {
			filter = &graph.ClaimFilter{}
			if json.Unmarshal(b, filter) != nil {
				return 0
			}
		}
	}
	m, err := c.store.Matrix(ctx, graph.Axis(rows), graph.Axis(cols), filter)
	if err != nil {
		return 0
	}
	cost := 10
	var part func(ss ast.SelectionSet)
	part = func(ss ast.SelectionSet) {
		for _, sel := range ss {
			switch s := sel.(type) {
			case *ast.Field:
				one := 1 + gqlcomplexity.Calculate(ctx, c.es, &ast.OperationDefinition{SelectionSet: s.SelectionSet}, vars)
				switch s.Name {
				case "rows":
					cost = sat(cost, len(m.Rows)*one)
				case "columns":
					cost = sat(cost, len(m.Columns)*one)
				case "cells":
					cost = sat(cost, len(m.Cells)*one)
				case "gapCells":
					cost = sat(cost, m.Gaps*one)
				case "table":
					cost = sat(cost, 1+len(m.Cells)*max(1, len(s.SelectionSet))/100)
				default:
					cost = sat(cost, one)
				}
			case *ast.InlineFragment:
				part(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					part(s.Definition.SelectionSet)
				}
			}
		}
	}
	part(f.SelectionSet)
	return cost
}
