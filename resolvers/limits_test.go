package resolvers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
	"kring/resolvers"
)

// TestIntrospectionQuery: GraphiQL's introspection query (graphql-js getIntrospectionQuery, 13
// levels deep; the fixtures are its exact text from explorer/node_modules/graphql 16, with the
// options GraphiQL 4 passes, and without) is answered: introspection is measured apart from the
// depth limit.
func TestIntrospectionQuery(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(transportStore(t), nil), resolvers.Options{})
	for _, name := range []string{"default", "graphiql"} {
		t.Run(name, func(t *testing.T) {
			q, err := os.ReadFile("testdata/introspection/" + name + ".graphql")
			if err != nil {
				t.Fatal(err)
			}
			status, r := post(t, h, string(q), nil)
			if status != 200 || len(r.Errors) > 0 {
				t.Fatalf("status %d, errors %v", status, r.Errors)
			}
			var d struct {
				Schema struct {
					Types []struct{ Name string } `json:"types"`
				} `json:"__schema"`
			}
			if err := json.Unmarshal(r.Data, &d); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ty := range d.Schema.Types {
				found = found || ty.Name == "Method"
			}
			if !found {
				t.Errorf("no type Method among %d types", len(d.Schema.Types))
			}
		})
	}
}

// TestLimitsBeforeValidation: each measure refuses with its reason, also for documents that
// would not even validate (the measures run first), and the limits are counted with fragments
// expanded.
func TestLimitsBeforeValidation(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(transportStore(t), nil), resolvers.Options{})
	frag := func(levels int) string {
		var b strings.Builder
		b.WriteString("{ ...F0 }")
		for i := range levels {
			fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
		}
		return b.String() + fmt.Sprintf(" fragment F%d on Query { a: __typename }", levels)
	}
	cases := []struct{ name, query, reason string }{
		{"tokens", "{" + strings.Repeat(" x", 20000) + " }", "TOO_MANY_TOKENS"},
		{"selections", "{" + strings.Repeat(" x", 2000) + " }", "TOO_MANY_SELECTIONS"},
		{"fragments expanded", frag(40), "FRAGMENTS_TOO_LARGE"},
		{"aliases through fragments", frag(5), "TOO_MANY_ALIASES"}, // 32 aliases
		{"depth", "{ a" + strings.Repeat(" { a", 12) + strings.Repeat(" }", 12) + " }", "QUERY_TOO_DEEP"},
		{"introspection depth", "{ __schema" + strings.Repeat(" { a", 17) + strings.Repeat(" }", 17) + " }", "QUERY_TOO_DEEP"},
		{"three matrices", "{ a: matrix(rows: METHOD, columns: OUTCOME) { gaps } b: matrix(rows: METHOD, columns: OUTCOME) { gaps } c: matrix(rows: METHOD, columns: OUTCOME) { gaps } }", "TOO_MANY_EXPENSIVE_FIELDS"},
		{"text filter", `{ methods(filter: {text: "` + strings.Repeat("é", 257) + `"}) { totalCount } }`, "ARGUMENT_TOO_LONG"},
		{"long string argument", `{ method(id: "` + strings.Repeat("x", 3000) + `") { id } }`, "ARGUMENT_TOO_LONG"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, r := post(t, h, c.query, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("no error; data %s", r.Data)
			}
			ext, _ := r.Errors[0]["extensions"].(map[string]any)
			if ext["code"] != "BAD_USER_INPUT" || ext["reason"] != c.reason {
				t.Errorf("extensions %v; want BAD_USER_INPUT/%s (%v)", ext, c.reason, r.Errors[0]["message"])
			}
		})
	}
	// A variable holding a long string is refused before validation; a text filter of 300
	// characters (its variable's type is not known then) is refused by graph.
	_, r := post(t, h, `query($t: String) { methods(filter: {text: $t}) { totalCount } }`, map[string]any{"t": strings.Repeat("a", 3000)})
	if len(r.Errors) == 0 || r.Errors[0]["extensions"].(map[string]any)["reason"] != "ARGUMENT_TOO_LONG" {
		t.Errorf("3000-character variable: %v", r.Errors)
	}
	_, r = post(t, h, `query($t: String) { methods(filter: {text: $t}) { totalCount } }`, map[string]any{"t": strings.Repeat("a", 300)})
	if len(r.Errors) == 0 || r.Errors[0]["extensions"].(map[string]any)["code"] != "BAD_USER_INPUT" {
		t.Errorf("300-character text filter: %v", r.Errors)
	}
}

