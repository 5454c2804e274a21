package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"kring/graph"
	"kring/graph/graphtest"
)

func anPtr[T any](v T) *T { return &v }

// matrixCellRow is a matrix cell without its unexported parts, for comparison.
type matrixCellRow struct {
	Row, Column                     string
	Claims, Sources                 int
	Positive, None, Negative, Mixed int
	Design                          string
	Level                           string
	ClaimIDs                        []string
}

func matrixCellRows(m *graph.Matrix) []matrixCellRow {
	var out []matrixCellRow
	for _, c := range m.Cells {
		out = append(out, matrixCellRow{Row: graph.ShortID(c.Row), Column: graph.ShortID(c.Column), Claims: c.ClaimCount, Sources: c.SourceCount,
			Positive: c.Positive, None: c.None, Negative: c.Negative, Mixed: c.Mixed,
			Design: string(anDeref(c.StrongestDesign)), Level: string(anDeref(c.HighestEvidenceLevel)), ClaimIDs: anShortIDs(c.ClaimIDs())})
	}
	return out
}

func anDeref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func anShortIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = graph.ShortID(id)
	}
	return out
}

func TestMatrix(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	// Counted by hand from the fixture's picture (analytics_fixture_test.go). c7 (timebank) has
	// no work model and lands in the explicit "none" row, which is always shown since some claim
	// of the graph has no work model.
	lonelyWM1 := matrixCellRow{Row: "workmodel/wm1", Column: "LONELINESS_ISOLATION", Claims: 1, Sources: 2, Mixed: 1, Design: "PRE_POST", Level: "EFFECTIEF_EERSTE_AANWIJZINGEN", ClaimIDs: []string{"claim/c5"}}
	supportWM1 := matrixCellRow{Row: "workmodel/wm1", Column: "PERCEIVED_SUPPORT", Claims: 1, Sources: 1, Positive: 1, Design: "RCT", Level: "EFFECTIEF_EERSTE_AANWIJZINGEN", ClaimIDs: []string{"claim/c4"}}
	wm3 := func(c matrixCellRow) matrixCellRow { c.Row = "workmodel/wm3"; return c }
	noneC7 := matrixCellRow{Row: "none", Column: "PARTICIPATION_CITIZENSHIP", Claims: 1, Sources: 1, Negative: 1, ClaimIDs: []string{"claim/c7"}}
	tests := []struct {
		name     string
		f        *graph.ClaimFilter
		want     []matrixCellRow
		wantGaps int
	}{
		{"all claims", nil, []matrixCellRow{
			supportWM1, lonelyWM1,
			{Row: "workmodel/wm2", Column: "LONELINESS_ISOLATION", Claims: 2, Sources: 3, Positive: 2, Design: "RCT", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c1", "claim/c8"}},
			{Row: "workmodel/wm2", Column: "PARTICIPATION_CITIZENSHIP", Claims: 3, Sources: 3, Positive: 2, None: 1, Design: "QUASI_EXPERIMENTAL", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c2", "claim/c3", "claim/c6"}},
			wm3(supportWM1), wm3(lonelyWM1), noneC7,
		}, 4*16 - 7},
		{"confirmed only", &graph.ClaimFilter{Status: []graph.Status{graph.Confirmed}}, []matrixCellRow{
			supportWM1, lonelyWM1,
			{Row: "workmodel/wm2", Column: "LONELINESS_ISOLATION", Claims: 1, Sources: 1, Positive: 1, Design: "RCT", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c1"}},
			{Row: "workmodel/wm2", Column: "PARTICIPATION_CITIZENSHIP", Claims: 3, Sources: 3, Positive: 2, None: 1, Design: "QUASI_EXPERIMENTAL", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c2", "claim/c3", "claim/c6"}},
			wm3(supportWM1), wm3(lonelyWM1), noneC7,
		}, 4*16 - 7},
		{"quasi-experimental or better", &graph.ClaimFilter{MinDesign: anPtr(graph.StudyDesign("QUASI_EXPERIMENTAL"))}, []matrixCellRow{
			supportWM1,
			{Row: "workmodel/wm2", Column: "LONELINESS_ISOLATION", Claims: 2, Sources: 3, Positive: 2, Design: "RCT", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c1", "claim/c8"}},
			{Row: "workmodel/wm2", Column: "PARTICIPATION_CITIZENSHIP", Claims: 1, Sources: 2, Positive: 1, Design: "QUASI_EXPERIMENTAL", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c2"}},
			wm3(supportWM1),
		}, 4*16 - 4},
		{"nothing matches", &graph.ClaimFilter{Method: []string{"method/none"}}, nil, 4 * 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcomeDomain, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, matrixCellRows(m)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
			if m.Gaps != tt.wantGaps || len(m.GapCells()) != tt.wantGaps {
				t.Errorf("gaps = %d, %d gap cells; want %d", m.Gaps, len(m.GapCells()), tt.wantGaps)
			}
			var rows []string
			for _, r := range m.Rows {
				rows = append(rows, r.Key+"="+r.Label(graph.EN))
			}
			if diff := cmp.Diff([]string{"kring:workmodel/wm1=competentie", "kring:workmodel/wm2=personal friend", "kring:workmodel/wm3=netwerk", "none=no work model"}, rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if len(m.Columns) != len(graph.Vocabularies["OutcomeDomain"]) {
				t.Errorf("columns = %d; want every OutcomeDomain code (%d)", len(m.Columns), len(graph.Vocabularies["OutcomeDomain"]))
			}
		})
	}
}

func TestMatrixOtherAxes(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	m, err := st.Matrix(ctx, graph.AxisActorType, graph.AxisSourceType, &graph.ClaimFilter{Outcome: []string{"outcome/part"}})
	if err != nil {
		t.Fatal(err)
	}
	// Participation claims: c2 buddy [s1 ACADEMIC_ANGLO, s2 GREY_BE], c3 buddy [s2], c6 buddy-gent
	// [s4 PRACTICE_HANDBOOK], c7 timebank [s2]. Actor types rolled up: buddy's
	// VOLUNTEER_KEY_FIGURE also counts under VOLUNTEER.
	want := []matrixCellRow{
		{Row: "VOLUNTEER", Column: "ACADEMIC_ANGLO", Claims: 1, Sources: 2, Positive: 1, Design: "QUASI_EXPERIMENTAL", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c2"}},
		{Row: "VOLUNTEER", Column: "GREY_BE", Claims: 2, Sources: 2, Positive: 1, None: 1, Design: "QUASI_EXPERIMENTAL", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c2", "claim/c3"}},
		{Row: "VOLUNTEER", Column: "PRACTICE_HANDBOOK", Claims: 1, Sources: 1, Positive: 1, Design: "PRE_POST", ClaimIDs: []string{"claim/c6"}},
		{Row: "VOLUNTEER_KEY_FIGURE", Column: "ACADEMIC_ANGLO", Claims: 1, Sources: 2, Positive: 1, Design: "QUASI_EXPERIMENTAL", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c2"}},
		{Row: "VOLUNTEER_KEY_FIGURE", Column: "GREY_BE", Claims: 2, Sources: 2, Positive: 1, None: 1, Design: "QUASI_EXPERIMENTAL", Level: "GOED_ONDERBOUWD", ClaimIDs: []string{"claim/c2", "claim/c3"}},
		{Row: "PEER", Column: "GREY_BE", Claims: 1, Sources: 1, Negative: 1, ClaimIDs: []string{"claim/c7"}},
	}
	if diff := cmp.Diff(want, matrixCellRows(m)); diff != "" {
		t.Errorf("ACTOR_TYPE × SOURCE_TYPE (-want +got):\n%s", diff)
	}
	// As coded: VOLUNTEER holds only buddy-gent's own VOLUNTEER claim.
	m, err = st.MatrixWith(ctx, graph.AxisActorType, graph.AxisSourceType, &graph.ClaimFilter{Outcome: []string{"outcome/part"}}, graph.MatrixOptions{AsCoded: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[2:], matrixCellRows(m)); diff != "" {
		t.Errorf("ACTOR_TYPE × SOURCE_TYPE as coded (-want +got):\n%s", diff)
	}
	var be *graph.AxisValue
	if m, err = st.Matrix(ctx, graph.AxisRegion, graph.AxisOutcomeDomain, nil); err != nil {
		t.Fatal(err)
	}
	for _, r := range m.Rows {
		if r.Key == "BE_VLG" {
			be = r
		}
	}
	if be == nil || be.Broader == nil || *be.Broader != "BE" || be.Depth != 1 || be.Status != nil || be.IsNone {
		t.Errorf("REGION row BE_VLG = %+v; want broader BE at depth 1", be)
	}

	// Confirmed only: buddy-gent's own WM2 assignment is INFERRED, but it implements buddy, whose
	// WM2 assignment is CONFIRMED, so its claims stay in WM2, marked via.
	yes := true
	if m, err = st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcome, &graph.ClaimFilter{ConfirmedOnly: &yes, Method: []string{"initiative/buddy-gent"}}); err != nil {
		t.Fatal(err)
	}
	if len(m.Cells) != 1 || m.Cells[0].Row != "kring:workmodel/wm2" || m.Cells[0].ViaCount != 1 || m.Cells[0].UnconfirmedCount != 0 {
		t.Errorf("confirmed-only buddy-gent cells = %+v; want c6 in WM2 through buddy", matrixCellRows(m))
	}
	// Without the roll-up, its only work model is not confirmed: the claim lands in none.
	if m, err = st.MatrixWith(ctx, graph.AxisWorkModel, graph.AxisOutcome, &graph.ClaimFilter{ConfirmedOnly: &yes, Method: []string{"initiative/buddy-gent"}}, graph.MatrixOptions{NoVia: true}); err != nil {
		t.Fatal(err)
	}
	if len(m.Cells) != 1 || m.Cells[0].Row != "none" {
		t.Errorf("confirmed-only buddy-gent cells without roll-up = %+v; want c6 in none", matrixCellRows(m))
	}
	// All statuses, without roll-up: c6 and c8 count in WM2, unconfirmed (the assignment; c8 is a
	// CANDIDATE claim too).
	if m, err = st.MatrixWith(ctx, graph.AxisWorkModel, graph.AxisMethod, &graph.ClaimFilter{Method: []string{"initiative/buddy-gent"}}, graph.MatrixOptions{NoVia: true}); err != nil {
		t.Fatal(err)
	}
	if len(m.Cells) != 1 || m.Cells[0].UnconfirmedCount != 2 || m.Cells[0].Confidence().Reasons[1] != graph.ReasonClaimNotConfirmed {
		t.Errorf("buddy-gent × WM2 = %+v, confidence %+v", matrixCellRows(m), m.Cells[0].Confidence())
	}
	if _, err := st.Matrix(ctx, "COLOUR", graph.AxisOutcome, nil); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("Matrix(unknown axis) error = %v; want ErrInvalid", err)
	}
}

// TestMatrixMatchesRaw checks every pair of axes, with and without filters, against the naive
// computation over the index maps.
func TestMatrixMatchesRaw(t *testing.T) {
	t.Run("bitsets", testMatrixMatchesRaw)
	t.Run("no bitsets", func(t *testing.T) {
		graph.NoTallyBitsForTest(t)
		testMatrixMatchesRaw(t)
	})
}

func testMatrixMatchesRaw(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	filters := []*graph.ClaimFilter{nil,
		{Direction: []graph.Direction{"POSITIVE", "MIXED"}},
		{SourceType: []graph.SourceType{"GREY_BE"}, Status: []graph.Status{graph.Confirmed}},
		{OutcomeDomain: []graph.OutcomeDomain{"LONELINESS_ISOLATION"}, MinDesign: anPtr(graph.StudyDesign("PRE_POST"))},
		{Method: []string{"method/buddy", "kring:initiative/buddy-gent"}},
	}
	yes := true
	filters = append(filters, &graph.ClaimFilter{ConfirmedOnly: &yes})
	for _, o := range []graph.MatrixOptions{{}, {AsCoded: true}, {NoVia: true}, {AsCoded: true, NoVia: true}} {
		for _, r := range graph.Axes {
			for _, c := range graph.Axes {
				for i, f := range filters {
					got, err := st.MatrixWith(ctx, r, c, f, o)
					if err != nil {
						t.Fatal(err)
					}
					want, ids, err := graph.MatrixRaw(ctx, st, r, c, f, o)
					if err != nil {
						t.Fatal(err)
					}
					opts := cmp.Options{cmpopts.IgnoreUnexported(graph.Matrix{}, graph.MatrixCell{}, graph.AxisValue{})}
					if diff := cmp.Diff(want, got, opts); diff != "" {
						t.Errorf("%s × %s, filter %d, %+v (-raw +fast):\n%s", r, c, i, o, diff)
					}
					for _, cell := range got.Cells {
						if diff := cmp.Diff(ids[[2]string{cell.Row, cell.Column}], cell.ClaimIDs()); diff != "" {
							t.Errorf("%s × %s, filter %d, cell %s/%s claims (-raw +fast):\n%s", r, c, i, cell.Row, cell.Column, diff)
						}
					}
				}
			}
		}
	}
}

// TestClaimMatcherAgreesWithClaims: the analytics filter selects exactly what Store.Claims does.
func TestClaimMatcherAgreesWithClaims(t *testing.T) {
	// A new ClaimFilter field must be taught to claimMatcher (analytics.go) too.
	if n := reflect.TypeOf(graph.ClaimFilter{}).NumField(); n != 8 {
		t.Fatalf("ClaimFilter has %d fields; claimMatcher handles 8: update it and this test", n)
	}
	ctx := context.Background()
	st := analyticsStore(t)
	filters := []*graph.ClaimFilter{nil, {},
		{Direction: []graph.Direction{"NEGATIVE"}},
		{MinDesign: anPtr(graph.StudyDesign("RCT"))},
		{OutcomeDomain: []graph.OutcomeDomain{"PERCEIVED_SUPPORT", "PARTICIPATION_CITIZENSHIP"}},
		{OutcomeDomain: []graph.OutcomeDomain{"HOUSING"}},
		{Outcome: []string{"outcome/lonely", "kring:outcome/none"}},
		{Method: []string{"method/fgc"}},
		{Status: []graph.Status{graph.Candidate}},
		{SourceType: []graph.SourceType{"ACADEMIC_NL", "PRACTICE_HANDBOOK"}},
		{SourceType: []graph.SourceType{"THESIS"}},
		{Direction: []graph.Direction{"POSITIVE"}, MinDesign: anPtr(graph.StudyDesign("QUASI_EXPERIMENTAL")), SourceType: []graph.SourceType{"GREY_BE"}},
	}
	for i, f := range filters {
		claims, err := st.Claims(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{}
		for _, c := range claims {
			want = append(want, c.ID)
		}
		groups, err := st.ClaimStats(ctx, f, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, groups[0].ClaimIDs()); diff != "" {
			t.Errorf("filter %d %+v (-Claims +analytics):\n%s", i, f, diff)
		}
	}
}

func TestClaimStats(t *testing.T) {
	t.Run("bitsets", testClaimStats)
	t.Run("no bitsets", func(t *testing.T) {
		graph.NoTallyBitsForTest(t)
		testClaimStats(t)
	})
}

func testClaimStats(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	byDomain := graph.AxisOutcomeDomain
	groups, err := st.ClaimStats(ctx, nil, &byDomain)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Key                      string
		Claims, Sources          int
		Positive, None, Neg, Mix int
		N, Effect                graph.NumberSummary
	}
	var got []row
	for _, g := range groups {
		got = append(got, row{g.Value.Key, g.ClaimCount, g.SourceCount, g.Positive, g.None, g.Negative, g.Mixed, *g.SampleSize, *g.EffectSize})
	}
	num := func(n int, min, max, avg float64) graph.NumberSummary {
		return graph.NumberSummary{Count: n, Min: &min, Max: &max, Avg: &avg}
	}
	want := []row{
		{"PERCEIVED_SUPPORT", 1, 1, 1, 0, 0, 0, num(1, 200, 200, 200), num(1, 0.3, 0.3, 0.3)},
		{"LONELINESS_ISOLATION", 3, 4, 2, 0, 0, 1, num(1, 100, 100, 100), num(1, 0.5, 0.5, 0.5)},
		{"PARTICIPATION_CITIZENSHIP", 4, 3, 2, 1, 1, 0, num(2, 20, 40, 30), graph.NumberSummary{}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claimStats by domain (-want +got):\n%s", diff)
	}
	all, err := st.ClaimStats(ctx, &graph.ClaimFilter{Status: []graph.Status{graph.Confirmed}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Value != nil || all[0].ClaimCount != 7 || all[0].SourceCount != 4 || anDeref(all[0].StrongestDesign) != "RCT" {
		t.Errorf("claimStats ungrouped = %+v; want one group, 7 claims, 4 sources, RCT", all[0])
	}
}

func anMethodIDs(ms []*graph.Method) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, graph.ShortID(m.ID))
	}
	return out
}

func TestFindMethods(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	vol := graph.ActorType("VOLUNTEER")
	initiative := graph.KindInitiative
	participationQuasi := &graph.ClaimFilter{OutcomeDomain: []graph.OutcomeDomain{"PARTICIPATION_CITIZENSHIP"},
		Direction: []graph.Direction{"POSITIVE"}, MinDesign: anPtr(graph.StudyDesign("QUASI_EXPERIMENTAL"))}
	positive := &graph.ClaimFilter{Direction: []graph.Direction{"POSITIVE"}}
	tests := []struct {
		name  string
		where *graph.MethodWhere
		order []*graph.MethodOrder
		want  []string
	}{
		{"everything, id order", nil, nil, []string{"initiative/buddy-gent", "method/buddy", "method/empty", "method/fgc", "method/timebank"}},
		{"volunteer-based, ≥ 2 sources, positive participation, quasi-experimental or better", &graph.MethodWhere{And: []*graph.MethodWhere{
			{Is: &graph.MethodFilter{ActorType: &vol}},
			{Claims: &graph.ClaimsWhere{Some: &graph.SomeClaims{Where: participationQuasi, MinSources: anPtr(2)}}},
		}}, nil, []string{"method/buddy"}},
		{"… with ≥ 3 sources", &graph.MethodWhere{Is: &graph.MethodFilter{ActorType: &vol},
			Claims: &graph.ClaimsWhere{Some: &graph.SomeClaims{Where: participationQuasi, MinSources: anPtr(3)}}}, nil, []string{}},
		{"at least two claims", &graph.MethodWhere{Claims: &graph.ClaimsWhere{Some: &graph.SomeClaims{MinClaims: anPtr(2)}}}, nil,
			[]string{"initiative/buddy-gent", "method/buddy", "method/fgc"}},
		{"initiatives or no positive claim", &graph.MethodWhere{Or: []*graph.MethodWhere{
			{Is: &graph.MethodFilter{Kind: &initiative}},
			{Claims: &graph.ClaimsWhere{None: positive}},
		}}, nil, []string{"initiative/buddy-gent", "method/empty", "method/timebank"}},
		{"all claims positive (vacuous for no claims)", &graph.MethodWhere{Claims: &graph.ClaimsWhere{All: positive}}, nil,
			[]string{"initiative/buddy-gent", "method/empty"}},
		{"all positive, and some", &graph.MethodWhere{Claims: &graph.ClaimsWhere{All: positive, Some: &graph.SomeClaims{}}}, nil,
			[]string{"initiative/buddy-gent"}},
		{"not: without claims", &graph.MethodWhere{Not: &graph.MethodWhere{Claims: &graph.ClaimsWhere{None: &graph.ClaimFilter{}}}}, nil,
			[]string{"initiative/buddy-gent", "method/buddy", "method/fgc", "method/timebank"}},
		{"empty OR matches nothing", &graph.MethodWhere{Or: []*graph.MethodWhere{}}, nil, []string{}},
		{"experts by experience and practitioners disagree", &graph.MethodWhere{Disagreement: &graph.DisagreementWhere{
			Groups: []graph.StakeholderGroup{"ERVARINGSDESKUNDIGEN", "PRAKTIJKDESKUNDIGEN"}}}, nil, []string{"method/buddy"}},
		{"by claim count, descending", nil, []*graph.MethodOrder{{By: graph.OrderByClaimCount, Direction: graph.Desc}},
			[]string{"method/buddy", "initiative/buddy-gent", "method/fgc", "method/timebank", "method/empty"}},
		{"by source count, descending", nil, []*graph.MethodOrder{{By: graph.OrderBySourceCount, Direction: graph.Desc}},
			[]string{"initiative/buddy-gent", "method/buddy", "method/fgc", "method/timebank", "method/empty"}},
		{"by evidence level, then name in English", nil, []*graph.MethodOrder{{By: graph.OrderByEvidenceLevel, Direction: graph.Desc}, {By: graph.OrderByName, Lang: graph.EN}},
			[]string{"method/fgc", "method/buddy", "initiative/buddy-gent", "method/timebank", "method/empty"}},
		{"by name (Dutch)", nil, []*graph.MethodOrder{{By: graph.OrderByName, Lang: graph.NL}},
			[]string{"initiative/buddy-gent", "method/buddy", "method/fgc", "method/timebank", "method/empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := st.FindMethods(ctx, tt.where, tt.order)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, anMethodIDs(ms)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	deep := &graph.MethodWhere{}
	for i := 0; i < 20; i++ {
		deep = &graph.MethodWhere{Not: deep}
	}
	bad := []struct {
		name  string
		where *graph.MethodWhere
		order []*graph.MethodOrder
	}{
		{"too deep", deep, nil},
		{"negative count", &graph.MethodWhere{Claims: &graph.ClaimsWhere{Some: &graph.SomeClaims{MinSources: anPtr(-1)}}}, nil},
		{"unknown sort key", nil, []*graph.MethodOrder{{By: "COLOUR"}}},
	}
	for _, b := range bad {
		if _, err := st.FindMethods(ctx, b.where, b.order); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("FindMethods(%s) error = %v; want ErrInvalid", b.name, err)
		}
	}
}

func TestPaths(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	type step struct{ From, To, Pred, Dir string }
	flat := func(r *graph.PathResult) [][]step {
		var out [][]step
		for _, p := range r.Paths {
			var s []step
			for _, e := range p.Edges {
				s = append(s, step{graph.ShortID(e.From), graph.ShortID(e.To), e.Predicate, string(e.Direction)})
			}
			out = append(out, s)
		}
		return out
	}
	direct := []step{{"method/fgc", "claim/c4", "subject", "BACKWARD"}, {"claim/c4", "outcome/support", "outcome", "FORWARD"}}
	viaSource := []step{{"method/fgc", "claim/c5", "subject", "BACKWARD"}, {"claim/c5", "source/s3", "source", "FORWARD"},
		{"source/s3", "claim/c4", "source", "BACKWARD"}, {"claim/c4", "outcome/support", "outcome", "FORWARD"}}
	// recommendation/r3 rests on both c4 and c5.
	viaRecommendation := []step{{"method/fgc", "claim/c5", "subject", "BACKWARD"}, {"claim/c5", "recommendation/r3", "supportedBy", "BACKWARD"},
		{"recommendation/r3", "claim/c4", "supportedBy", "FORWARD"}, {"claim/c4", "outcome/support", "outcome", "FORWARD"}}
	for _, tt := range []struct {
		hops int
		want [][]step
	}{{1, nil}, {2, [][]step{direct}}, {3, [][]step{direct}}, {4, [][]step{direct, viaRecommendation, viaSource}}} {
		r, err := st.Paths(ctx, "method/fgc", "outcome/support", tt.hops)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, flat(r)); diff != "" {
			t.Errorf("paths within %d hops (-want +got):\n%s", tt.hops, diff)
		}
		if r.Truncated {
			t.Errorf("paths within %d hops: truncated", tt.hops)
		}
	}
	r, _ := st.Paths(ctx, "kring:method/fgc", "kring:outcome/support", 4)
	if p := r.Paths[2]; p.Hops() != 4 || !cmp.Equal(anShortIDs(p.ClaimIDs), []string{"claim/c5", "claim/c4"}) ||
		!cmp.Equal(anShortIDs(p.NodeIDs), []string{"method/fgc", "claim/c5", "source/s3", "claim/c4", "outcome/support"}) {
		t.Errorf("third path = %v, claims %v; want fgc→c5→s3→c4→support with claims c5, c4", p.NodeIDs, p.ClaimIDs)
	}
	// A research question answered by two methods does not join them (TestPathsNotThroughQuestions).
	// Many paths: from a source shared by many links, within 4 hops, to a busy concept.
	r, err := st.Paths(ctx, "source/s2", "concept/Region/BE", 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(r.Paths); i++ {
		if r.Paths[i].Hops() < r.Paths[i-1].Hops() {
			t.Errorf("paths not shortest first: %d hops after %d", r.Paths[i].Hops(), r.Paths[i-1].Hops())
		}
	}
	for _, p := range r.Paths {
		seen := map[string]bool{}
		for _, id := range p.NodeIDs {
			if seen[id] {
				t.Errorf("path %v is not simple", p.NodeIDs)
			}
			seen[id] = true
		}
	}
	for _, bad := range []struct {
		from, to string
		hops     int
		want     error
	}{
		{"method/fgc", "outcome/support", 5, graph.ErrInvalid},
		{"method/fgc", "outcome/support", 0, graph.ErrInvalid},
		{"method/fgc", "method/fgc", 2, graph.ErrInvalid},
		{"method/nope", "outcome/support", 2, graph.ErrNotFound},
	} {
		if _, err := st.Paths(ctx, bad.from, bad.to, bad.hops); !errors.Is(err, bad.want) {
			t.Errorf("Paths(%s, %s, %d) error = %v; want %v", bad.from, bad.to, bad.hops, err, bad.want)
		}
	}
}

func TestCompare(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	c, err := st.Compare(ctx, []string{"method/buddy", "kring:method/fgc", "method/buddy"}, graph.EN)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"kring:method/buddy", "kring:method/fgc"}, c.ItemIDs); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	// The facts; their wording is the presenting layer's (resolvers, TestCompareAPI).
	buddy, fgc := c.Items[0], c.Items[1]
	var wms []string
	for _, w := range fgc.WorkModels {
		wms = append(wms, w.Code)
	}
	if diff := cmp.Diff([]string{"WM1", "WM3"}, wms); diff != "" {
		t.Errorf("fgc work models (-want +got):\n%s", diff)
	}
	var own, via []string
	for _, sc := range buddy.Claims {
		if sc.Via == "" {
			own = append(own, graph.ShortID(sc.Claim.ID))
		} else {
			via = append(via, graph.ShortID(sc.Claim.ID)+"@"+graph.ShortID(sc.Via))
		}
	}
	if diff := cmp.Diff([]string{"claim/c1", "claim/c2", "claim/c3"}, own); diff != "" {
		t.Errorf("buddy's own claims (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"claim/c6@initiative/buddy-gent", "claim/c8@initiative/buddy-gent"}, via); diff != "" {
		t.Errorf("buddy's claims through implementations (-want +got):\n%s", diff)
	}
	// Sources of buddy and its links and claims: s1 (assignment, involvement, c1, c2), s2.
	if diff := cmp.Diff([]string{"kring:source/s1", "kring:source/s2"}, buddy.SourceIDs); diff != "" {
		t.Errorf("buddy's sources (-want +got):\n%s", diff)
	}
	if len(buddy.Judgements) != 3 || len(fgc.Preconditions) != 1 || fgc.Preconditions[0].Label(graph.NL) != "financiering" {
		t.Errorf("judgements %d, fgc preconditions %+v", len(buddy.Judgements), fgc.Preconditions)
	}
	for _, bad := range []struct {
		ids  []string
		want error
	}{
		{nil, graph.ErrInvalid},
		{[]string{"method/buddy", "method/fgc", "method/empty", "method/timebank", "initiative/buddy-gent", "method/x"}, graph.ErrInvalid},
		{[]string{"workmodel/wm1"}, graph.ErrInvalid},
		{[]string{"method/buddy", "method/nope"}, graph.ErrNotFound},
	} {
		if _, err := st.Compare(ctx, bad.ids, graph.NL); !errors.Is(err, bad.want) {
			t.Errorf("Compare(%v) error = %v; want %v", bad.ids, err, bad.want)
		}
	}
}

func TestJudgementsByGroup(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	m, err := graph.Typed[*graph.Method](ctx, st, "method/buddy")
	if err != nil {
		t.Fatal(err)
	}
	var as []*graph.Assessment
	for _, id := range m.AssessmentIDs {
		a, err := graph.Typed[*graph.Assessment](ctx, st, id)
		if err != nil {
			t.Fatal(err)
		}
		as = append(as, a)
	}
	type row struct {
		Criterion string
		Values    string
		Disagree  bool
		Spread    int
	}
	flat := func(js []*graph.StakeholderJudgement) []row {
		var out []row
		for _, j := range js {
			var vs []string
			for _, g := range j.Judgements {
				vs = append(vs, string(g.Group)+"="+string(g.Value))
			}
			out = append(out, row{string(j.Criterion), strings.Join(vs, " "), j.Disagreement, j.Spread})
		}
		return out
	}
	all := []row{
		{"PERSONAL", "ERVARINGSDESKUNDIGEN=HIGH PRAKTIJKDESKUNDIGEN=LOW", true, 2},
		{"DURABLE", "ERVARINGSDESKUNDIGEN=MEDIUM PRAKTIJKDESKUNDIGEN=MEDIUM", false, 0},
		{"COST", "ERVARINGSDESKUNDIGEN=UNKNOWN PRAKTIJKDESKUNDIGEN=HIGH VRIJWILLIGERS=LOW", true, 2},
	}
	if diff := cmp.Diff(all, flat(graph.JudgementsByGroup(as, nil))); diff != "" {
		t.Errorf("all groups (-want +got):\n%s", diff)
	}
	two := []row{
		{"PERSONAL", "ERVARINGSDESKUNDIGEN=HIGH PRAKTIJKDESKUNDIGEN=LOW", true, 2},
		{"DURABLE", "ERVARINGSDESKUNDIGEN=MEDIUM PRAKTIJKDESKUNDIGEN=MEDIUM", false, 0},
		{"COST", "ERVARINGSDESKUNDIGEN=UNKNOWN PRAKTIJKDESKUNDIGEN=HIGH", false, 0}, // UNKNOWN does not count
	}
	if diff := cmp.Diff(two, flat(graph.JudgementsByGroup(as, []graph.StakeholderGroup{"PRAKTIJKDESKUNDIGEN", "ERVARINGSDESKUNDIGEN"}))); diff != "" {
		t.Errorf("two groups (-want +got):\n%s", diff)
	}
}

func TestSummarizeEvidence(t *testing.T) {
	design := func(d string) *graph.StudyDesign { return anPtr(graph.StudyDesign(d)) }
	claim := func(id, dir string, d *graph.StudyDesign, sources ...string) *graph.OutcomeClaim {
		return &graph.OutcomeClaim{Base: graph.Base{ID: id, SourceIDs: sources}, Direction: graph.Direction(dir), Design: d}
	}
	tests := []struct {
		name   string
		claims []*graph.OutcomeClaim
		want   graph.EvidenceStrength
	}{
		{"no claims", nil, graph.StrengthNone},
		{"two quasi-experimental sources", []*graph.OutcomeClaim{claim("a", "POSITIVE", design("RCT"), "s1"), claim("b", "POSITIVE", design("QUASI_EXPERIMENTAL"), "s1", "s2")}, graph.StrengthStrong},
		{"one review", []*graph.OutcomeClaim{claim("a", "POSITIVE", design("SYSTEMATIC_REVIEW_META"), "s1")}, graph.StrengthStrong},
		{"one RCT, one source", []*graph.OutcomeClaim{claim("a", "POSITIVE", design("RCT"), "s1")}, graph.StrengthModerate},
		{"two qualitative sources", []*graph.OutcomeClaim{claim("a", "POSITIVE", design("QUALITATIVE"), "s1", "s2")}, graph.StrengthModerate},
		{"one practice source", []*graph.OutcomeClaim{claim("a", "POSITIVE", nil, "s1")}, graph.StrengthWeak},
		{"strong but mixed", []*graph.OutcomeClaim{claim("a", "POSITIVE", design("RCT"), "s1"), claim("b", "MIXED", design("RCT"), "s2")}, graph.StrengthModerate},
		{"moderate but contradicted", []*graph.OutcomeClaim{claim("a", "POSITIVE", design("RCT"), "s1"), claim("b", "NONE", design("PRE_POST"), "s1")}, graph.StrengthWeak},
		{"weak stays weak", []*graph.OutcomeClaim{claim("a", "MIXED", nil, "s1")}, graph.StrengthWeak},
	}
	for _, tt := range tests {
		if got := graph.SummarizeEvidence(tt.claims).Strength; got != tt.want {
			t.Errorf("SummarizeEvidence(%s).Strength = %s; want %s", tt.name, got, tt.want)
		}
	}
	s := graph.SummarizeEvidence([]*graph.OutcomeClaim{claim("a", "POSITIVE", design("QUALITATIVE"), "s1", "s2"), claim("b", "NEGATIVE", design("RCT"), "s2", "s3")})
	want := &graph.EvidenceSummary{ClaimIDs: []string{"a", "b"}, SourceIDs: []string{"s1", "s2", "s3"}, ClaimCount: 2, SourceCount: 3,
		Positive: 1, Negative: 1, StrongestDesign: design("RCT"), Strength: graph.StrengthModerate} // STRONG, one step down
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

// TestColumnsJSON: the matrix table's columns are the JSON arrays encoding/json would write.
func TestColumnsJSON(t *testing.T) {
	var b strings.Builder
	graph.IntColumn{0, -3, 135814}.MarshalGQL(&b)
	if got := b.String(); got != `[0,-3,135814]` {
		t.Errorf("IntColumn = %s", got)
	}
	b.Reset()
	graph.IntColumn{}.MarshalGQL(&b)
	if got := b.String(); got != `[]` {
		t.Errorf("empty IntColumn = %s", got)
	}
	codes := graph.CodeColumn{"RCT", "", "QUASI_EXPERIMENTAL", `odd "<code>" é`}
	b.Reset()
	codes.MarshalGQL(&b)
	want, _ := json.Marshal([]any{"RCT", nil, "QUASI_EXPERIMENTAL", `odd "<code>" é`})
	if b.String() != string(want) {
		t.Errorf("CodeColumn = %s; want %s", b.String(), want)
	}
	var back graph.CodeColumn
	var list []any
	if err := json.Unmarshal(want, &list); err != nil {
		t.Fatal(err)
	}
	if err := back.UnmarshalGQL(list); err != nil || !slices.Equal(back, codes) {
		t.Errorf("CodeColumn round trip = %q, %v; want %q", back, err, codes)
	}
}

// TestMatrixCache: a matrix is computed once per read model and arguments; a write starts
// afresh.
func TestMatrixCache(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	a, _ := st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil)
	b, _ := st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil)
	pos := []graph.Direction{"POSITIVE"}
	c, _ := st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcomeDomain, &graph.ClaimFilter{Direction: pos})
	if a != b || a == c {
		t.Errorf("same arguments: same matrix %v (want true); other filter: same matrix %v (want false)", a == b, a == c)
	}
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "later", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeOutcome, "outcome/extra", "label", "extra", "domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
	}})
	if d, _ := st.Matrix(ctx, graph.AxisWorkModel, graph.AxisOutcomeDomain, nil); d == a {
		t.Error("after a write: the matrix of the old read model")
	}
}

// TestPathsNotThroughQuestions: a research question answered by two methods is the end of a path
// but not a step between them.
func TestPathsNotThroughQuestions(t *testing.T) {
	ctx := context.Background()
	st := analyticsStore(t)
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "questions", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeResearchQuestion, "question/rq1", "code", "RQ1", "text", map[string]any{"nl": "Welke?", "en": "Which?"},
			"answer", "PARTLY", "answeredBy", []any{"method/buddy", "method/fgc"}, "status", "CONFIRMED"),
	}})
	r, err := st.Paths(ctx, "method/buddy", "method/fgc", 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Paths {
		for _, id := range p.NodeIDs[1 : len(p.NodeIDs)-1] {
			if graph.ShortID(id) == "question/rq1" {
				t.Errorf("a path through the question: %v", p.NodeIDs)
			}
		}
	}
	r, err = st.Paths(ctx, "method/buddy", "question/rq1", 1)
	if err != nil || len(r.Paths) != 1 {
		t.Errorf("method → question: %v, %v; want the one answeredBy edge", r, err)
	}
}
