package resolvers_test

import (
	"context"
	"encoding/csv"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/resolvers"
)

// Done-checks of issue 11 (roll-up and confidence) on the bundled knowledge base, through the API.

// TestRollUpThroughImplementations: the Family Group Conferencing method shows the Amsterdam
// RCT initiative's claims, each edge naming the initiative.
func TestRollUpThroughImplementations(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	var d struct {
		Method struct {
			Own, All struct {
				TotalCount int
				Edges      []struct {
					Node struct{ ID, Direction, Design string }
					Via  *struct{ ID string }
				}
			}
			ClaimCount, OwnCount int
			Confidence           *struct {
				Level   string
				Reasons []string
			}
		}
		Narrow struct{ Nodes []struct{ ID string } }
	}
	anQuery(t, h, `{ method(id: "method/family-group-conferencing") {
		own: claims { totalCount edges { node { id direction design } via { id } } }
		all: claims(scope: ALL, first: 100) { totalCount edges { node { id direction design } via { id } } }
		claimCount ownCount: claimCount(scope: OWN)
		confidence { level reasons } }
		narrow: methods(filter: { kind: METHOD, outcomeDomain: [PARENTING_CHILD], minConfidence: MODERATE }, first: 100) { nodes { id } } }`, nil, &d)
	m := d.Method
	var via []string
	for _, e := range m.All.Edges {
		if e.Via != nil {
			if strings.Contains(e.Node.ID, "fgc-amsterdam") && e.Via.ID != "kring:initiative/fgc-amsterdam-rct" {
				t.Errorf("claim %s via %s; want the Amsterdam RCT initiative", e.Node.ID, e.Via.ID)
			}
			via = append(via, e.Node.ID)
		}
	}
	for _, want := range []string{"kring:claim/fgc-amsterdam-safety", "kring:claim/fgc-amsterdam-perceived-support", "kring:claim/fgc-amsterdam-out-of-home-placement"} {
		if !slices.Contains(via, want) {
			t.Errorf("claims(scope: ALL) via the initiative = %v; want %s among them", via, want)
		}
	}
	for _, e := range m.Own.Edges {
		if e.Via != nil || strings.Contains(e.Node.ID, "fgc-amsterdam") {
			t.Errorf("own claims include %s (via %v)", e.Node.ID, e.Via)
		}
	}
	if m.All.TotalCount != m.Own.TotalCount+len(via) || m.ClaimCount != m.All.TotalCount || m.OwnCount != m.Own.TotalCount {
		t.Errorf("counts: own %d, all %d (%d via), claimCount %d, own claimCount %d", m.Own.TotalCount, m.All.TotalCount, len(via), m.ClaimCount, m.OwnCount)
	}
	// The Amsterdam RCT claims (one source each) rate at least MODERATE: HIGH from the design,
	// one step for the single source.
	if m.Confidence == nil || (m.Confidence.Level != "MODERATE" && m.Confidence.Level != "HIGH") {
		t.Errorf("confidence = %+v; want MODERATE or better", m.Confidence)
	}
	found := false
	for _, n := range d.Narrow.Nodes {
		found = found || n.ID == "kring:method/family-group-conferencing"
	}
	if !found {
		t.Errorf("methods(outcomeDomain: PARENTING_CHILD, minConfidence: MODERATE) = %v; want FGC (through its implementation)", d.Narrow.Nodes)
	}
}

type cellClaims struct {
	Row, Column                    string
	ClaimCount, ViaCount, Negative int
	UnconfirmedCount               int
	StrongestDesign                *string
	Confidence                     struct {
		Level       string
		Reasons     []string
		Explanation []string
	}
	Claims struct {
		Nodes []struct {
			ID, Direction, Status string
			Design                *string
			Method                struct{ ID string }
			Sources               []struct{ ID, Status string }
		}
	}
}

