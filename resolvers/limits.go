package resolvers

import (
	"context"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"kring/graph"
)

// Limits bound what one request may ask. All but MaxComplexity are measured on the parsed
// document before gqlparser validates it (validation is quadratic in the fields of a selection
// set, and fragment spreads multiply what it visits), so an oversized request is refused for
// the price of lexing and parsing it once.
type Limits struct {
	MaxDepth      int // nesting of selection sets, introspection (__schema, __type) apart
	MaxAliases    int // aliased fields in one operation, fragments expanded
	MaxComplexity int // see complexity below; checked after validation, by gqlgen
	// MaxIntrospectionDepth bounds the nesting inside __schema and __type (GraphiQL's
	// introspection query nests 13 levels from the root).
	MaxIntrospectionDepth int
	MaxTokens             int // lexical tokens in the document
	MaxSelections         int // fields, fragment spreads and inline fragments as written
	MaxExpandedFields     int // fields once every fragment spread is replaced by its fragment
	MaxStringLength       int // characters in one string argument or variable value
	MaxQueryBytes         int // bytes of the document (multipart requests may carry more body)
}

// DefaultLimits are generous for the explorer, GraphiQL and analysts, and stop runaway queries
// before any expensive work. The explorer's largest document has under 200 selections.
var DefaultLimits = Limits{
	MaxDepth: 12, MaxAliases: 30, MaxComplexity: 50000,
	MaxIntrospectionDepth: 16,
	MaxTokens:             10000,
	MaxSelections:         1500,
	MaxExpandedFields:     5000,
	MaxStringLength:       2000,
	MaxQueryBytes:         1 << 20,
}

// expensiveFields caps how often one request may ask the analytical root fields, whatever
// their aliases (every copy costs a full scan or a large answer).
var expensiveFields = map[string]int{"matrix": 2, "paths": 2, "compare": 2, "claimStats": 4, "findMethods": 4, "search": 4}

// expensiveNames is expensiveFields' keys in a fixed order (indexes into cost.expensive).
var expensiveNames = func() []string {
	var ns []string
	for n := range expensiveFields {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}()

// Refusal reasons (extensions.reason, with code BAD_USER_INPUT).
const (
	ReasonTooManyTokens     = "TOO_MANY_TOKENS"
	ReasonTooManySelections = "TOO_MANY_SELECTIONS"
	ReasonFragmentsTooLarge = "FRAGMENTS_TOO_LARGE"
	ReasonQueryTooDeep      = "QUERY_TOO_DEEP"
	ReasonTooManyAliases    = "TOO_MANY_ALIASES"
	ReasonTooManyExpensive  = "TOO_MANY_EXPENSIVE_FIELDS"
	ReasonArgumentTooLong   = "ARGUMENT_TOO_LONG"
	ReasonRequestTooLarge   = "REQUEST_TOO_LARGE"
	ReasonUploadNotMutation = "UPLOAD_NOT_A_MUTATION"
)

// limitsExt measures a request's document before the executor parses and validates it.
type limitsExt struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = limitsExt{}

func (limitsExt) ExtensionName() string                   { return "KringLimits" }
func (limitsExt) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters runs after automatic persisted queries have resolved the query text
// (the extension is registered after them) and before parsing and validation.
func (l limitsExt) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if err := l.checkVariables(p.Variables); err != nil {
		return err
	}
	if p.Query == "" {
		return nil // a persisted-query miss: the executor answers it
	}
	doc, err := l.measure(p.Query)
	if err != nil {
		return err
	}
	if isUpload(ctx) && doc != nil {
		// A multipart body may exceed the usual limit only to carry files to a mutation.
		if op := doc.Operations.ForName(p.OperationName); op != nil && op.Operation != ast.Mutation {
			return limitError(ReasonUploadNotMutation, "multipart requests may only carry mutations (file uploads): send queries as JSON or GET")
		}
	}
	return nil
}

func limitError(reason, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeBadUserInput, "reason": reason}}
}

