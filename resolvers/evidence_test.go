package resolvers_test

import (
	"slices"
	"strings"
	"testing"

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
			if e.Via.ID != "kring:initiative/fgc-amsterdam-rct" {
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
	// The RCT claims (one source each) rate MODERATE: HIGH from the design, one step for the
	// single source; they come through the initiative.
	if m.Confidence == nil || m.Confidence.Level != "MODERATE" || !slices.Contains(m.Confidence.Reasons, "VIA_IMPLEMENTATION") {
		t.Errorf("confidence = %+v; want MODERATE, through the implementation", m.Confidence)
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
	Claims struct{ Nodes []struct{ ID string } }
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
		cells { row column claimCount viaCount negative unconfirmedCount strongestDesign confidence { level reasons explanation } }
		csv } }`, nil, &d)
	found := false
	for _, c := range d.Matrix.Cells {
		if c.Row != "kring:method/family-group-conferencing" || c.Column != "PARENTING_CHILD" {
			continue
		}
		found = true
		if c.Negative == 0 || c.StrongestDesign == nil || *c.StrongestDesign != "RCT" || c.ViaCount != c.ClaimCount {
			t.Errorf("FGC × PARENTING_CHILD = %+v; want a negative RCT result, every claim via the initiative", c)
		}
		// Safety NONE and placement NEGATIVE disagree, one source: HIGH - 1 - 1 = LOW.
		want := []string{"STRONG_DESIGN", "SINGLE_SOURCE", "INCONSISTENT_DIRECTIONS", "VIA_IMPLEMENTATION"}
		if c.Confidence.Level != "LOW" || !slices.Equal(c.Confidence.Reasons, want) || len(c.Confidence.Explanation) != len(want) {
			t.Errorf("confidence = %+v; want LOW %v with an explanation per reason", c.Confidence, want)
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
		return strings.HasPrefix(l, "Eigen Kracht-conferentie (familiegroepsconferentie),opvoeding") || strings.Contains(l, ",gerandomiseerd gecontroleerd onderzoek,laag")
	}) {
		t.Errorf("csv lacks the FGC line in Dutch:\n%s", d.Matrix.CSV)
	}
}
