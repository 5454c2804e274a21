package graph

// ConfidenceLevel is how sure the knowledge base can be of what a claim or a set of claims says.
type ConfidenceLevel string

// Confidence levels, weakest first (the order of confidenceLevels).
const (
	ConfidenceVeryLow  ConfidenceLevel = "VERY_LOW"
	ConfidenceLow      ConfidenceLevel = "LOW"
	ConfidenceModerate ConfidenceLevel = "MODERATE"
	ConfidenceHigh     ConfidenceLevel = "HIGH"
)

var confidenceLevels = [...]ConfidenceLevel{ConfidenceVeryLow, ConfidenceLow, ConfidenceModerate, ConfidenceHigh}

// ConfidenceRank returns the position of l among the levels (VERY_LOW 0 … HIGH 3), -1 when unknown.
func ConfidenceRank(l ConfidenceLevel) int {
	for i, x := range confidenceLevels {
		if x == l {
			return i
		}
	}
	return -1
}

// ConfidenceReason says why a confidence level is what it is.
type ConfidenceReason string

// Confidence reasons (see Rate).
const (
	ReasonStrongDesign           ConfidenceReason = "STRONG_DESIGN"
	ReasonModerateDesign         ConfidenceReason = "MODERATE_DESIGN"
	ReasonWeakDesign             ConfidenceReason = "WEAK_DESIGN"
	ReasonUnknownDesign          ConfidenceReason = "UNKNOWN_DESIGN"
	ReasonClaimNotConfirmed      ConfidenceReason = "CLAIM_NOT_CONFIRMED"
	ReasonAssignmentNotConfirmed ConfidenceReason = "ASSIGNMENT_NOT_CONFIRMED"
	ReasonSourceNotConfirmed     ConfidenceReason = "SOURCE_NOT_CONFIRMED"
	ReasonSingleSource           ConfidenceReason = "SINGLE_SOURCE"
	ReasonSeveralSources         ConfidenceReason = "SEVERAL_SOURCES"
	ReasonInconsistentDirections ConfidenceReason = "INCONSISTENT_DIRECTIONS"
	ReasonViaImplementation      ConfidenceReason = "VIA_IMPLEMENTATION"
)

// Confidence is a level and the reasons for it, in the order the rule applies them.
type Confidence struct {
	Level   ConfidenceLevel
	Reasons []ConfidenceReason
	// Design is the study design the level starts from (nil when unknown).
	Design *StudyDesign
}

// Rate is THE confidence rule of Kring, in the spirit of GRADE and GRADE-CERQual (EPPI-Mapper
// shows the same kind of grade per cell). It is the only place that decides a confidence level;
// the matrix, claim statistics, claims and methods all go through it (the incremental form,
// confidenceAcc, is what they call). The SDL description of Confidence
// (schema/analytics.graphqls) copies this text.
//
//  1. Each claim starts from its study design:
//     SYSTEMATIC_REVIEW_META and RCT → HIGH (STRONG_DESIGN);
//     QUASI_EXPERIMENTAL → MODERATE (MODERATE_DESIGN);
//     PRE_POST (before/after, cohort without control) → LOW (MODERATE_DESIGN: a design with a
//     measurement, but without a comparison group);
//     QUALITATIVE and PRACTICE_EXPERIENCE (case studies, descriptions, expert opinion) → VERY_LOW
//     (WEAK_DESIGN); no design stated → VERY_LOW (UNKNOWN_DESIGN).
//  2. The claim goes down one level for each of: its own status is not CONFIRMED
//     (CLAIM_NOT_CONFIRMED); the link through which it is counted (the work-model assignment,
//     the involvement of an actor type, the requirement of a precondition) is not CONFIRMED
//     (ASSIGNMENT_NOT_CONFIRMED; only when it is counted through such a link); any source it
//     cites is not CONFIRMED (SOURCE_NOT_CONFIRMED). These three say the same kind of thing (the
//     curator has not checked something yet), so together they take at most two levels.
//  3. A set of claims (a matrix cell, a claim group, the claims of one method; a single claim is
//     a set of one) starts from its best claim after step 2 (ties: the stronger design, then the
//     fewer status reasons); its reasons are that claim's. Never above HIGH: more claims do not
//     upgrade.
//  4. The set goes down one level when its claims cite fewer than two distinct sources together
//     (SINGLE_SOURCE); two or more distinct sources (source nodes, which the loader deduplicates)
//     count as independent and prevent that step (SEVERAL_SOURCES, no change).
//  5. The set goes down one level when its claims' directions disagree: more than one of
//     POSITIVE, NONE and NEGATIVE, or any MIXED (INCONSISTENT_DIRECTIONS).
//  6. Nothing goes below VERY_LOW. VIA_IMPLEMENTATION is added when a claim of the set counts
//     through an implementing initiative (roll-up); it marks the evidence as coming from a
//     concrete initiative and does not change the level.
func Rate(claims []RatedClaim) Confidence {
	var a confidenceAcc
	a.reset()
	sources := map[string]bool{}
	for _, c := range claims {
		var flags uint8
		if !c.ClaimConfirmed {
			flags |= flagClaimNC
		}
		if !c.LinkConfirmed {
			flags |= flagLinkNC
		}
		if !c.SourcesConfirmed {
			flags |= flagSourceNC
		}
		if c.Via {
			flags |= flagVia
		}
		d := int8(-1)
		if c.Design != nil {
			d = int8(Rank("StudyDesign", string(*c.Design)))
		}
		a.add(d, flags, int8(Rank("Direction", string(c.Direction))))
		for _, s := range c.SourceIDs {
			sources[s] = true
		}
	}
	return a.result(len(sources), newEnums())
}