// TestMatrixCountsEveryClaim: the default WORK_MODEL × OUTCOME_DOMAIN matrix's loneliness
// column holds every loneliness claim of the KB (through the none row where a subject has no
// work model; the bundled loneliness claims are all INFERRED), and the confirmed-only matrix
// holds every confirmed-only claim.
func TestMatrixCountsEveryClaim(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	for _, filter := range []string{`{ outcomeDomain: [LONELINESS_ISOLATION] }`, `{ confirmedOnly: true }`} {
		var d struct {
			Matrix struct {
				Rows []struct {
					Key    string
					IsNone bool
					Label  string
				}
				Cells []cellClaims
			}
			Claims struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
		anQuery(t, h, `{ matrix(rows: WORK_MODEL, columns: OUTCOME_DOMAIN, filter: `+filter+`) {
			rows { key isNone label } cells { row column claimCount claims(first: 100) { nodes { id } } } }
			claims(filter: `+filter+`, first: 500) { totalCount nodes { id } } }`, nil, &d)
		inColumn := map[string]bool{}
		noneRow := false
		for _, c := range d.Matrix.Cells {
			if c.Column != "LONELINESS_ISOLATION" && strings.Contains(filter, "LONELINESS") {
				t.Errorf("%s: cell %s/%s outside the filtered column", filter, c.Row, c.Column)
			}
			noneRow = noneRow || c.Row == "none"
			for _, n := range c.Claims.Nodes {
				inColumn[n.ID] = true
			}
		}
		if len(inColumn) != d.Claims.TotalCount || d.Claims.TotalCount == 0 {
			t.Errorf("%s: the loneliness column holds %d distinct claims; claims(filter:) has %d", filter, len(inColumn), d.Claims.TotalCount)
		}
		for _, n := range d.Claims.Nodes {
			if !inColumn[n.ID] {
				t.Errorf("%s: claim %s is not in the matrix", filter, n.ID)
			}
		}
		last := d.Matrix.Rows[len(d.Matrix.Rows)-1]
		if !strings.Contains(filter, "LONELINESS") {
			continue
		}
		if !noneRow || !last.IsNone || last.Key != "none" || last.Label != "geen werkmodel" {
			t.Errorf("%s: none row counted %v, last row %+v; want the explicit 'geen werkmodel' row with claims", filter, noneRow, last)
		}
	}
}

// TestMatrixRollsUpTerms: VOLUNTEER and BE rows are not all gaps (claims are coded
// VOLUNTEER_KEY_FIGURE and BE_VLG); as coded they hold fewer claims.
func TestMatrixRollsUpTerms(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	count := func(axis, key, terms string) int {
		var d struct {
			Matrix struct {
				Rows []struct {
					Key     string
					Broader *string
					Depth   int
				}
				Cells []cellClaims
			}
		}
		anQuery(t, h, `{ matrix(rows: `+axis+`, columns: OUTCOME_DOMAIN, terms: `+terms+`) { rows { key broader depth } cells { row claimCount } } }`, nil, &d)
		n := 0
		for _, c := range d.Matrix.Cells {
			if c.Row == key {
				n += c.ClaimCount
			}
		}
		return n
	}
	for _, tc := range []struct{ axis, broad, narrow string }{{"ACTOR_TYPE", "VOLUNTEER", "VOLUNTEER_KEY_FIGURE"}, {"REGION", "BE", "BE_VLG"}} {
		up, coded, narrow := count(tc.axis, tc.broad, "ROLLED_UP"), count(tc.axis, tc.broad, "AS_CODED"), count(tc.axis, tc.narrow, "AS_CODED")
		if up == 0 || up < coded+narrow || narrow == 0 {
			t.Errorf("%s %s: %d claims rolled up, %d as coded, %s %d; want the broad row to hold its own and the narrower term's", tc.axis, tc.broad, up, coded, tc.narrow, narrow)
		}
	}
}

// TestNegativeRCTCell: a cell with the Amsterdam RCT's negative result reads as negative and
// has a computed confidence.
func TestNegativeRCTCell(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	var d struct {
		Matrix struct {
			Cells []cellClaims
			CSV   string
		}
	}
	anQuery(t, h, `{ matrix(rows: METHOD, columns: OUTCOME_DOMAIN, filter: { minDesign: RCT }) {
		cells { row column claimCount viaCount negative unconfirmedCount strongestDesign confidence { level reasons explanation }
			claims(first: 100) { nodes { id design direction status method { id } sources { id status } } } }
		csv } }`, nil, &d)
	found := false
	for _, c := range d.Matrix.Cells {
		if c.Row != "kring:method/family-group-conferencing" || c.Column != "PARENTING_CHILD" {
			continue
		}
		found = true
		if c.Negative == 0 || c.StrongestDesign == nil || (*c.StrongestDesign != "RCT" && *c.StrongestDesign != "SYSTEMATIC_REVIEW_META") || c.ViaCount == 0 {
			t.Errorf("FGC × PARENTING_CHILD = %+v; want a negative result of an RCT or better, through the initiative", c)
		}
		// The cell's confidence is the rule (graph.Rate) applied to its claims.
		var rated []graph.RatedClaim
		for _, cl := range c.Claims.Nodes {
			r := graph.RatedClaim{Direction: graph.Direction(cl.Direction), ClaimConfirmed: cl.Status == "CONFIRMED", LinkConfirmed: true,
				SourcesConfirmed: true, Via: cl.Method.ID != "kring:method/family-group-conferencing"}
			if cl.Design != nil {
				d := graph.StudyDesign(*cl.Design)
				r.Design = &d
			}
			for _, src := range cl.Sources {
				r.SourceIDs = append(r.SourceIDs, src.ID)
				r.SourcesConfirmed = r.SourcesConfirmed && src.Status == "CONFIRMED"
			}
			rated = append(rated, r)
		}
		want := graph.Rate(rated)
		if c.Confidence.Level != string(want.Level) || len(c.Confidence.Reasons) != len(want.Reasons) || len(c.Confidence.Explanation) != len(want.Reasons) ||
			!slices.Contains(c.Confidence.Reasons, "VIA_IMPLEMENTATION") {
			t.Errorf("confidence = %+v; want %s %v (Rate over the cell's claims), with an explanation per reason", c.Confidence, want.Level, want.Reasons)
		}
		for i, r := range want.Reasons {
			if i < len(c.Confidence.Reasons) && c.Confidence.Reasons[i] != string(r) {
				t.Errorf("reason %d = %s; want %s", i, c.Confidence.Reasons[i], r)
			}
		}
		for _, e := range c.Confidence.Explanation {
			if strings.Contains(e, "_") {
				t.Errorf("explanation %q shows a code", e)
			}
		}
	}
	if !found {
		t.Fatal("no FGC × PARENTING_CHILD cell among the RCT claims")
	}
	// The CSV has a line per cell with the same numbers, Dutch labels.
	lines := strings.Split(strings.TrimSpace(d.Matrix.CSV), "\r\n")
	if len(lines) != len(d.Matrix.Cells)+1 || !strings.HasPrefix(lines[0], "rij,kolom,beweringen") {
		t.Fatalf("csv has %d lines for %d cells: %q", len(lines), len(d.Matrix.Cells), lines[0])
	}
	if !slices.ContainsFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "Eigen Kracht-conferentie (familiegroepsconferentie),opvoeding")
	}) {
		t.Errorf("csv lacks the FGC line in Dutch:\n%s", d.Matrix.CSV)
	}
}

