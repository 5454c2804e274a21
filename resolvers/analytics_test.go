package resolvers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/resolvers"
)

// analyticsStore is a small graph whose numbers the tests count by hand:
//
//	method/buddy → wm2; VOLUNTEER_KEY_FIGURE; rated GOED_ONDERBOUWD;
//	    PERSONAL judged HIGH by ERVARINGSDESKUNDIGEN, LOW by PRAKTIJKDESKUNDIGEN
//	    c1 lonely POSITIVE RCT [s1]; c2 part POSITIVE QUASI [s1 s2]; c3 part NONE QUALITATIVE [s2]
//	method/fgc → wm1
//	    c4 support POSITIVE RCT [s3]
//	initiative/buddy-gent (implements buddy) → wm2; VOLUNTEER
//	    c5 part POSITIVE PRE_POST [s3]
//	recommendation/r1 rests on c1, c2 (STRONG); recommendation/r2 on nothing (NONE)
func analyticsStore(t testing.TB) *graph.Store {
	t.Helper()
	n := graphtest.Node
	src := func(ids ...string) []any {
		out := make([]any, len(ids))
		for i, id := range ids {
			out[i] = "source/" + id
		}
		return out
	}
	link := func(typ graph.NodeType, subject string, kv ...any) graph.NodeSpec {
		return n(typ, "", append([]any{"subject", subject, "status", "CONFIRMED"}, kv...)...)
	}
	claim := func(id, subject, outcome, dir, design string, sources ...string) graph.NodeSpec {
		return n(graph.TypeOutcomeClaim, "claim/"+id, "subject", subject, "outcome", "outcome/"+outcome, "direction", dir,
			"design", design, "status", "CONFIRMED", "sources", src(sources...))
	}
	cs := &graph.Changeset{BatchID: "analytics", LoadedAt: "2026-01-01T00:00:00Z", Nodes: []graph.NodeSpec{
		n(graph.TypeSource, "source/s1", "type", "ACADEMIC_ANGLO", "title", "Één", "status", "CONFIRMED"),
		n(graph.TypeSource, "source/s2", "type", "GREY_BE", "title", "Two", "status", "CONFIRMED"),
		n(graph.TypeSource, "source/s3", "type", "ACADEMIC_NL", "title", "Three", "status", "CONFIRMED"),
		n(graph.TypeWorkModel, "workmodel/wm1", "code", "WM1", "name", "competentie", "status", "CONFIRMED"),
		n(graph.TypeWorkModel, "workmodel/wm2", "code", "WM2", "name", map[string]any{"nl": "persoonlijke vriend", "en": "personal friend"}, "status", "CONFIRMED"),
		n(graph.TypeOutcome, "outcome/lonely", "label", "eenzaamheid", "domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
		n(graph.TypeOutcome, "outcome/part", "label", "participatie", "domain", "PARTICIPATION_CITIZENSHIP", "status", "CONFIRMED"),
		n(graph.TypeOutcome, "outcome/support", "label", "ervaren steun", "domain", "PERCEIVED_SUPPORT", "status", "CONFIRMED"),
		n(graph.TypeMethod, "method/buddy", "name", map[string]any{"nl": "buddywerking", "en": "buddy scheme"}, "status", "CONFIRMED"),
		link(graph.TypeAssignment, "method/buddy", "workModel", "workmodel/wm2", "basis", "REPORT", "sources", src("s1")),
		link(graph.TypeInvolvement, "method/buddy", "type", "VOLUNTEER_KEY_FIGURE", "sources", src("s1")),
		link(graph.TypeEvidenceRating, "method/buddy", "registry", "MOVISIE", "level", "GOED_ONDERBOUWD", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "PERSONAL", "value", "HIGH", "stakeholderGroup", "ERVARINGSDESKUNDIGEN", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "PERSONAL", "value", "LOW", "stakeholderGroup", "PRAKTIJKDESKUNDIGEN", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "DURABLE", "value", "MEDIUM", "stakeholderGroup", "PRAKTIJKDESKUNDIGEN", "sources", src("s2")),
		claim("c1", "method/buddy", "lonely", "POSITIVE", "RCT", "s1"),
		claim("c2", "method/buddy", "part", "POSITIVE", "QUASI_EXPERIMENTAL", "s1", "s2"),
		claim("c3", "method/buddy", "part", "NONE", "QUALITATIVE", "s2"),
		n(graph.TypeMethod, "method/fgc", "name", "Eigen Kracht-conferentie", "status", "CONFIRMED"),
		link(graph.TypeAssignment, "method/fgc", "workModel", "workmodel/wm1", "basis", "CURATOR", "sources", src("s3")),
		claim("c4", "method/fgc", "support", "POSITIVE", "RCT", "s3"),
		n(graph.TypeInitiative, "initiative/buddy-gent", "name", "Buddy Gent", "status", "CONFIRMED", "implements", []any{"method/buddy"}),
		link(graph.TypeAssignment, "initiative/buddy-gent", "workModel", "workmodel/wm2", "basis", "CURATOR", "sources", src("s3")),
		link(graph.TypeInvolvement, "initiative/buddy-gent", "type", "VOLUNTEER", "sources", src("s3")),
		claim("c5", "initiative/buddy-gent", "part", "POSITIVE", "PRE_POST", "s3"),
		n(graph.TypeRecommendation, "recommendation/r1", "text", "Investeer in buddywerking", "supportedBy", []any{"claim/c1", "claim/c2"},
			"status", "CONFIRMED", "sources", src("s1")),
		n(graph.TypeRecommendation, "recommendation/r2", "text", "Zonder bewijs", "status", "CONFIRMED", "sources", src("s2")),
	}}
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, cs)
	return st
}

