package graph

import (
	"context"
	"fmt"
	"sort"
)

// MaxCompare is how many methods Compare takes at most.
const MaxCompare = 5

// Comparison is methods and initiatives side by side: for each, the facts a comparison table
// shows, as ids and codes. The layer that presents (resolvers) words and lays them out, the API's
// rows and its CSV from the same words.
type Comparison struct {
	ItemIDs []string
	Items   []*ComparisonItem
	// Lang is the language asked for (the presenting layer words the table in it).
	Lang Lang
}

// ComparisonItem is the facts of one compared method or initiative. Lists are in a stable order
// (work models by code; the others by id, claims as MethodClaims gives them).
type ComparisonItem struct {
	Method          *Method
	Assignments     []*Assignment // with their work models
	WorkModels      []*WorkModel  // Assignments[i]'s work model, or nil
	Involvements    []*Involvement
	TargetGroups    []*TargetGroup
	SupportFuncs    []*Concept
	Regions         []*Concept
	Claims          []ScopedClaim // own first, then through implementing initiatives
	Outcomes        map[string]*Outcome
	Implementers    map[string]*Method // the initiatives of Claims' Via
	Preconditions   []*Precondition
	Characteristics []*Characteristic
	Judgements      []*StakeholderJudgement
	Ratings         []*EvidenceRating
	// SourceIDs are the distinct sources cited by the item itself and by every link and claim
	// of it (assignments, involvements, requirements, characteristics, assessments, ratings, own
	// outcome claims): what sourceCount counts. The item's own sources (Method.sources) are a
	// subset.
	SourceIDs []string
}

// Compare puts 1 to MaxCompare methods or initiatives side by side. Repeated ids count once. An
// id that does not exist is ErrNotFound; another node type, or too few or too many ids, is
// ErrInvalid.
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
	c := &Comparison{ItemIDs: uniq, Lang: lang}
	for _, id := range uniq {
		n := ix.nodes[id]
		if n == nil {
			return nil, fmt.Errorf("graph: node %q: %w", ShortID(id), ErrNotFound)
		}
		m, ok := ix.build(n).(*Method)
		if !ok {
			return nil, fmt.Errorf("graph: %s is a %s, not a method or initiative: %w", ShortID(id), n.typ, ErrInvalid)
		}
		item, err := s.compareItem(ctx, ix, m)
		if err != nil {
			return nil, err
		}
		c.Items = append(c.Items, item)
	}
	return c, nil
}

func buildAll[T Node](ix *index, ids []string) []T {
	out := make([]T, 0, len(ids))
	for _, id := range ids {
		if n := ix.nodes[id]; n != nil {
			if v, ok := ix.build(n).(T); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func (s *Store) compareItem(ctx context.Context, ix *index, m *Method) (*ComparisonItem, error) {
	it := &ComparisonItem{Method: m, Outcomes: map[string]*Outcome{}, Implementers: map[string]*Method{}}
	it.Assignments = buildAll[*Assignment](ix, m.AssignmentIDs)
	code := func(a *Assignment) string { return ix.nodes[a.WorkModelID].str("code") }
	sort.SliceStable(it.Assignments, func(i, j int) bool { return code(it.Assignments[i]) < code(it.Assignments[j]) })
	for _, a := range it.Assignments {
		if w := buildAll[*WorkModel](ix, []string{a.WorkModelID}); len(w) == 1 {
			it.WorkModels = append(it.WorkModels, w[0])
		} else {
			it.WorkModels = append(it.WorkModels, nil)
		}
	}
	it.Involvements = buildAll[*Involvement](ix, m.InvolvementIDs)
	it.TargetGroups = buildAll[*TargetGroup](ix, m.TargetGroupIDs)
	it.SupportFuncs = buildAll[*Concept](ix, m.SupportFunctionIDs)
	it.Regions = buildAll[*Concept](ix, m.RegionIDs)
	claims, err := s.MethodClaims(ctx, m.ID, ScopeAll, nil)
	if err != nil {
		return nil, err
	}
	it.Claims = claims
	for _, c := range claims {
		if o := buildAll[*Outcome](ix, []string{c.Claim.OutcomeID}); len(o) == 1 {
			it.Outcomes[c.Claim.OutcomeID] = o[0]
		}
		if c.Via != "" && it.Implementers[c.Via] == nil {
			it.Implementers[c.Via] = buildAll[*Method](ix, []string{c.Via})[0]
		}
	}
	for _, r := range buildAll[*Requirement](ix, m.RequirementIDs) {
		it.Preconditions = append(it.Preconditions, buildAll[*Precondition](ix, []string{r.PreconditionID})...)
	}
	it.Characteristics = buildAll[*Characteristic](ix, m.CharacteristicIDs)
	it.Judgements = JudgementsByGroup(buildAll[*Assessment](ix, m.AssessmentIDs), nil)
	it.Ratings = buildAll[*EvidenceRating](ix, m.RatingIDs)

	seen := map[string]bool{}
	add := func(ids []string) {
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				it.SourceIDs = append(it.SourceIDs, id)
			}
		}
	}
	add(m.SourceIDs)
	for _, group := range [][]string{m.AssignmentIDs, m.InvolvementIDs, m.RequirementIDs, m.CharacteristicIDs, m.AssessmentIDs, m.RatingIDs, m.ClaimIDs} {
		for _, id := range group {
			if n := ix.nodes[id]; n != nil {
				add(n.outs("source"))
			}
		}
	}
	sort.Strings(it.SourceIDs)
	return it, nil
}