// TestCompareRowsAreTheCSV: on the bundled KB, Comparison.rows and Comparison.csv carry the same
// values (the page renders rows), worded in Dutch without raw codes.
func TestCompareRowsAreTheCSV(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	var d struct {
		Compare struct {
			Rows []struct {
				Property, Label string
				Values          []string
			}
			CSV string
		}
		FGC, RCT struct{ Own, Via int }
	}
	anQuery(t, h, `{ compare(ids: ["method/family-group-conferencing", "initiative/fgc-amsterdam-rct"]) { rows { property label values } csv }
		FGC: method(id: "method/family-group-conferencing") { own: claimCount(scope: OWN) via: claimCount(scope: IMPLEMENTATIONS) }
		RCT: method(id: "initiative/fgc-amsterdam-rct") { own: claimCount(scope: OWN) via: claimCount(scope: IMPLEMENTATIONS) } }`, nil, &d)
	lines := strings.Split(strings.TrimSuffix(d.Compare.CSV, "\r\n"), "\r\n")
	if len(lines) != len(d.Compare.Rows)+1 {
		t.Fatalf("csv has %d lines for %d rows", len(lines), len(d.Compare.Rows))
	}
	code := regexp.MustCompile(`\b[A-Z]+_[A-Z_]+\b|\b(POSITIVE|NEGATIVE|CONFIRMED|INFERRED|CANDIDATE|METHOD|INITIATIVE)\b`)
	rows := map[string][]string{}
	for i, r := range d.Compare.Rows {
		rows[r.Property] = r.Values
		rec, err := csv.NewReader(strings.NewReader(lines[i+1])).Read()
		if err != nil || !slices.Equal(rec, append([]string{r.Label}, r.Values...)) {
			t.Errorf("csv line %d = %q; want the row %s %v", i+1, lines[i+1], r.Label, r.Values)
		}
		for _, v := range r.Values {
			if m := code.FindString(v); m != "" {
				t.Errorf("row %s shows the code %s: %q", r.Property, m, v)
			}
		}
	}
	if !strings.Contains(rows["initiativeOutcomes"][0], "uithuisplaatsing: negatief") || !strings.Contains(rows["initiativeOutcomes"][0], "[FGC in de jeugdhulp (Amsterdamse RCT)]") {
		t.Errorf("FGC's initiative outcomes = %q; want the Amsterdam RCT's negative result", rows["initiativeOutcomes"][0])
	}
	counts := []string{strconv.Itoa(d.FGC.Own), strconv.Itoa(d.RCT.Own)}
	if !slices.Equal(rows["claimCount"], counts) || rows["initiativeClaimCount"][0] != strconv.Itoa(d.FGC.Via) {
		t.Errorf("claim counts: %v own, %v through initiatives; want %v and %d (Method.claimCount)", rows["claimCount"], rows["initiativeClaimCount"], counts, d.FGC.Via)
	}
}