// anQuery posts a query and decodes its data into out; errors fail the test.
func anQuery(t *testing.T, h http.Handler, q string, vars map[string]any, out any) {
	t.Helper()
	_, r := post(t, h, q, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
}

// anErrorCode posts a query and returns the extensions.code of its first error ("" when none).
func anErrorCode(t *testing.T, h http.Handler, q string, vars map[string]any) string {
	t.Helper()
	_, r := post(t, h, q, vars)
	if len(r.Errors) == 0 {
		return ""
	}
	ext, _ := r.Errors[0]["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

func TestMatrixAPI(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(analyticsStore(t), nil), resolvers.Options{})
	q := `query($filter: ClaimFilter) { matrix(rows: WORK_MODEL, columns: OUTCOME_DOMAIN, filter: $filter) {
		rows { key label(lang: EN) } gaps gapCells { row column }
		cells { row column claimCount sourceCount positive none negative mixed strongestDesign highestEvidenceLevel
		        claims(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } } } }`
	type cell struct {
		Row, Column                                              string
		ClaimCount, SourceCount, Positive, None, Negative, Mixed int
		StrongestDesign, HighestEvidenceLevel                    *string
		Claims                                                   struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   string
			}
			Nodes []struct{ ID string }
		}
	}
	var d struct {
		Matrix struct {
			Rows     []struct{ Key, Label string }
			Gaps     int
			GapCells []struct{ Row, Column string }
			Cells    []cell
		}
	}
	anQuery(t, h, q, nil, &d)
	m := d.Matrix
	if diff := cmp.Diff([]struct{ Key, Label string }{{"kring:workmodel/wm1", "competentie"}, {"kring:workmodel/wm2", "personal friend"}}, m.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	// wm1: c4 (support). wm2: c1 (lonely); c2, c3, c5 (participation).
	if m.Gaps != 2*16-3 || len(m.GapCells) != m.Gaps {
		t.Errorf("gaps = %d, %d gap cells; want %d", m.Gaps, len(m.GapCells), 2*16-3)
	}
	if len(m.Cells) != 3 {
		t.Fatalf("cells = %+v; want 3", m.Cells)
	}
	part := m.Cells[2]
	if part.Row != "kring:workmodel/wm2" || part.Column != "PARTICIPATION_CITIZENSHIP" || part.ClaimCount != 3 || part.SourceCount != 3 ||
		part.Positive != 2 || part.None != 1 || *part.StrongestDesign != "QUASI_EXPERIMENTAL" || *part.HighestEvidenceLevel != "GOED_ONDERBOUWD" {
		t.Errorf("wm2 × participation = %+v", part)
	}
	if part.Claims.TotalCount != 3 || !part.Claims.PageInfo.HasNextPage || len(part.Claims.Nodes) != 1 || part.Claims.Nodes[0].ID != "kring:claim/c2" {
		t.Errorf("wm2 × participation claims(first: 1) = %+v", part.Claims)
	}

	var d2 struct {
		Matrix struct {
			Cells []struct {
				Column string
				Claims struct{ Nodes []struct{ ID string } }
			}
		}
	}
	// The next page of the cell's claims (a cursor belongs to one cell: filter the others out).
	anQuery(t, h, `query($after: String) { matrix(rows: WORK_MODEL, columns: OUTCOME_DOMAIN, filter: {outcomeDomain: [PARTICIPATION_CITIZENSHIP]}) {
		cells { column claims(first: 5, after: $after) { nodes { id } } } } }`,
		map[string]any{"after": part.Claims.PageInfo.EndCursor}, &d2)
	got := d2.Matrix.Cells[0].Claims.Nodes
	if len(got) != 2 || got[0].ID != "kring:claim/c3" || got[1].ID != "kring:claim/c5" {
		t.Errorf("second page = %+v; want c3, c5", got)
	}

	anQuery(t, h, q, map[string]any{"filter": map[string]any{"minDesign": "RCT"}}, &d)
	if len(d.Matrix.Cells) != 2 {
		t.Errorf("cells with RCT evidence = %+v; want 2 (wm1 × support, wm2 × loneliness)", d.Matrix.Cells)
	}
}

func TestClaimStatsAPI(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(analyticsStore(t), nil), resolvers.Options{})
	var d struct {
		ClaimStats []struct {
			Value       struct{ Key string }
			ClaimCount  int
			SourceCount int
			SampleSize  struct{ Count int }
		}
	}
	anQuery(t, h, `{ claimStats(groupBy: METHOD) { value { key } claimCount sourceCount sampleSize { count min max avg } effectSize { count } } }`, nil, &d)
	var got []string
	for _, g := range d.ClaimStats {
		got = append(got, graph.ShortID(g.Value.Key)+":"+strings.Repeat("c", g.ClaimCount)+":"+strings.Repeat("s", g.SourceCount))
	}
	// buddy-gent's c5 also counts for buddy, the method it implements.
	if diff := cmp.Diff([]string{"initiative/buddy-gent:c:s", "method/buddy:cccc:sss", "method/fgc:c:s"}, got); diff != "" {
		t.Errorf("claimStats by method (-want +got):\n%s", diff)
	}
	anQuery(t, h, `{ claimStats(groupBy: METHOD, viaImplementations: false) { value { key } claimCount sourceCount sampleSize { count } } }`, nil, &d)
	got = nil
	for _, g := range d.ClaimStats {
		got = append(got, graph.ShortID(g.Value.Key)+":"+strings.Repeat("c", g.ClaimCount)+":"+strings.Repeat("s", g.SourceCount))
	}
	if diff := cmp.Diff([]string{"initiative/buddy-gent:c:s", "method/buddy:ccc:ss", "method/fgc:c:s"}, got); diff != "" {
		t.Errorf("claimStats by method without roll-up (-want +got):\n%s", diff)
	}
}

