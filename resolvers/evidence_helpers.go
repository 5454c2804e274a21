package resolvers

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"kring/graph"
)

// Presentation of the evidence (issue 11): confidence explanations, the matrix and catalogue
// CSVs, the roll-up arguments and claims through implementations. graph computes; this file
// words and lays out.

// matrixOptions turns the matrix's and claimStats' roll-up arguments into graph options.
func matrixOptions(terms *graph.TermMode, via *bool) graph.MatrixOptions {
	return graph.MatrixOptions{
		AsCoded: terms != nil && *terms == graph.TermsAsCoded,
		NoVia:   via != nil && !*via,
	}
}

// text is a Dutch and an English wording.
type text struct{ nl, en string }

func (t text) in(lang graph.Lang) string {
	if lang == graph.EN {
		return t.en
	}
	return t.nl
}

// reasonTexts explain each confidence reason (the rule: graph/confidence.go, Rate).
var reasonTexts = map[graph.ConfidenceReason]text{
	graph.ReasonStrongDesign:           {"Sterk onderzoeksdesign (systematische review, meta-analyse of gerandomiseerd onderzoek): vertrekt van hoog.", "Strong study design (systematic review, meta-analysis or randomised trial): starts from high."},
	graph.ReasonModerateDesign:         {"Onderzoeksdesign met een meting (quasi-experimenteel: vertrekt van matig; voor- en nameting zonder controlegroep: van laag).", "Study design with a measurement (quasi-experimental: starts from moderate; pre–post without a comparison group: from low)."},
	graph.ReasonWeakDesign:             {"Zwak onderzoeksdesign (kwalitatief onderzoek of praktijkervaring): vertrekt van zeer laag.", "Weak study design (qualitative study or practice experience): starts from very low."},
	graph.ReasonUnknownDesign:          {"Geen onderzoeksdesign vermeld: vertrekt van zeer laag.", "No study design stated: starts from very low."},
	graph.ReasonClaimNotConfirmed:      {"De bewering zelf is nog niet bevestigd: één niveau lager.", "The claim itself is not confirmed yet: one level down."},
	graph.ReasonAssignmentNotConfirmed: {"De koppeling waarlangs de bewering hier meetelt (werkmodel, actor of randvoorwaarde) is nog niet bevestigd: één niveau lager.", "The link through which the claim counts here (work model, actor or precondition) is not confirmed yet: one level down."},
	graph.ReasonSourceNotConfirmed:     {"Een bron is nog niet bevestigd: één niveau lager.", "A source is not confirmed yet: one level down."},
	graph.ReasonSingleSource:           {"Steunt op één bron: één niveau lager.", "Rests on a single source: one level down."},
	graph.ReasonSeveralSources:         {"Steunt op meerdere onafhankelijke bronnen.", "Rests on several independent sources."},
	graph.ReasonInconsistentDirections: {"De resultaten wijzen niet dezelfde kant op: één niveau lager.", "The results point in different directions: one level down."},
	graph.ReasonViaImplementation:      {"Telt mee via een initiatief dat de methodiek toepast.", "Counts through an initiative that implements the method."},
}

// explain words a confidence's reasons in lang.
func explain(c *graph.Confidence, lang graph.Lang) []string {
	out := make([]string, 0, len(c.Reasons))
	for _, r := range c.Reasons {
		if t, ok := reasonTexts[r]; ok {
			out = append(out, t.in(lang))
		}
	}
	return out
}

var confidenceTexts = map[graph.ConfidenceLevel]text{
	graph.ConfidenceHigh:     {"hoog", "high"},
	graph.ConfidenceModerate: {"matig", "moderate"},
	graph.ConfidenceLow:      {"laag", "low"},
	graph.ConfidenceVeryLow:  {"zeer laag", "very low"},
}

var kindTexts = map[graph.MethodKind]text{
	graph.KindMethod:     {"methodiek", "method"},
	graph.KindInitiative: {"initiatief", "initiative"},
}

// labeller labels vocabulary codes and nodes in one language, from the concept nodes of the
// knowledge base (a code without a concept label stays as it is; the vocabulary test keeps the
// bundled KB complete).
type labeller struct {
	ctx  context.Context
	st   *graph.Store
	lang graph.Lang
	memo map[string]string
}

func newLabeller(ctx context.Context, st *graph.Store, lang graph.Lang) *labeller {
	return &labeller{ctx: ctx, st: st, lang: lang, memo: map[string]string{}}
}