// TestSearchSynonyms: Dutch and English words for single-parent families find each other
// (query expansion, graph/search_synonyms.go). The bundled KB has no single-parent items yet, so
// the test adds a target group and a method to it, each worded one way only.
func TestSearchSynonyms(t *testing.T) {
	st := starter(t)
	n := graphtest.Node
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "single-parents", LoadedAt: "2026-01-02T00:00:00Z", Nodes: []graph.NodeSpec{
		n(graph.TypeSource, "source/test-single-parents", "type", "GREY_BE", "title", "Testbron", "status", "CONFIRMED"),
		n(graph.TypeTargetGroup, "targetgroup/test-eenoudergezinnen", "label", map[string]any{"nl": "eenoudergezinnen in armoede"},
			"status", "CONFIRMED", "sources", []any{"source/test-single-parents"}),
		n(graph.TypeMethod, "method/test-lone-parents", "name", map[string]any{"en": "Network circles"},
			"description", map[string]any{"en": "Group meetings for lone parents on a low income."}, "status", "CANDIDATE", "sources", []any{"source/test-single-parents"}),
	}})
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"alleenstaande moeder", []string{"kring:targetgroup/test-eenoudergezinnen", "kring:method/test-lone-parents"}},
		{"eenoudergezin", []string{"kring:targetgroup/test-eenoudergezinnen", "kring:method/test-lone-parents"}},
		{"alleenstaande ouders", []string{"kring:targetgroup/test-eenoudergezinnen", "kring:method/test-lone-parents"}},
		{"single mother", []string{"kring:targetgroup/test-eenoudergezinnen", "kring:method/test-lone-parents"}},
	} {
		var d struct {
			Search struct {
				Edges []struct {
					Node       struct{ ID string }
					Highlights []struct{ Fragments []string }
				}
			}
		}
		anQuery(t, h, `query($q: String!) { search(text: $q, first: 50) { edges { node { id } highlights { fragments } } } }`, map[string]any{"q": tc.text}, &d)
		var got []string
		for _, e := range d.Search.Edges {
			got = append(got, e.Node.ID)
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("search %q = %v; want %s", tc.text, got, w)
			}
		}
	}
	// Recommendations are found, also with the type filter.
	var d struct {
		Search struct {
			TotalCount int
			Nodes      []struct {
				Typename string `json:"__typename"`
				ID       string
			}
		}
	}
	anQuery(t, h, `{ search(text: "buddy vriend hulpverlener", types: [POLICY_RECOMMENDATION]) { totalCount nodes { __typename id } } }`, nil, &d)
	if d.Search.TotalCount == 0 || d.Search.Nodes[0].ID != "kring:recommendation/buddies-act-as-friends" || d.Search.Nodes[0].Typename != "PolicyRecommendation" {
		t.Errorf("search for the buddy recommendation = %+v", d.Search)
	}
}