func TestFindMethodsAPI(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(analyticsStore(t), nil), resolvers.Options{})
	q := `query($where: MethodWhere, $order: [MethodOrder!]) { findMethods(where: $where, orderBy: $order, first: 10) { totalCount nodes { id } } }`
	ids := func(where, order any) []string {
		var d struct {
			FindMethods struct{ Nodes []struct{ ID string } }
		}
		anQuery(t, h, q, map[string]any{"where": where, "order": order}, &d)
		out := []string{}
		for _, n := range d.FindMethods.Nodes {
			out = append(out, graph.ShortID(n.ID))
		}
		return out
	}
	tests := []struct {
		name         string
		where, order any
		want         []string
	}{
		{"volunteer-based with two sources for positive participation, quasi-experimental or better",
			map[string]any{"AND": []any{
				map[string]any{"is": map[string]any{"actorType": "VOLUNTEER"}},
				map[string]any{"claims": map[string]any{"some": map[string]any{
					"where":      map[string]any{"outcomeDomain": []string{"PARTICIPATION_CITIZENSHIP"}, "direction": []string{"POSITIVE"}, "minDesign": "QUASI_EXPERIMENTAL"},
					"minSources": 2}}},
			}}, nil, []string{"method/buddy"}},
		{"not volunteer-based", map[string]any{"NOT": map[string]any{"is": map[string]any{"actorType": "VOLUNTEER"}}}, nil, []string{"method/fgc"}},
		{"by claim count, then name", nil, []any{map[string]any{"by": "CLAIM_COUNT", "direction": "DESC"}, map[string]any{"by": "NAME"}},
			[]string{"method/buddy", "initiative/buddy-gent", "method/fgc"}},
		{"disagreement", map[string]any{"disagreement": map[string]any{"groups": []string{"ERVARINGSDESKUNDIGEN", "PRAKTIJKDESKUNDIGEN"}}}, nil, []string{"method/buddy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(tt.where, tt.order)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if code := anErrorCode(t, h, q, map[string]any{"where": map[string]any{"claims": map[string]any{"some": map[string]any{"minClaims": -1}}}}); code != "BAD_USER_INPUT" {
		t.Errorf("negative minClaims: code %q; want BAD_USER_INPUT", code)
	}
}

func TestPathsAPI(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(analyticsStore(t), nil), resolvers.Options{})
	var d struct {
		Paths struct {
			Truncated bool
			Paths     []struct {
				Hops  int
				Nodes []struct {
					Typename string `json:"__typename"`
					ID       string
				}
				Edges  []struct{ From, To, Predicate, Direction string }
				Claims []struct {
					ID      string
					Sources []struct{ Title string }
				}
			}
		}
	}
	anQuery(t, h, `{ paths(from: "method/fgc", to: "kring:outcome/support", maxHops: 2) { truncated paths { hops nodes { __typename id }
		edges { from to predicate direction } claims { id sources { title } } } } }`, nil, &d)
	if len(d.Paths.Paths) != 1 {
		t.Fatalf("paths = %+v; want 1", d.Paths)
	}
	p := d.Paths.Paths[0]
	if p.Hops != 2 || p.Nodes[1].Typename != "OutcomeClaim" || p.Edges[0].Predicate != "subject" || p.Edges[0].Direction != "BACKWARD" ||
		len(p.Claims) != 1 || p.Claims[0].ID != "kring:claim/c4" || p.Claims[0].Sources[0].Title != "Three" {
		t.Errorf("path = %+v", p)
	}
	for q, want := range map[string]string{
		`{ paths(from: "method/fgc", to: "outcome/support", maxHops: 5) { truncated } }`:    "BAD_USER_INPUT",
		`{ paths(from: "method/nope", to: "outcome/support") { truncated } }`:               "NOT_FOUND",
		`{ paths(from: "method/fgc", to: "outcome/support", maxHops: null) { truncated } }`: "",
	} {
		if code := anErrorCode(t, h, q, nil); code != want {
			t.Errorf("%s: code %q; want %q", q, code, want)
		}
	}
}