func (l *labeller) code(scheme, code string) string {
	if code == "" {
		return ""
	}
	return l.node(graph.ConceptID(scheme, code), code)
}

// node returns the name or label of node id in the labeller's language, or fallback.
func (l *labeller) node(id, fallback string) string {
	if s, ok := l.memo[id]; ok {
		return s
	}
	s := fallback
	if n, err := l.st.Node(l.ctx, id); err == nil {
		switch n := n.(type) {
		case *graph.Concept:
			s = n.Label(l.lang)
		case *graph.WorkModel:
			s = n.Name(l.lang)
		case *graph.Method:
			s = n.Name(l.lang)
		case *graph.TargetGroup:
			s = n.Label(l.lang)
		case *graph.Outcome:
			s = n.Label(l.lang)
		}
	}
	l.memo[id] = s
	return s
}

func (l *labeller) design(d *graph.StudyDesign) string {
	if d == nil {
		return ""
	}
	return l.code("StudyDesign", string(*d))
}

func (l *labeller) level(e *graph.EvidenceLevel) string {
	if e == nil {
		return ""
	}
	return l.code("EvidenceLevel", string(*e))
}

func writeCSV(rows [][]string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.WriteAll(rows)
	return b.String()
}

// matrixCSV lays out a matrix's non-empty cells as CSV, the numbers of the cells exactly.
func matrixCSV(ctx context.Context, st *graph.Store, m *graph.Matrix, lang graph.Lang) string {
	l := newLabeller(ctx, st, lang)
	head := []string{"rij", "kolom", "beweringen", "via initiatieven", "niet bevestigd", "positief", "geen effect", "negatief", "gemengd", "bronnen", "sterkste design", "vertrouwen"}
	if lang == graph.EN {
		head = []string{"row", "column", "claims", "via initiatives", "unconfirmed", "positive", "no effect", "negative", "mixed", "sources", "strongest design", "confidence"}
	}
	labels := map[string]string{}
	for _, v := range append(append([]*graph.AxisValue{}, m.Rows...), m.Columns...) {
		labels[v.Key] = v.Label(lang)
	}
	rows := [][]string{head}
	itoa := strconv.Itoa
	for _, c := range m.Cells {
		rows = append(rows, []string{labels[c.Row], labels[c.Column], itoa(c.ClaimCount), itoa(c.ViaCount), itoa(c.UnconfirmedCount),
			itoa(c.Positive), itoa(c.None), itoa(c.Negative), itoa(c.Mixed), itoa(c.SourceCount),
			l.design(c.StrongestDesign), confidenceTexts[c.Confidence().Level].in(lang)})
	}
	return writeCSV(rows)
}

