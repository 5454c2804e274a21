package resolvers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"kring/graph"
)

// idNode lets paginate page over bare ids, so that only the page's nodes are loaded.
type idNode string

func (i idNode) NodeID() string           { return string(i) }
func (i idNode) NodeType() graph.NodeType { return "" }

// claimConnectionOf pages over claim ids and loads the claims of the page.
func claimConnectionOf(ctx context.Context, ids []string, first *int, after *string) (*ClaimConnection, error) {
	items := make([]idNode, len(ids))
	for i, id := range ids {
		items[i] = idNode(id)
	}
	w, err := paginate(items, first, after, nil, nil)
	if err != nil {
		return nil, err
	}
	page := make([]string, len(w.items))
	for i, id := range w.items {
		page[i] = string(id)
	}
	claims, err := nodes[*graph.OutcomeClaim](ctx, page)
	if err != nil {
		return nil, err
	}
	c := &ClaimConnection{TotalCount: w.total, PageInfo: w.info, Nodes: claims, Edges: make([]*ClaimEdge, len(claims))}
	for i, n := range claims {
		c.Edges[i] = &ClaimEdge{Cursor: cursor(n.ID), Node: n}
	}
	return c, nil
}

// judgements loads a subject's assessments and groups them by criterion and stakeholder group.
func judgements(ctx context.Context, ids []string, groups []graph.StakeholderGroup, onlyDisagreements bool) ([]*graph.StakeholderJudgement, error) {
	as, err := nodes[*graph.Assessment](ctx, ids)
	if err != nil {
		return nil, err
	}
	js := graph.JudgementsByGroup(as, groups)
	if !onlyDisagreements {
		return js, nil
	}
	out := js[:0]
	for _, j := range js {
		if j.Disagreement {
			out = append(out, j)
		}
	}
	return out, nil
}

// evidenceOf summarises the claims a recommendation rests on.
func evidenceOf(ctx context.Context, r *graph.PolicyRecommendation) (*graph.EvidenceSummary, error) {
	claims, err := nodes[*graph.OutcomeClaim](ctx, r.SupportedByIDs)
	if err != nil {
		return nil, err
	}
	return graph.SummarizeEvidence(claims), nil
}

// defaultMaxHops is paths' maxHops when the client sends null.
const defaultMaxHops = 3

func maxHopsOr(n *int) int {
	if n == nil {
		return defaultMaxHops
	}
	return *n
}

// CompareCSV serves GET /compare.csv?ids=a,b[&lang=EN]: the table of Query.compare as a CSV
// download (UTF-8 with a byte-order mark, so that spreadsheets read the accents right). ids may
// also be repeated (?ids=a&ids=b). Errors are plain text: 400 for bad input, 404 for an unknown
// id.
func CompareCSV(st *graph.Store, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ids []string
		for _, v := range r.URL.Query()["ids"] {
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					ids = append(ids, id)
				}
			}
		}
		lang := graph.NL
		switch l := strings.ToUpper(r.URL.Query().Get("lang")); l {
		case "", "NL":
		case "EN":
			lang = graph.EN
		default:
			http.Error(w, fmt.Sprintf("lang must be NL or EN, not %q", l), http.StatusBadRequest)
			return
		}
		table, err := compareTable(r.Context(), st, ids, lang)
		if err != nil {
			code, msg := classify(err)
			status := http.StatusInternalServerError
			switch code {
			case CodeBadUserInput:
				status = http.StatusBadRequest
			case CodeNotFound:
				status = http.StatusNotFound
			case CodeTimeout:
				status = http.StatusServiceUnavailable
			default:
				log.ErrorContext(r.Context(), "compare.csv failed", "err", err)
			}
			http.Error(w, msg, status)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="kring-compare.csv"`)
		w.Write([]byte("\ufeff" + table))
	})
}

// analyticsComplexity sets the costs of the analytical fields (schema/analytics.graphqls) whose
// lists can grow with the knowledge base. Typical sizes: a matrix has ~20 non-empty cells and a
// cell ~10 claims (its page is an upper bound few cells reach); an axis ~20 values, claimStats
// as many groups; paths ~50. Short lists of related nodes (a path's nodes, judgements, a
// comparison's rows and items, the evidence under a recommendation) keep gqlgen's default cost, as
// the related lists in limits.go do. The lead wires it in complexity() (limits.go).
func analyticsComplexity(c *ComplexityRoot) {
	q := &c.Query
	q.Matrix = func(child int, _ graph.Axis, _ graph.Axis, _ *graph.ClaimFilter, _ *graph.TermMode, _ *bool) int {
		return 10 + child
	}
	c.Matrix.Rows = func(child int) int { return 1 + child*20 }
	c.Matrix.Columns = c.Matrix.Rows
	c.Matrix.Cells = c.Matrix.Rows
	c.Matrix.GapCells = c.Matrix.Rows
	c.MatrixCell.Claims = func(child int, first *int, _ *string) int { return 1 + child*min(pageCost(first, nil), 10) }
	q.ClaimStats = func(child int, _ *graph.ClaimFilter, _ *graph.Axis, _ *graph.TermMode, _ *bool) int {
		return 10 + child*20
	}
	// The catalogue CSV walks every matching method once: priced like a full page of findMethods.
	q.CatalogueCSV = func(child int, _ *graph.MethodWhere, _ []*graph.MethodOrder, _ graph.Lang) int { return 1 + MaxPage }
	c.Method.Claims = func(child int, _ *graph.ClaimFilter, first *int, _ *string, _ *graph.ClaimScope) int {
		return 1 + child*pageCost(first, nil)
	}
	q.FindMethods = func(child int, _ *graph.MethodWhere, _ []*graph.MethodOrder, first *int, _ *string) int {
		return 1 + child*pageCost(first, nil)
	}
	q.Paths = func(child int, _ string, _ string, _ *int) int { return 10 + child }
	c.PathResult.Paths = func(child int) int { return 1 + child*50 }
}