func TestCompareAPI(t *testing.T) {
	st := analyticsStore(t)
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})
	var d struct {
		Compare struct {
			Items []struct{ Name string }
			Rows  []struct {
				Property, Label string
				Values          []string
			}
			CSV string
		}
	}
	anQuery(t, h, `{ compare(ids: ["method/buddy", "method/fgc"], lang: EN) { items { name(lang: EN) } rows { property label(lang: NL) values } csv } }`, nil, &d)
	c := d.Compare
	if len(c.Items) != 2 || c.Items[0].Name != "buddy scheme" {
		t.Errorf("items = %+v", c.Items)
	}
	rows := map[string][]string{}
	for _, r := range c.Rows {
		rows[r.Property] = r.Values
	}
	if diff := cmp.Diff([]string{"WM2 personal friend", "WM1 competentie"}, rows["workModels"]); diff != "" {
		t.Errorf("work models (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"3", "1"}, rows["claimCount"]); diff != "" {
		t.Errorf("claim counts (-want +got):\n%s", diff)
	}
	if c.Rows[2].Label != "werkmodellen" {
		t.Errorf("row label(lang: NL) = %q; want werkmodellen", c.Rows[2].Label)
	}
	if !strings.HasPrefix(c.CSV, "property,buddy scheme,Eigen Kracht-conferentie\r\n") {
		t.Errorf("csv starts %q", c.CSV[:min(60, len(c.CSV))])
	}
	for ids, want := range map[string]string{
		`[]`: "BAD_USER_INPUT",
		`["method/buddy", "method/fgc", "initiative/buddy-gent", "method/a", "method/b", "method/c"]`: "BAD_USER_INPUT",
		`["workmodel/wm1"]`:               "BAD_USER_INPUT",
		`["method/buddy", "method/nope"]`: "NOT_FOUND",
	} {
		if code := anErrorCode(t, h, `{ compare(ids: `+ids+`) { csv } }`, nil); code != want {
			t.Errorf("compare(%s): code %q; want %s", ids, code, want)
		}
	}

	// The download serves the same table, with a byte-order mark.
	csvh := resolvers.CompareCSV(st, nil)
	rec := httptest.NewRecorder()
	csvh.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/compare.csv?ids=method/buddy,method/fgc&lang=en", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment;") {
		t.Errorf("GET /compare.csv = %d %v", rec.Code, rec.Header())
	}
	if body := rec.Body.String(); body != "\ufeff"+c.CSV {
		t.Errorf("GET /compare.csv body = %q; want BOM + the csv field", body[:min(80, len(body))])
	}
	for target, want := range map[string]int{
		"/compare.csv":                                 http.StatusBadRequest,
		"/compare.csv?ids=method/buddy&lang=FR":        http.StatusBadRequest,
		"/compare.csv?ids=method/buddy,method/no":      http.StatusNotFound,
		"/compare.csv?ids=method/buddy&ids=method/fgc": http.StatusOK,
	} {
		rec := httptest.NewRecorder()
		csvh.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != want {
			t.Errorf("GET %s = %d (%s); want %d", target, rec.Code, strings.TrimSpace(rec.Body.String()), want)
		}
	}
}