// measure checks a document against the limits: its size, then its tokens (counted by
// gqlparser's lexer, stopping at the limit), then, on the parsed document, its selections, the
// size, depth and aliases of its operations with fragments expanded (computed once per fragment,
// never by expanding), the analytical fields it asks, and its string arguments. A document that
// does not lex or parse is returned as nil, nil: the executor reports the syntax error.
func (l Limits) measure(query string) (*ast.QueryDocument, *gqlerror.Error) {
	if l.MaxQueryBytes > 0 && len(query) > l.MaxQueryBytes {
		return nil, limitError(ReasonRequestTooLarge, fmt.Sprintf("the query is %d bytes long; the limit is %d", len(query), l.MaxQueryBytes))
	}
	if l.MaxTokens > 0 {
		lx := lexer.New(&ast.Source{Input: query})
		for n := 0; ; n++ {
			tok, err := lx.ReadToken()
			if err != nil {
				return nil, nil
			}
			if tok.Kind == lexer.EOF {
				break
			}
			if n >= l.MaxTokens {
				return nil, limitError(ReasonTooManyTokens, fmt.Sprintf("the query has more than %d tokens", l.MaxTokens))
			}
		}
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil || doc == nil {
		return nil, nil
	}
	sel, serr := l.walkSyntax(doc)
	if serr != nil {
		return doc, serr
	}
	if l.MaxSelections > 0 && sel > l.MaxSelections {
		return doc, limitError(ReasonTooManySelections, fmt.Sprintf("the query has %d selections; the limit is %d", sel, l.MaxSelections))
	}
	m := &measurer{frags: doc.Fragments, memo: map[memoKey]*cost{}, visiting: map[memoKey]bool{}}
	for _, op := range doc.Operations {
		c := m.selections(op.SelectionSet, true)
		switch {
		case l.MaxExpandedFields > 0 && c.size > l.MaxExpandedFields:
			return doc, limitError(ReasonFragmentsTooLarge, fmt.Sprintf("with its fragments expanded the query has %s fields; the limit is %d", countText(c.size), l.MaxExpandedFields))
		case l.MaxDepth > 0 && c.depth > l.MaxDepth:
			return doc, limitError(ReasonQueryTooDeep, fmt.Sprintf("the query nests %d levels deep; the limit is %d", c.depth, l.MaxDepth))
		case l.MaxIntrospectionDepth > 0 && c.introDepth > l.MaxIntrospectionDepth:
			return doc, limitError(ReasonQueryTooDeep, fmt.Sprintf("the introspection query nests %d levels deep; the limit is %d", c.introDepth, l.MaxIntrospectionDepth))
		case l.MaxAliases > 0 && c.aliases > l.MaxAliases:
			return doc, limitError(ReasonTooManyAliases, fmt.Sprintf("the query uses %s aliases; the limit is %d", countText(c.aliases), l.MaxAliases))
		}
		for i, name := range expensiveNames {
			if n, max := c.expensive[i], expensiveFields[name]; n > max {
				return doc, limitError(ReasonTooManyExpensive, fmt.Sprintf("the query asks %s %s times; the limit is %d per request", name, countText(n), max))
			}
		}
	}
	return doc, nil
}

// saturated is where counts stop growing (fragment spreads can multiply them beyond int64).
const saturated = 1 << 40

func countText(n int) string {
	if n >= saturated {
		return "more than a trillion"
	}
	return fmt.Sprint(n)
}

func sat(a, b int) int { return min(a+b, saturated) }

// cost is what a selection set costs once its fragments are expanded.
type cost struct {
	size       int // fields
	depth      int // deepest nesting of fields outside introspection
	introDepth int // deepest nesting of fields under __schema and __type, from the root
	aliases    int
	expensive  []int // root fields of expensiveNames, by index
}

func (c *cost) add(o *cost) {
	c.size = sat(c.size, o.size)
	c.aliases = sat(c.aliases, o.aliases)
	c.depth = max(c.depth, o.depth)
	c.introDepth = max(c.introDepth, o.introDepth)
	for i := range c.expensive {
		c.expensive[i] = sat(c.expensive[i], o.expensive[i])
	}
}

type memoKey struct {
	name string
	root bool
}

// measurer computes costs with one entry per fragment (and whether it is spread at the root):
// a document of n fragments costs O(its size) whatever the spreads multiply to.
type measurer struct {
	frags    ast.FragmentDefinitionList
	memo     map[memoKey]*cost
	visiting map[memoKey]bool
}

func (m *measurer) newCost() *cost { return &cost{expensive: make([]int, len(expensiveNames))} }

// selections returns the cost of ss; root tells whether ss is an operation's root selection set.
func (m *measurer) selections(ss ast.SelectionSet, root bool) *cost {
	c := m.newCost()
	for _, sel := range ss {
		switch s := sel.(type) {
		case *ast.Field:
			child := m.selections(s.SelectionSet, false)
			f := m.newCost()
			f.size = sat(1, child.size)
			f.aliases = child.aliases
			if s.Alias != "" && s.Alias != s.Name {
				f.aliases = sat(f.aliases, 1)
			}
			if s.Name == "__schema" || s.Name == "__type" {
				f.introDepth = 1 + max(child.depth, child.introDepth)
			} else {
				f.depth = 1 + child.depth
				if child.introDepth > 0 {
					f.introDepth = 1 + child.introDepth
				}
			}
			if root {
				for i, n := range expensiveNames {
					if n == s.Name {
						f.expensive[i] = 1
					}
				}
			}
			c.add(f)
		case *ast.InlineFragment:
			c.add(m.selections(s.SelectionSet, root))
		case *ast.FragmentSpread:
			c.add(m.fragment(s.Name, root))
		}
	}
	return c
}

func (m *measurer) fragment(name string, root bool) *cost {
	k := memoKey{name, root}
	if c := m.memo[k]; c != nil {
		return c
	}
	f := m.frags.ForName(name)
	if f == nil || m.visiting[k] {
		return m.newCost() // unknown fragments and cycles: validation rejects them
	}
	m.visiting[k] = true
	c := m.selections(f.SelectionSet, root)
	delete(m.visiting, k)
	m.memo[k] = c
	return c
}

// walkSyntax counts the selections of a document as written and checks its string arguments
// (and variable defaults): none longer than MaxStringLength, and filters' text fields no longer
// than graph.MaxTextFilter characters.
func (l Limits) walkSyntax(doc *ast.QueryDocument) (int, *gqlerror.Error) {
	n := 0
	var err *gqlerror.Error
	var walk func(ss ast.SelectionSet)
	args := func(as ast.ArgumentList) {
		for _, a := range as {
			if err == nil {
				err = l.checkValue(a.Name, a.Value)
			}
		}
	}
	dirs := func(ds ast.DirectiveList) {
		for _, d := range ds {
			args(d.Arguments)
		}
	}
	walk = func(ss ast.SelectionSet) {
		for _, sel := range ss {
			n++
			switch s := sel.(type) {
			case *ast.Field:
				args(s.Arguments)
				dirs(s.Directives)
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				dirs(s.Directives)
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				dirs(s.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		for _, v := range op.VariableDefinitions {
			if err == nil && v.DefaultValue != nil {
				err = l.checkValue(v.Variable, v.DefaultValue)
			}
		}
		dirs(op.Directives)
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		dirs(f.Directives)
		walk(f.SelectionSet)
	}
	return n, err
}

// checkValue checks the strings in a literal argument value; field is set inside input objects.
func (l Limits) checkValue(name string, v *ast.Value) *gqlerror.Error {
	return l.checkLiteral(name, v, false)
}

func (l Limits) checkLiteral(name string, v *ast.Value, field bool) *gqlerror.Error {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		return l.checkString(name, v.Raw, field)
	case ast.ListValue, ast.ObjectValue:
		for _, c := range v.Children {
			n, f := name, field
			if v.Kind == ast.ObjectValue {
				n, f = c.Name, true
			}
			if err := l.checkLiteral(n, c.Value, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkString refuses a string over MaxStringLength characters, a text filter (an input
// object's text field, as in filter: {text: …}) over graph.MaxTextFilter and the search text
// (or any variable named or holding text: its type is not known before validation) over
// graph.MaxSearchText.
func (l Limits) checkString(name, s string, field bool) *gqlerror.Error {
	if l.MaxStringLength <= 0 {
		return nil
	}
	max := l.MaxStringLength
	switch {
	case name == "text" && field:
		max = graph.MaxTextFilter
	case name == "text":
		max = graph.MaxSearchText
	}
	if len(s) > max && utf8.RuneCountInString(s) > max {
		return limitError(ReasonArgumentTooLong, fmt.Sprintf("%s: the string is %d characters long; the limit is %d", name, utf8.RuneCountInString(s), max))
	}
	return nil
}

// checkVariables applies checkString to every string in the variables.
func (l Limits) checkVariables(vars map[string]any) *gqlerror.Error {
	var check func(name string, v any) *gqlerror.Error
	check = func(name string, v any) *gqlerror.Error {
		switch x := v.(type) {
		case string:
			return l.checkString(name, x, false)
		case []any:
			for _, e := range x {
				if err := check(name, e); err != nil {
					return err
				}
			}
		case map[string]any:
			for k, e := range x {
				if err := check(k, e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for k, v := range vars {
		if err := check(k, v); err != nil {
			return err
		}
	}
	return nil
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

// scanCost is what listing every node of some types costs before a page is cut: each is built
// and filtered. Measured on the small generated KB (2 cores): building a source or a method
// takes about 20 µs, a claim about 4 µs, and a complexity unit stands for about 40 µs (50,000
// units ≈ 2 s). So 30 aliased `claims(first: 1) { totalCount }`, which took 2.6 s and 265 MB
// there, are refused, while one list of each type passes on the large KB.
func scanCost(st *graph.Store, perUnit int, types ...graph.NodeType) int {
	return st.TypeSize(types...) / perUnit
}

// complexity sets per-field costs: a connection costs its page size times its selection, and a
// root list the scan behind it (scanCost).
func complexity(c *ComplexityRoot, st *graph.Store) {
	q := &c.Query
	q.Methods = func(child int, _ *graph.MethodFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + scanCost(st, 2, graph.TypeMethod, graph.TypeInitiative) + child*pageCost(first, last)
	}
	q.Initiatives = q.Methods
	q.Claims = func(child int, _ *graph.ClaimFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + scanCost(st, 8, graph.TypeOutcomeClaim) + child*pageCost(first, last)
	}
	q.Outcomes = func(child int, _ *graph.OutcomeFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + scanCost(st, 5, graph.TypeOutcome) + child*pageCost(first, last)
	}
	q.Preconditions = func(child int, _ *graph.PreconditionFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + scanCost(st, 5, graph.TypePrecondition) + child*pageCost(first, last)
	}
	q.Sources = func(child int, _ *graph.SourceFilter, first *int, _ *string, last *int, _ *string) int {
		return 1 + scanCost(st, 2, graph.TypeSource) + child*pageCost(first, last)
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
	// The study's questions, parameters and experiences are unpaged lists: each costs every
	// node it may hold (Method.experiences and WorkModel.experiences are a handful each); the
	// experiences root list is filtered from a scan of them all.
	all := func(t graph.NodeType) func(child int) int {
		return func(child int) int { return 1 + child*max(1, st.TypeSize(t)) }
	}
	q.ResearchQuestions = all(graph.TypeResearchQuestion)
	q.StudyParameters = all(graph.TypeStudyParameter)
	q.Experiences = func(child int, _ *graph.Perspective, _ *string) int {
		return scanCost(st, 5, graph.TypeExperience) + all(graph.TypeExperience)(child)
	}
	c.ResearchQuestion.Experiences = func(child int, _ *graph.Perspective) int { return all(graph.TypeExperience)(child) }
	// releaseDiff compares two read models node by node (a few µs a node); each of its lists
	// holds at most one entry per node type, each entry a page of items.
	q.ReleaseDiff = func(child int, _ string, _ *string) int { return 1 + 2*st.NodeTotal()/8 + child }
	perType := func(child int) int { return 1 + child*len(nodeTypeNames) }
	c.ReleaseDiff.Added, c.ReleaseDiff.Changed, c.ReleaseDiff.Removed = perType, perType, perType
	c.TypeChange.Items = func(child int, first *int, _ *string) int { return 1 + child*pageCost(first, nil) }
	analyticsComplexity(c, st)
}

// nodeTypeNames are the node types of the API (the most entries a releaseDiff list has).
var nodeTypeNames = graph.Types
