package graph

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// MaxCompare is how many methods Compare takes at most.
const MaxCompare = 5

// Comparison is a property-by-item table of methods and initiatives.
type Comparison struct {
	ItemIDs []string
	Rows    []*ComparisonRow
	lang    Lang
	names   []string
}

// ComparisonRow is one property with one value per item (several values joined by "; ").
type ComparisonRow struct {
	Property string
	label    TextValue
	Values   []string
}

// Label returns the property's name in lang.
func (r *ComparisonRow) Label(lang Lang) string { return r.label.In(lang) }

// CSV returns the table as CSV (RFC 4180, CRLF line ends, no byte-order mark): a header row
// with the items' names, then one row per property.
func (c *Comparison) CSV() string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	head := TextValue{NL: "eigenschap", EN: "property"}.In(c.lang)
	w.Write(append([]string{head}, c.names...))
	for _, r := range c.Rows {
		w.Write(append([]string{r.Label(c.lang)}, r.Values...))
	}
	w.Flush()
	return b.String()
}

// comparisonRows are the properties of a comparison, in order.
var comparisonRows = []struct {
	property string
	label    TextValue
}{
	{"kind", TextValue{"soort", "kind"}},
	{"status", TextValue{"status", "status"}},
	{"workModels", TextValue{"werkmodellen", "work models"}},
	{"actors", TextValue{"actoren", "actors"}},
	{"targetGroups", TextValue{"doelgroepen", "target groups"}},
	{"supportFunctions", TextValue{"steunfuncties", "support functions"}},
	{"regions", TextValue{"regio's", "regions"}},
	{"outcomes", TextValue{"uitkomsten (richting, design)", "outcomes (direction, design)"}},
	{"initiativeOutcomes", TextValue{"uitkomsten van initiatieven die het toepassen", "outcomes of initiatives implementing it"}},
	{"preconditions", TextValue{"randvoorwaarden", "preconditions"}},
	{"strengths", TextValue{"sterktes", "strengths"}},
	{"weaknesses", TextValue{"zwaktes", "weaknesses"}},
	{"opportunities", TextValue{"kansen", "opportunities"}},
	{"threats", TextValue{"bedreigingen", "threats"}},
	{"assessments", TextValue{"oordelen (criterium: groep=waarde)", "assessments (criterion: group=value)"}},
	{"evidenceLevel", TextValue{"bewijsniveau", "evidence level"}},
	{"claimCount", TextValue{"aantal uitkomstclaims", "outcome claims"}},
	{"sourceCount", TextValue{"aantal bronnen", "sources"}},
}