func TestJudgementsAndEvidenceAPI(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(analyticsStore(t), nil), resolvers.Options{})
	var d struct {
		Method struct {
			All  []struct{ Criterion string }
			Only []struct {
				Criterion    string
				Disagreement bool
				Spread       int
				Judgements   []struct {
					Group, Value string
					Assessment   struct{ ID string }
				}
			}
		}
		Recommendations []struct {
			ID       string
			Evidence struct {
				Strength                string
				ClaimCount, SourceCount int
				StrongestDesign         *string
				Sources                 []struct{ Title string }
			}
		}
	}
	anQuery(t, h, `{ method(id: "method/buddy") {
		all: assessmentsByGroup { criterion }
		only: assessmentsByGroup(groups: [ERVARINGSDESKUNDIGEN, PRAKTIJKDESKUNDIGEN], onlyDisagreements: true) {
			criterion disagreement spread judgements { group value assessment { id } } } }
		recommendations { id evidence { strength claimCount sourceCount strongestDesign sources { title } } } }`, nil, &d)
	if len(d.Method.All) != 2 || len(d.Method.Only) != 1 || d.Method.Only[0].Criterion != "PERSONAL" || !d.Method.Only[0].Disagreement ||
		d.Method.Only[0].Spread != 2 || len(d.Method.Only[0].Judgements) != 2 || d.Method.Only[0].Judgements[0].Group != "ERVARINGSDESKUNDIGEN" {
		t.Errorf("assessmentsByGroup = %+v", d.Method)
	}
	ev := map[string]string{}
	for _, r := range d.Recommendations {
		ev[graph.ShortID(r.ID)] = r.Evidence.Strength
	}
	if diff := cmp.Diff(map[string]string{"recommendation/r1": "STRONG", "recommendation/r2": "NONE"}, ev); diff != "" {
		t.Errorf("evidence strength (-want +got):\n%s", diff)
	}
	if r1 := d.Recommendations[0].Evidence; r1.ClaimCount != 2 || r1.SourceCount != 2 || *r1.StrongestDesign != "RCT" || r1.Sources[0].Title != "Één" {
		t.Errorf("r1 evidence = %+v", r1)
	}
}

// TestStarterAnalytics sanity-checks the analytical queries on the starter KB, which is still
// growing: shapes and invariants only, no exact counts.
func TestStarterAnalytics(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	var d struct {
		Matrix struct {
			Rows, Columns []struct{ Key string }
			Gaps          int
			Cells         []struct{ ClaimCount, Positive, None, Negative, Mixed int }
		}
		All []struct{ ClaimCount int }
	}
	anQuery(t, h, `{ matrix(rows: WORK_MODEL, columns: OUTCOME_DOMAIN) { rows { key } columns { key } gaps cells { claimCount positive none negative mixed } }
		all: claimStats { claimCount } }`, nil, &d)
	m := d.Matrix
	if len(m.Rows) != 7+1 || m.Rows[7].Key != "none" || len(m.Columns) != len(graph.Vocabularies["OutcomeDomain"]) {
		t.Errorf("matrix is %d × %d; want 7 work models and the none row × %d domains", len(m.Rows), len(m.Columns), len(graph.Vocabularies["OutcomeDomain"]))
	}
	if m.Gaps+len(m.Cells) != len(m.Rows)*len(m.Columns) {
		t.Errorf("gaps %d + cells %d != %d", m.Gaps, len(m.Cells), len(m.Rows)*len(m.Columns))
	}
	for _, c := range m.Cells {
		if c.ClaimCount == 0 || c.Positive+c.None+c.Negative+c.Mixed != c.ClaimCount {
			t.Errorf("cell %+v: directions do not add up", c)
		}
	}
	if len(d.All) != 1 || d.All[0].ClaimCount == 0 {
		t.Errorf("claimStats = %+v; want one group with the starter's claims", d.All)
	}
}