// RatedClaim is one claim as Rate sees it.
type RatedClaim struct {
	Design           *StudyDesign
	Direction        Direction
	ClaimConfirmed   bool
	LinkConfirmed    bool // true when it is not counted through a link
	SourcesConfirmed bool
	Via              bool
	SourceIDs        []string
}

// Claim and pair flags (claimRow.flags, and the flags of an axis value).
const (
	flagClaimNC  uint8 = 1 << iota // the claim's status is not CONFIRMED
	flagSourceNC                   // a cited source is not CONFIRMED
	flagLinkNC                     // the counting link (assignment, involvement, requirement) is not CONFIRMED
	flagVia                        // counted through an implementing initiative
)

const flagsNC = flagClaimNC | flagSourceNC | flagLinkNC

// designStart is step 1: the level (0 VERY_LOW … 3 HIGH) a design rank starts from.
func designStart(d int8) int8 {
	switch d {
	case 5, 4: // SYSTEMATIC_REVIEW_META, RCT
		return 3
	case 3: // QUASI_EXPERIMENTAL
		return 2
	case 2: // PRE_POST
		return 1
	}
	return 0
}

func designReason(d int8) ConfidenceReason {
	switch {
	case d < 0:
		return ReasonUnknownDesign
	case d >= 4:
		return ReasonStrongDesign
	case d >= 2:
		return ReasonModerateDesign
	}
	return ReasonWeakDesign
}

// claimLevel is steps 1 and 2 for one claim (or claim × link pair).
func claimLevel(d int8, flags uint8) int8 {
	steps := int8(bitsSet(flags & flagsNC))
	return max(designStart(d)-min(steps, 2), 0)
}

// confidenceAcc is Rate done incrementally, one claim at a time (the matrix's tally keeps one
// per cell): steps 3 to 6 need only the best claim, the directions seen, whether any claim came
// through an implementation, and the set's distinct sources (counted by the caller).
type confidenceAcc struct {
	level  int8 // best claim level, -1 when empty
	design int8
	flags  uint8 // of the best claim
	dirs   uint8 // bit per direction seen
	via    bool
}

func (a *confidenceAcc) reset() { *a = confidenceAcc{level: -1, design: -1} }

func (a *confidenceAcc) add(design int8, flags uint8, direction int8) {
	l := claimLevel(design, flags)
	better := l > a.level ||
		(l == a.level && design > a.design) ||
		(l == a.level && design == a.design && bitsSet(flags&flagsNC) < bitsSet(a.flags&flagsNC))
	if better {
		a.level, a.design, a.flags = l, design, flags
	}
	if direction >= 0 {
		a.dirs |= 1 << direction
	}
	if flags&flagVia != 0 {
		a.via = true
	}
}

func bitsSet(x uint8) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// result finishes the rule for a set whose claims cite sources distinct sources.
func (a *confidenceAcc) result(sources int, e *enums) Confidence {
	if a.level < 0 {
		return Confidence{Level: ConfidenceVeryLow, Reasons: []ConfidenceReason{ReasonUnknownDesign}}
	}
	level := a.level
	reasons := make([]ConfidenceReason, 0, 5)
	reasons = append(reasons, designReason(a.design))
	if a.flags&flagClaimNC != 0 {
		reasons = append(reasons, ReasonClaimNotConfirmed)
	}
	if a.flags&flagLinkNC != 0 {
		reasons = append(reasons, ReasonAssignmentNotConfirmed)
	}
	if a.flags&flagSourceNC != 0 {
		reasons = append(reasons, ReasonSourceNotConfirmed)
	}
	if sources < 2 {
		reasons = append(reasons, ReasonSingleSource)
		level--
	} else {
		reasons = append(reasons, ReasonSeveralSources)
	}
	// Directions: bit 0 POSITIVE, 1 NONE, 2 NEGATIVE, 3 MIXED.
	if a.dirs&(1<<3) != 0 || bitsSet(a.dirs&7) > 1 {
		reasons = append(reasons, ReasonInconsistentDirections)
		level--
	}
	if a.via {
		reasons = append(reasons, ReasonViaImplementation)
	}
	return Confidence{Level: confidenceLevels[max(level, 0)], Reasons: reasons, Design: e.design(a.design)}
}

// levelOf is the level result would give, without building the reasons.
func (a *confidenceAcc) levelOf(sources int) ConfidenceLevel {
	if a.level < 0 {
		return ConfidenceVeryLow
	}
	level := a.level
	if sources < 2 {
		level--
	}
	if a.dirs&(1<<3) != 0 || bitsSet(a.dirs&7) > 1 {
		level--
	}
	return confidenceLevels[max(level, 0)]
}
