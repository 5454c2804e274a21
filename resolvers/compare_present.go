package resolvers

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"kring/graph"
)

// The comparison table (Query.compare, GET /compare.csv): graph.Compare gathers the facts; the
// rows are worded here, once, and both Comparison.rows and the CSV are laid out from them, so the
// page (which renders rows) and the download always agree.

// ComparisonRow is one property with one value per item (several values joined by "; ").
type ComparisonRow struct {
	Property string
	label    text
	Values   []string
}

// Label returns the property's name in lang.
func (r *ComparisonRow) Label(lang graph.Lang) string { return r.label.in(lang) }

// comparisonProperties are the rows of a comparison, in order.
var comparisonProperties = []struct {
	property string
	label    text
}{
	{"kind", text{"soort", "kind"}},
	{"status", text{"status", "status"}},
	{"workModels", text{"werkmodellen", "work models"}},
	{"actors", text{"actoren", "actors"}},
	{"targetGroups", text{"doelgroepen", "target groups"}},
	{"supportFunctions", text{"steunfuncties", "support functions"}},
	{"regions", text{"regio's", "regions"}},
	{"outcomes", text{"uitkomsten (richting, design)", "outcomes (direction, design)"}},
	{"initiativeOutcomes", text{"uitkomsten van initiatieven die het toepassen", "outcomes of initiatives implementing it"}},
	{"preconditions", text{"randvoorwaarden", "preconditions"}},
	{"strengths", text{"sterktes", "strengths"}},
	{"weaknesses", text{"zwaktes", "weaknesses"}},
	{"opportunities", text{"kansen", "opportunities"}},
	{"threats", text{"bedreigingen", "threats"}},
	{"assessments", text{"oordelen (criterium: groep=waarde)", "assessments (criterion: group=value)"}},
	{"evidenceLevel", text{"bewijsniveau", "evidence level"}},
	{"confidence", text{"vertrouwen", "confidence"}},
	{"claimCount", text{"aantal uitkomstclaims (eigen)", "outcome claims (own)"}},
	{"initiativeClaimCount", text{"aantal uitkomstclaims van initiatieven", "outcome claims of initiatives"}},
	{"sourceCount", text{"aantal bronnen (van het item, zijn koppelingen en claims)", "sources (of the item, its links and claims)"}},
}