// catalogueCSV lays out the catalogue: one line per method or initiative, in the given order.
func catalogueCSV(ctx context.Context, st *graph.Store, ms []*graph.Method, lang graph.Lang) (string, error) {
	l := newLabeller(ctx, st, lang)
	head := []string{"naam", "soort", "status", "werkmodellen", "actoren", "doelgroepen", "regio's", "uitkomstdomeinen",
		"eigen beweringen", "beweringen via initiatieven", "bronnen", "sterkste design", "bewijsniveau", "vertrouwen", "id"}
	if lang == graph.EN {
		head = []string{"name", "kind", "status", "work models", "actors", "target groups", "regions", "outcome domains",
			"own claims", "claims via initiatives", "sources", "strongest design", "evidence level", "confidence", "id"}
	}
	rows := [][]string{head}
	join := func(xs []string) string {
		sort.Strings(xs)
		xs = compactStrings(xs)
		return strings.Join(xs, "; ")
	}
	for _, m := range ms {
		var wms, actors, tgs, regions, domains []string
		for _, id := range m.AssignmentIDs {
			if a, err := graph.Typed[*graph.Assignment](ctx, st, id); err == nil {
				wms = append(wms, l.node(a.WorkModelID, graph.ShortID(a.WorkModelID)))
			}
		}
		for _, id := range m.InvolvementIDs {
			if inv, err := graph.Typed[*graph.Involvement](ctx, st, id); err == nil {
				actors = append(actors, l.code("ActorType", string(inv.ActorType)))
			}
		}
		for _, id := range m.TargetGroupIDs {
			tgs = append(tgs, l.node(id, graph.ShortID(id)))
		}
		for _, id := range m.RegionIDs {
			regions = append(regions, l.node(id, graph.ShortID(id)))
		}
		claims, err := st.MethodClaims(ctx, m.ID, graph.ScopeAll, nil)
		if err != nil {
			return "", err
		}
		own, via := 0, 0
		sources := map[string]bool{}
		var strongest *graph.StudyDesign
		for _, c := range claims {
			if c.Via == "" {
				own++
			} else {
				via++
			}
			domains = append(domains, l.code("OutcomeDomain", string(c.Claim.OutcomeDomain)))
			for _, s := range c.Claim.SourceIDs {
				sources[s] = true
			}
			if d := c.Claim.Design; d != nil && (strongest == nil || graph.Rank("StudyDesign", string(*d)) > graph.Rank("StudyDesign", string(*strongest))) {
				strongest = d
			}
		}
		var best *graph.EvidenceLevel
		for _, id := range m.RatingIDs {
			if r, err := graph.Typed[*graph.EvidenceRating](ctx, st, id); err == nil && (best == nil || graph.EvidenceRank(r.Level) > graph.EvidenceRank(*best)) {
				lv := r.Level
				best = &lv
			}
		}
		conf := ""
		if c, err := st.MethodConfidence(ctx, m.ID); err != nil {
			return "", err
		} else if c != nil {
			conf = confidenceTexts[c.Level].in(lang)
		}
		rows = append(rows, []string{m.Name(lang), kindTexts[m.Kind].in(lang), l.code("Status", string(m.Status)),
			join(wms), join(actors), join(tgs), join(regions), join(domains),
			strconv.Itoa(own), strconv.Itoa(via), strconv.Itoa(len(sources)), l.design(strongest), l.level(best), conf, graph.ShortID(m.ID)})
	}
	return writeCSV(rows), nil
}

func compactStrings(xs []string) []string {
	out := xs[:0]
	for i, x := range xs {
		if x != "" && (i == 0 || x != xs[i-1]) {
			out = append(out, x)
		}
	}
	return out
}

// scopedClaimConnection pages over a method's claims in a scope, each edge naming the
// initiative it comes through.
func scopedClaimConnection(ctx context.Context, st *graph.Store, id string, scope *graph.ClaimScope, f *graph.ClaimFilter, first *int, after *string) (*ClaimConnection, error) {
	sc := graph.ScopeOwn
	if scope != nil {
		sc = *scope
	}
	scoped, err := st.MethodClaims(ctx, id, sc, f)
	if err != nil {
		return nil, err
	}
	items := make([]*graph.OutcomeClaim, len(scoped))
	via := map[string]string{}
	for i, c := range scoped {
		items[i] = c.Claim
		if c.Via != "" {
			via[c.Claim.ID] = c.Via
		}
	}
	conn, err := claimConnection(items, first, after, nil, nil)
	if err != nil || len(via) == 0 {
		return conn, err
	}
	for _, e := range conn.Edges {
		if v, ok := via[e.Node.ID]; ok {
			if e.Via, err = one[*graph.Method](ctx, v); err != nil {
				return nil, err
			}
		}
	}
	return conn, nil
}

// MatrixCSV is Query.matrix(rows, columns).csv(lang) without a filter: the matrix as CSV, for
// the export download and `kring export --format matrix-csv`. An unknown axis is
// graph.ErrInvalid.
func MatrixCSV(ctx context.Context, st *graph.Store, rows, columns graph.Axis, lang graph.Lang) (string, error) {
	for _, a := range []graph.Axis{rows, columns} {
		if !slices.Contains(graph.Axes, a) {
			return "", fmt.Errorf("graph: matrix axis %q: %w", a, graph.ErrInvalid)
		}
	}
	m, err := st.MatrixWith(ctx, rows, columns, nil, matrixOptions(nil, nil))
	if err != nil {
		return "", err
	}
	return matrixCSV(ctx, st, m, lang), nil
}

// CatalogueCSV is Query.catalogueCsv(lang) without a filter: every method and initiative, in
// the catalogue's default order, as CSV.
func CatalogueCSV(ctx context.Context, st *graph.Store, lang graph.Lang) (string, error) {
	items, err := st.FindMethods(ctx, nil, nil)
	if err != nil {
		return "", err
	}
	return catalogueCSV(ctx, st, items, lang)
}