// TestNotesHaveNoFallback: curator notes are English; a Dutch page gets none.
func TestNotesHaveNoFallback(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	var d struct {
		Claim struct{ NL, EN, Default *string }
	}
	anQuery(t, h, `{ claim(id: "claim/fgc-amsterdam-safety") { NL: note(lang: NL) EN: note(lang: EN) default: note } }`, nil, &d)
	if d.Claim.NL != nil || d.Claim.Default != nil || d.Claim.EN == nil {
		t.Errorf("notes: NL %v, default %v, EN %v; want only the English note", d.Claim.NL, d.Claim.Default, d.Claim.EN)
	}
}

// TestEveryCodeHasLabels: every vocabulary code has a Dutch and an English label in the bundled
// KB, so that no page shows a raw code.
func TestEveryCodeHasLabels(t *testing.T) {
	st := starter(t)
	ctx := context.Background()
	schemes := make([]string, 0, len(graph.Vocabularies))
	for s := range graph.Vocabularies {
		schemes = append(schemes, s)
	}
	sort.Strings(schemes)
	for _, scheme := range schemes {
		for _, code := range graph.Vocabularies[scheme] {
			c, err := graph.Typed[*graph.Concept](ctx, st, graph.ConceptID(scheme, code))
			if err != nil {
				t.Errorf("%s.%s: no concept in kb/starter.yaml (%v)", scheme, code, err)
				continue
			}
			if l := c.Texts["label"]; l.NL == "" || l.EN == "" {
				t.Errorf("%s.%s: label nl %q, en %q; want both", scheme, code, l.NL, l.EN)
			}
		}
	}
}

// TestCatalogue: findMethods with the catalogue's filters and sort, and its CSV in the same
// order, one line per item, in Dutch.
func TestCatalogue(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	var d struct {
		FindMethods struct {
			TotalCount int
			Nodes      []struct {
				ID, Name   string
				ClaimCount int
				Confidence *struct{ Level string }
			}
		}
		All          struct{ TotalCount int }
		CatalogueCsv string
	}
	anQuery(t, h, `query($where: MethodWhere, $order: [MethodOrder!]) {
		findMethods(where: $where, orderBy: $order, first: 500) { totalCount nodes { id name claimCount confidence { level } } }
		all: findMethods(first: 500) { totalCount }
		catalogueCsv(where: $where, orderBy: $order) }`, map[string]any{
		"where": map[string]any{"is": map[string]any{"minConfidence": "LOW"}},
		"order": []any{map[string]any{"by": "CONFIDENCE", "direction": "DESC"}, map[string]any{"by": "NAME"}},
	}, &d)
	ms := d.FindMethods.Nodes
	if len(ms) == 0 || len(ms) >= d.All.TotalCount {
		t.Fatalf("minConfidence LOW keeps %d of %d", len(ms), d.All.TotalCount)
	}
	rank := map[string]int{"VERY_LOW": 0, "LOW": 1, "MODERATE": 2, "HIGH": 3}
	for i, m := range ms {
		if m.Confidence == nil || rank[m.Confidence.Level] < 1 || m.ClaimCount == 0 {
			t.Errorf("%s: confidence %+v, %d claims; want LOW or better", m.ID, m.Confidence, m.ClaimCount)
		}
		if i > 0 && m.Confidence != nil && ms[i-1].Confidence != nil && rank[m.Confidence.Level] > rank[ms[i-1].Confidence.Level] {
			t.Errorf("%s sorts after a lower confidence", m.ID)
		}
	}
	lines := strings.Split(strings.TrimSuffix(d.CatalogueCsv, "\r\n"), "\r\n")
	if len(lines) != len(ms)+1 || !strings.HasPrefix(lines[0], "naam,soort,status,werkmodellen") {
		t.Fatalf("catalogue csv: %d lines for %d methods, header %q", len(lines), len(ms), lines[0])
	}
	for i, m := range ms {
		rec, err := csv.NewReader(strings.NewReader(lines[i+1])).Read()
		if err != nil || rec[0] != m.Name || rec[len(rec)-1] != strings.TrimPrefix(m.ID, "kring:") {
			t.Errorf("csv line %d = %v; want %s (%s)", i+1, rec, m.Name, m.ID)
		}
	}
}