// Compare puts 1 to MaxCompare methods or initiatives side by side, with values in lang.
// Repeated ids count once. An id that does not exist is ErrNotFound; another node type, or too
// few or too many ids, is ErrInvalid.
func (s *Store) Compare(ctx context.Context, ids []string, lang Lang) (*Comparison, error) {
	var uniq []string
	for _, id := range ids {
		if id = FullID(id); !containsString(uniq, id) {
			uniq = append(uniq, id)
		}
	}
	if len(uniq) < 1 || len(uniq) > MaxCompare {
		return nil, fmt.Errorf("graph: compare takes 1 to %d methods, not %d: %w", MaxCompare, len(uniq), ErrInvalid)
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	c := &Comparison{ItemIDs: uniq, lang: lang}
	values := make([]map[string]string, len(uniq))
	for i, id := range uniq {
		n := ix.nodes[id]
		if n == nil {
			return nil, fmt.Errorf("graph: node %q: %w", ShortID(id), ErrNotFound)
		}
		m, ok := ix.build(n).(*Method)
		if !ok {
			return nil, fmt.Errorf("graph: %s is a %s, not a method or initiative: %w", ShortID(id), n.typ, ErrInvalid)
		}
		c.names = append(c.names, m.Name(lang))
		values[i] = ix.compareValues(m, lang)
	}
	for _, r := range comparisonRows {
		row := &ComparisonRow{Property: r.property, label: r.label, Values: make([]string, len(uniq))}
		for i := range uniq {
			row.Values[i] = values[i][r.property]
		}
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}

// compareValues returns a method's value for each comparison property.
func (ix *index) compareValues(m *Method, lang Lang) map[string]string {
	get := func(id string) Node {
		if n := ix.nodes[id]; n != nil {
			return ix.build(n)
		}
		return nil
	}
	conceptLabel := func(id string) string {
		if c, ok := get(id).(*Concept); ok {
			return c.Label(lang)
		}
		return codeOf(id)
	}
	join := func(xs []string) string { return strings.Join(xs, "; ") }
	v := map[string]string{"kind": string(m.Kind), "status": string(m.Status)}

	var list []string
	for _, id := range m.AssignmentIDs {
		if a, ok := get(id).(*Assignment); ok {
			if w, ok := get(a.WorkModelID).(*WorkModel); ok {
				s := w.Code + " " + w.Name(lang)
				if a.Primary {
					s += TextValue{" (primair)", " (primary)"}.In(lang)
				}
				list = append(list, s)
			}
		}
	}
	sort.Strings(list)
	v["workModels"] = join(list)

	list = nil
	for _, id := range m.InvolvementIDs {
		if inv, ok := get(id).(*Involvement); ok {
			s := conceptLabel(inv.ActorID)
			if inv.Role != nil {
				s += " (" + string(*inv.Role) + ")"
			}
			list = append(list, s)
		}
	}
	sort.Strings(list)
	v["actors"] = join(list)

	list = nil
	for _, id := range m.TargetGroupIDs {
		if t, ok := get(id).(*TargetGroup); ok {
			list = append(list, t.Label(lang))
		}
	}
	sort.Strings(list)
	v["targetGroups"] = join(list)

	for prop, ids := range map[string][]string{"supportFunctions": m.SupportFunctionIDs, "regions": m.RegionIDs} {
		list = nil
		for _, id := range ids {
			list = append(list, conceptLabel(id))
		}
		sort.Strings(list)
		v[prop] = join(list)
	}

	outcomes := func(claimIDs []string, suffix string) []string {
		var list []string
		for _, id := range claimIDs {
			if c, ok := get(id).(*OutcomeClaim); ok {
				label := ShortID(c.OutcomeID)
				if o, ok := get(c.OutcomeID).(*Outcome); ok {
					label = o.Label(lang)
				}
				s := label + ": " + string(c.Direction)
				if c.Design != nil {
					s += " (" + string(*c.Design) + ")"
				}
				list = append(list, s+suffix)
			}
		}
		return list
	}
	list = outcomes(m.ClaimIDs, "")
	sort.Strings(list)
	v["outcomes"] = join(list)
	list = nil
	for _, id := range m.ImplementedByIDs {
		if in, ok := get(id).(*Method); ok {
			list = append(list, outcomes(in.ClaimIDs, " ["+in.Name(lang)+"]")...)
		}
	}
	sort.Strings(list)
	v["initiativeOutcomes"] = join(list)

	list = nil
	for _, id := range m.RequirementIDs {
		if r, ok := get(id).(*Requirement); ok {
			if p, ok := get(r.PreconditionID).(*Precondition); ok {
				list = append(list, p.Label(lang))
			}
		}
	}
	sort.Strings(list)
	v["preconditions"] = join(list)

	swot := map[CharacteristicKind][]string{}
	for _, id := range m.CharacteristicIDs {
		if ch, ok := get(id).(*Characteristic); ok {
			swot[ch.Kind] = append(swot[ch.Kind], ch.Text(lang))
		}
	}
	v["strengths"], v["weaknesses"] = join(swot["STRENGTH"]), join(swot["WEAKNESS"])
	v["opportunities"], v["threats"] = join(swot["OPPORTUNITY"]), join(swot["THREAT"])

	var as []*Assessment
	for _, id := range m.AssessmentIDs {
		if a, ok := get(id).(*Assessment); ok {
			as = append(as, a)
		}
	}
	list = nil
	for _, j := range JudgementsByGroup(as, nil) {
		var gs []string
		for _, g := range j.Judgements {
			gs = append(gs, string(g.Group)+"="+string(g.Value))
		}
		list = append(list, string(j.Criterion)+": "+strings.Join(gs, ", "))
	}
	v["assessments"] = join(list)

	list = nil
	for _, id := range m.RatingIDs {
		if r, ok := get(id).(*EvidenceRating); ok {
			list = append(list, string(r.Registry)+": "+string(r.Level))
		}
	}
	sort.Strings(list)
	v["evidenceLevel"] = join(list)

	v["claimCount"] = strconv.Itoa(len(m.ClaimIDs))
	sources := map[string]bool{}
	for _, id := range m.SourceIDs {
		sources[id] = true
	}
	for _, group := range [][]string{m.AssignmentIDs, m.InvolvementIDs, m.RequirementIDs, m.CharacteristicIDs, m.AssessmentIDs, m.RatingIDs, m.ClaimIDs} {
		for _, id := range group {
			if n := ix.nodes[id]; n != nil {
				for _, s := range n.outs("source") {
					sources[s] = true
				}
			}
		}
	}
	v["sourceCount"] = strconv.Itoa(len(sources))
	return v
}