// comparisonRows words a comparison in its language: the one computation behind rows and csv.
func comparisonRows(ctx context.Context, st *graph.Store, c *graph.Comparison) ([]*ComparisonRow, error) {
	lang := c.Lang
	l := newLabeller(ctx, st, lang)
	values := make([]map[string]string, len(c.Items))
	for i, it := range c.Items {
		v, err := comparisonValues(ctx, st, l, it, lang)
		if err != nil {
			return nil, err
		}
		values[i] = v
	}
	rows := make([]*ComparisonRow, 0, len(comparisonProperties))
	for _, p := range comparisonProperties {
		r := &ComparisonRow{Property: p.property, label: p.label, Values: make([]string, len(c.Items))}
		for i := range c.Items {
			r.Values[i] = values[i][p.property]
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func comparisonValues(ctx context.Context, st *graph.Store, l *labeller, it *graph.ComparisonItem, lang graph.Lang) (map[string]string, error) {
	join := func(xs []string) string { return strings.Join(xs, "; ") }
	sorted := func(xs []string) string { sort.Strings(xs); return join(xs) }
	m := it.Method
	v := map[string]string{"kind": kindTexts[m.Kind].in(lang), "status": l.code("Status", string(m.Status))}

	var list []string
	for i, a := range it.Assignments {
		if w := it.WorkModels[i]; w != nil {
			s := w.Code + " " + w.Name(lang)
			if a.Primary {
				s += text{" (primair)", " (primary)"}.in(lang)
			}
			list = append(list, s)
		}
	}
	v["workModels"] = join(list)

	list = nil
	for _, inv := range it.Involvements {
		s := l.code("ActorType", string(inv.ActorType))
		if inv.Role != nil {
			s += " (" + l.code("ActorRole", string(*inv.Role)) + ")"
		}
		list = append(list, s)
	}
	v["actors"] = sorted(list)

	list = nil
	for _, t := range it.TargetGroups {
		list = append(list, t.Label(lang))
	}
	v["targetGroups"] = sorted(list)
	for prop, cs := range map[string][]*graph.Concept{"supportFunctions": it.SupportFuncs, "regions": it.Regions} {
		list = nil
		for _, c := range cs {
			list = append(list, c.Label(lang))
		}
		v[prop] = sorted(list)
	}

	var own, via []string
	for _, c := range it.Claims {
		label := graph.ShortID(c.Claim.OutcomeID)
		if o := it.Outcomes[c.Claim.OutcomeID]; o != nil {
			label = o.Label(lang)
		}
		s := label + ": " + l.code("Direction", string(c.Claim.Direction))
		if c.Claim.Design != nil {
			s += " (" + l.design(c.Claim.Design) + ")"
		}
		if c.Via == "" {
			own = append(own, s)
		} else {
			via = append(via, s+" ["+it.Implementers[c.Via].Name(lang)+"]")
		}
	}
	v["outcomes"], v["initiativeOutcomes"] = sorted(own), sorted(via)
	v["claimCount"], v["initiativeClaimCount"] = strconv.Itoa(len(own)), strconv.Itoa(len(via))

	list = nil
	for _, p := range it.Preconditions {
		list = append(list, p.Label(lang))
	}
	v["preconditions"] = sorted(list)

	swot := map[graph.CharacteristicKind][]string{}
	for _, ch := range it.Characteristics {
		swot[ch.Kind] = append(swot[ch.Kind], ch.Text(lang))
	}
	v["strengths"], v["weaknesses"] = join(swot["STRENGTH"]), join(swot["WEAKNESS"])
	v["opportunities"], v["threats"] = join(swot["OPPORTUNITY"]), join(swot["THREAT"])

	list = nil
	for _, j := range it.Judgements {
		var gs []string
		for _, g := range j.Judgements {
			gs = append(gs, l.code("StakeholderGroup", string(g.Group))+"="+l.code("AssessmentValue", string(g.Value)))
		}
		list = append(list, l.code("Criterion", string(j.Criterion))+": "+strings.Join(gs, ", "))
	}
	v["assessments"] = join(list)

	list = nil
	for _, r := range it.Ratings {
		list = append(list, l.code("Registry", string(r.Registry))+": "+l.code("EvidenceLevel", string(r.Level)))
	}
	v["evidenceLevel"] = sorted(list)

	if conf, err := st.MethodConfidence(ctx, m.ID); err != nil {
		return nil, err
	} else if conf != nil {
		v["confidence"] = confidenceTexts[conf.Level].in(lang)
	}
	v["sourceCount"] = strconv.Itoa(len(it.SourceIDs))
	return v, nil
}

// comparisonCSV lays out the rows as CSV (RFC 4180, CRLF line ends, no byte-order mark): a header
// line with the items' names, then one line per property.
func comparisonCSV(c *graph.Comparison, rows []*ComparisonRow) string {
	head := []string{text{"eigenschap", "property"}.in(c.Lang)}
	for _, it := range c.Items {
		head = append(head, it.Method.Name(c.Lang))
	}
	out := [][]string{head}
	for _, r := range rows {
		out = append(out, append([]string{r.Label(c.Lang)}, r.Values...))
	}
	return writeCSV(out)
}

// compareTable is Query.compare's rows and CSV at once (GET /compare.csv).
func compareTable(ctx context.Context, st *graph.Store, ids []string, lang graph.Lang) (string, error) {
	c, err := st.Compare(ctx, ids, lang)
	if err != nil {
		return "", err
	}
	rows, err := comparisonRows(ctx, st, c)
	if err != nil {
		return "", err
	}
	return comparisonCSV(c, rows), nil
}