// TestEvidenceFieldsResolve: every field the UI helpers code against answers on the bundled KB.
func TestEvidenceFieldsResolve(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	var d struct {
		Matrix struct {
			Rows []struct {
				Key     string
				IsNone  bool
				Status  *string
				Broader *string
				Depth   int
			}
			Table struct {
				Confidence                             []*string
				ViaCount, UnconfirmedCount, ClaimCount []int
			}
			CSV string
		}
		ClaimStats []struct {
			Value *struct {
				Key    string
				IsNone bool
			}
			ClaimCount int
			ViaCount   int
			Confidence struct {
				Level       string
				Explanation []string
			}
		}
		Claims struct {
			Nodes []struct {
				Confidence struct {
					Level   string
					Reasons []string
				}
			}
		}
	}
	anQuery(t, h, `{ matrix(rows: WORK_MODEL, columns: ACTOR_TYPE, terms: AS_CODED, viaImplementations: false, filter: { confirmedOnly: false }) {
		rows { key isNone status broader depth } table { confidence viaCount unconfirmedCount claimCount } csv(lang: EN) }
		claimStats(groupBy: WORK_MODEL) { value { key isNone } claimCount viaCount confidence { level explanation(lang: EN) } }
		claims(first: 100) { nodes { confidence { level reasons } } } }`, nil, &d)
	m := d.Matrix
	if len(m.Table.Confidence) != len(m.Table.ClaimCount) || len(m.Table.ViaCount) != len(m.Table.ClaimCount) || len(m.Table.ClaimCount) == 0 {
		t.Errorf("table columns: %d confidences, %d via, %d claim counts", len(m.Table.Confidence), len(m.Table.ViaCount), len(m.Table.ClaimCount))
	}
	for _, v := range m.Table.ViaCount {
		if v != 0 {
			t.Errorf("viaImplementations: false still counts %d via", v)
		}
	}
	if r := m.Rows[0]; r.Status == nil || r.IsNone || r.Broader != nil || r.Depth != 0 {
		t.Errorf("first work-model row = %+v; want a status and no broader term", r)
	}
	if !strings.HasPrefix(m.CSV, "row,column,claims,via initiatives") {
		t.Errorf("csv(lang: EN) starts %q", m.CSV[:min(60, len(m.CSV))])
	}
	last := d.ClaimStats[len(d.ClaimStats)-1]
	if last.Value == nil || !last.Value.IsNone || last.Confidence.Level == "" || len(last.Confidence.Explanation) == 0 {
		t.Errorf("last claimStats group = %+v; want the none group, rated", last)
	}
	for _, c := range d.Claims.Nodes {
		if c.Confidence.Level == "" || len(c.Confidence.Reasons) == 0 {
			t.Errorf("claim confidence %+v", c.Confidence)
		}
	}
}