// TestAnalystQueries runs the analysts' questions in docs/queries against the starter KB and
// compares each answer with its .golden.json (go test ./resolvers -run AnalystQueries -update
// rewrites them).
func TestAnalystQueries(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	runGolden(t, h, "../docs/queries", true)
}

// TestAnalyticsWithinLimits: the analytical queries the explorer and analysts send stay within
// the default complexity limit, also with every matrix cell listing a page of claims.
func TestAnalyticsWithinLimits(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	claim := `id direction design sampleSize effectSize effectMetric timeframe population(lang: $lang) text(lang: $lang) status note
		sources { id type title year authors { name } doi url }`
	for name, q := range map[string]string{
		// The explorer's SERVER_CELL_QUERY (explorer/src/pages/matrix.tsx).
		"matrix cells with claims": `query($lang: Lang!) { matrix(rows: METHOD, columns: OUTCOME) { cells { row column
			claims(first: 100) { nodes { ` + claim + ` method { id kind name(lang: $lang) } outcome { id label(lang: $lang) domain } } } } } }`,
		"all judgements": `query($lang: Lang!) { findMethods(first: 500) { nodes { id name(lang: $lang) assessmentsByGroup { criterion
			judgements { group value assessment { id sources { id } } } } } } }`,
		"paths with sources": `query($lang: Lang!) { paths(from: "method/buddy-scheme", to: "outcome/loneliness", maxHops: 4) { paths {
			nodes { id } edges { from to } claims { id text(lang: $lang) sources { title } } } } }`,
		"claim stats per method": `query($lang: Lang!) { claimStats(groupBy: METHOD) { value { key label(lang: $lang) } claimCount
			sampleSize { min max avg count } } }`,
	} {
		if _, r := post(t, h, q, map[string]any{"lang": "NL"}); len(r.Errors) > 0 {
			t.Errorf("%s: %v", name, r.Errors)
		}
	}
}

// TestMatrixTable: the columnar form carries exactly the cells, in cell order, with row and
// column positions into rows and columns.
func TestMatrixTable(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(analyticsStore(t), nil), resolvers.Options{})
	for _, axes := range [][2]string{{"WORK_MODEL", "OUTCOME_DOMAIN"}, {"METHOD", "OUTCOME"}, {"SOURCE_TYPE", "ACTOR_TYPE"}} {
		q := `{ matrix(rows: ` + axes[0] + `, columns: ` + axes[1] + `) {
			rows { key } columns { key }
			cells { row column claimCount sourceCount positive none negative mixed strongestDesign highestEvidenceLevel }
			table { row column claimCount sourceCount positive none negative mixed strongestDesign highestEvidenceLevel } } }`
		type cell struct {
			Row, Column                                              string
			ClaimCount, SourceCount, Positive, None, Negative, Mixed int
			StrongestDesign, HighestEvidenceLevel                    *string
		}
		var d struct {
			Matrix struct {
				Rows, Columns []struct{ Key string }
				Cells         []cell
				Table         struct {
					Row, Column, ClaimCount, SourceCount, Positive, None, Negative, Mixed []int
					StrongestDesign, HighestEvidenceLevel                                 []*string
				}
			}
		}
		anQuery(t, h, q, nil, &d)
		m, tb := d.Matrix, d.Matrix.Table
		if len(m.Cells) == 0 {
			t.Fatalf("%v: no cells", axes)
		}
		var got []cell
		for i := range tb.Row {
			got = append(got, cell{m.Rows[tb.Row[i]].Key, m.Columns[tb.Column[i]].Key, tb.ClaimCount[i], tb.SourceCount[i],
				tb.Positive[i], tb.None[i], tb.Negative[i], tb.Mixed[i], tb.StrongestDesign[i], tb.HighestEvidenceLevel[i]})
		}
		if diff := cmp.Diff(m.Cells, got); diff != "" {
			t.Errorf("%v: table differs from cells (-cells +table):\n%s", axes, diff)
		}
	}
}
