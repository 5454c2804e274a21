package graph

import "sort"

// StakeholderJudgement is how each stakeholder group judged a method or work model on one
// criterion, each group's value kept apart.
type StakeholderJudgement struct {
	Criterion  Criterion
	Judgements []*GroupJudgement
	// Disagreement: groups with a known value (not UNKNOWN) gave different values.
	Disagreement bool
	// Spread is the distance between the lowest and highest known value on LOW < MEDIUM < HIGH
	// (0 to 2).
	Spread int
}

// GroupJudgement is one stakeholder group's value on a criterion, with the assessment stating it.
type GroupJudgement struct {
	Group      StakeholderGroup
	Value      AssessmentValue
	Assessment *Assessment
}

// JudgementsByGroup groups assessments by criterion (in vocabulary order) and, within each, by
// stakeholder group (in vocabulary order). With groups given, only their assessments count.
func JudgementsByGroup(as []*Assessment, groups []StakeholderGroup) []*StakeholderJudgement {
	by := map[Criterion]*StakeholderJudgement{}
	for _, a := range as {
		if !anyOf(groups, a.StakeholderGroup) {
			continue
		}
		j := by[a.Criterion]
		if j == nil {
			j = &StakeholderJudgement{Criterion: a.Criterion}
			by[a.Criterion] = j
		}
		j.Judgements = append(j.Judgements, &GroupJudgement{Group: a.StakeholderGroup, Value: a.Value, Assessment: a})
	}
	out := make([]*StakeholderJudgement, 0, len(by))
	for _, j := range by {
		sort.SliceStable(j.Judgements, func(a, b int) bool {
			x, y := j.Judgements[a], j.Judgements[b]
			if rx, ry := Rank("StakeholderGroup", string(x.Group)), Rank("StakeholderGroup", string(y.Group)); rx != ry {
				return rx < ry
			}
			return x.Assessment.ID < y.Assessment.ID
		})
		lo, hi := -1, -1
		for _, g := range j.Judgements {
			r := valueRank(g.Value)
			if r < 0 {
				continue
			}
			if lo < 0 || r < lo {
				lo = r
			}
			if r > hi {
				hi = r
			}
		}
		if lo >= 0 {
			j.Spread = hi - lo
			j.Disagreement = hi != lo
		}
		out = append(out, j)
	}
	sort.Slice(out, func(a, b int) bool {
		return Rank("Criterion", string(out[a].Criterion)) < Rank("Criterion", string(out[b].Criterion))
	})
	return out
}

// valueRank places LOW, MEDIUM, HIGH at 0, 1, 2; UNKNOWN and anything else at -1.
func valueRank(v AssessmentValue) int {
	switch v {
	case "LOW":
		return 0
	case "MEDIUM":
		return 1
	case "HIGH":
		return 2
	}
	return -1
}

// EvidenceStrength grades the evidence under a recommendation; the rule is Strength's.
type EvidenceStrength string

// Evidence strengths.
const (
	StrengthStrong   EvidenceStrength = "STRONG"
	StrengthModerate EvidenceStrength = "MODERATE"
	StrengthWeak     EvidenceStrength = "WEAK"
	StrengthNone     EvidenceStrength = "NONE"
)

// EvidenceSummary summarises the outcome claims a recommendation rests on.
type EvidenceSummary struct {
	ClaimIDs        []string
	SourceIDs       []string // distinct, in order of first citation
	ClaimCount      int
	SourceCount     int
	Positive        int
	None            int
	Negative        int
	Mixed           int
	StrongestDesign *StudyDesign
	Strength        EvidenceStrength
}

// SummarizeEvidence summarises claims and grades them:
//
//   - NONE: no claims.
//   - STRONG: a SYSTEMATIC_REVIEW_META claim, or claims of design QUASI_EXPERIMENTAL or
//     stronger citing at least two distinct sources between them.
//   - MODERATE: a claim of design PRE_POST or stronger, or claims citing at least two distinct
//     sources.
//   - WEAK: anything else (a single source, or designs below PRE_POST or unknown).
//
// Then, when the claims do not agree in direction (more than one direction, or any MIXED),
// the grade drops one step (STRONG to MODERATE, MODERATE to WEAK; WEAK stays WEAK).
func SummarizeEvidence(claims []*OutcomeClaim) *EvidenceSummary {
	s := &EvidenceSummary{ClaimIDs: []string{}, SourceIDs: []string{}, Strength: StrengthNone}
	sources := map[string]bool{}
	strongSources := map[string]bool{}
	directions := map[Direction]bool{}
	best, meta := -1, false
	quasi, prePost := Rank("StudyDesign", "QUASI_EXPERIMENTAL"), Rank("StudyDesign", "PRE_POST")
	for _, c := range claims {
		s.ClaimIDs = append(s.ClaimIDs, c.ID)
		directions[c.Direction] = true
		switch c.Direction {
		case "POSITIVE":
			s.Positive++
		case "NONE":
			s.None++
		case "NEGATIVE":
			s.Negative++
		case "MIXED":
			s.Mixed++
		}
		r := -1
		if c.Design != nil {
			r = Rank("StudyDesign", string(*c.Design))
			if *c.Design == "SYSTEMATIC_REVIEW_META" {
				meta = true
			}
		}
		if r > best {
			best = r
			s.StrongestDesign = c.Design
		}
		for _, id := range c.SourceIDs {
			if !sources[id] {
				sources[id] = true
				s.SourceIDs = append(s.SourceIDs, id)
			}
			if r >= quasi {
				strongSources[id] = true
			}
		}
	}
	s.ClaimCount, s.SourceCount = len(claims), len(s.SourceIDs)
	if len(claims) == 0 {
		return s
	}
	steps := []EvidenceStrength{StrengthWeak, StrengthModerate, StrengthStrong}
	grade := 0
	switch {
	case meta || len(strongSources) >= 2:
		grade = 2
	case best >= prePost || len(sources) >= 2:
		grade = 1
	}
	if len(directions) > 1 || directions["MIXED"] {
		grade = max(0, grade-1)
	}
	s.Strength = steps[grade]
	return s
}