// TestCostOnSmallKB: a matrix costs its real cells, a root list the scan behind it. On the small
// generated knowledge base a METHOD × OUTCOME matrix with its cells' claims and its gap cells is
// refused, and so are 30 aliased lists of every claim (2.6 s and 265 MB before), while the same
// matrix as a table (compact columns), the explorer's WORK_MODEL × OUTCOME_DOMAIN with cell
// objects, and a page of claims and sources pass.
func TestCostOnSmallKB(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the small knowledge base")
	}
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, ingest.Generate(ingest.Scales["small"]))
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})
	heavy := `{ matrix(rows: METHOD, columns: OUTCOME) { gapCells { row column } cells { row column claimCount claims(first: 100) { nodes { id } } } } }`
	_, r := post(t, h, heavy, nil)
	if len(r.Errors) == 0 || r.Errors[0]["extensions"].(map[string]any)["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("METHOD × OUTCOME with cells: errors %v; want COMPLEXITY_LIMIT_EXCEEDED", r.Errors)
	}
	var lists strings.Builder
	for i := range 30 {
		fmt.Fprintf(&lists, " a%d: claims(first: 1) { totalCount }", i)
	}
	_, r = post(t, h, "{"+lists.String()+" }", nil)
	if len(r.Errors) == 0 || r.Errors[0]["extensions"].(map[string]any)["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("30 aliased claim lists: errors %v; want COMPLEXITY_LIMIT_EXCEEDED", r.Errors)
	}
	for _, ok := range []string{
		`{ claims(first: 100) { totalCount nodes { id design } } sources(first: 100) { nodes { id title } } }`,
		`{ matrix(rows: METHOD, columns: OUTCOME) { rows { key } columns { key } gaps table { row column claimCount sourceCount positive none negative mixed strongestDesign highestEvidenceLevel } } }`,
		`{ matrix(rows: WORK_MODEL, columns: OUTCOME_DOMAIN) { cells { row column claimCount claims(first: 10) { nodes { id } } } } }`,
	} {
		if _, r := post(t, h, ok, nil); len(r.Errors) > 0 {
			t.Errorf("%s: %v", ok, r.Errors)
		}
	}

	// A request that outlasts its deadline (15 full scans of 20,000 claims against 50 ms) gets
	// 503 and code TIMEOUT: the scans stop, and the partial answer is not sent as a 200.
	slow := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Timeout: 50 * time.Millisecond})
	var scans strings.Builder
	for i := range 15 {
		fmt.Fprintf(&scans, " a%d: claims(first: 1, filter: {direction: [POSITIVE]}) { totalCount }", i)
	}
	status, r := post(t, slow, "{"+scans.String()+" }", nil)
	if status != http.StatusServiceUnavailable || len(r.Errors) != 1 || r.Errors[0]["extensions"].(map[string]any)["code"] != "TIMEOUT" || r.Data != nil {
		t.Errorf("past the deadline: %d %s %v; want 503, no data, one TIMEOUT error", status, r.Data, r.Errors)
	}
}

// TestOneReadModelPerRequest: while batches commit, every root field of a request sees the
// same read model.
func TestOneReadModelPerRequest(t *testing.T) {
	st := graphtest.NewMemory(t)
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})
	var q strings.Builder
	q.WriteString("{")
	for i := range 10 {
		fmt.Fprintf(&q, " a%d: sources { totalCount }", i)
	}
	q.WriteString(" }")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			graphtest.MustApply(t, st, &graph.Changeset{BatchID: fmt.Sprintf("b%d", i), Nodes: []graph.NodeSpec{
				graphtest.Node(graph.TypeSource, fmt.Sprintf("source/s%d", i), "type", "PRESS", "title", "T", "status", "CONFIRMED")}})
		}
	})
	disagreed, counts := 0, map[int]bool{}
	for range 40 {
		_, r := post(t, h, q.String(), nil)
		var d map[string]struct{ TotalCount int }
		if err := json.Unmarshal(r.Data, &d); err != nil || len(d) != 10 {
			t.Fatalf("%v: %s %v", err, r.Data, r.Errors)
		}
		seen := map[int]bool{}
		for _, v := range d {
			seen[v.TotalCount] = true
			counts[v.TotalCount] = true
		}
		if len(seen) > 1 {
			disagreed++
		}
	}
	close(stop)
	wg.Wait()
	if disagreed > 0 {
		t.Errorf("%d of 40 requests saw more than one read model", disagreed)
	}
	if len(counts) < 2 {
		t.Logf("only %d distinct states were seen: the writes were slow to interleave", len(counts))
	}
}
