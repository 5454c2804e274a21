package graph_test

import (
	"slices"
	"testing"

	"kring/graph"
)

func TestRate(t *testing.T) {
	d := func(s string) *graph.StudyDesign { v := graph.StudyDesign(s); return &v }
	ok := func(design *graph.StudyDesign, dir graph.Direction, sources ...string) graph.RatedClaim {
		return graph.RatedClaim{Design: design, Direction: dir, ClaimConfirmed: true, LinkConfirmed: true, SourcesConfirmed: true, SourceIDs: sources}
	}
	unconfirmed := func(c graph.RatedClaim, claim, link, source bool) graph.RatedClaim {
		c.ClaimConfirmed, c.LinkConfirmed, c.SourcesConfirmed = !claim, !link, !source
		return c
	}
	via := func(c graph.RatedClaim) graph.RatedClaim { c.Via = true; return c }
	const (
		H, M, L, VL = graph.ConfidenceHigh, graph.ConfidenceModerate, graph.ConfidenceLow, graph.ConfidenceVeryLow
		strong      = graph.ReasonStrongDesign
		moderate    = graph.ReasonModerateDesign
		weak        = graph.ReasonWeakDesign
		unknown     = graph.ReasonUnknownDesign
		claimNC     = graph.ReasonClaimNotConfirmed
		linkNC      = graph.ReasonAssignmentNotConfirmed
		srcNC       = graph.ReasonSourceNotConfirmed
		single      = graph.ReasonSingleSource
		several     = graph.ReasonSeveralSources
		inconsist   = graph.ReasonInconsistentDirections
		viaR        = graph.ReasonViaImplementation
	)
	tests := []struct {
		name    string
		claims  []graph.RatedClaim
		level   graph.ConfidenceLevel
		reasons []graph.ConfidenceReason
	}{
		{"RCT, two sources", []graph.RatedClaim{ok(d("RCT"), "POSITIVE", "s1", "s2")}, H, []graph.ConfidenceReason{strong, several}},
		{"review, one source", []graph.RatedClaim{ok(d("SYSTEMATIC_REVIEW_META"), "POSITIVE", "s1")}, M, []graph.ConfidenceReason{strong, single}},
		{"quasi-experimental, two sources", []graph.RatedClaim{ok(d("QUASI_EXPERIMENTAL"), "NEGATIVE", "s1", "s2")}, M, []graph.ConfidenceReason{moderate, several}},
		{"pre-post, two sources", []graph.RatedClaim{ok(d("PRE_POST"), "POSITIVE", "s1", "s2")}, L, []graph.ConfidenceReason{moderate, several}},
		{"qualitative, two sources", []graph.RatedClaim{ok(d("QUALITATIVE"), "POSITIVE", "s1", "s2")}, VL, []graph.ConfidenceReason{weak, several}},
		{"practice experience", []graph.RatedClaim{ok(d("PRACTICE_EXPERIENCE"), "POSITIVE", "s1", "s2")}, VL, []graph.ConfidenceReason{weak, several}},
		{"no design", []graph.RatedClaim{ok(nil, "POSITIVE", "s1", "s2")}, VL, []graph.ConfidenceReason{unknown, several}},
		{"claim inferred", []graph.RatedClaim{unconfirmed(ok(d("RCT"), "POSITIVE", "s1", "s2"), true, false, false)}, M, []graph.ConfidenceReason{strong, claimNC, several}},
		{"assignment inferred", []graph.RatedClaim{unconfirmed(ok(d("RCT"), "POSITIVE", "s1", "s2"), false, true, false)}, M, []graph.ConfidenceReason{strong, linkNC, several}},
		{"source candidate", []graph.RatedClaim{unconfirmed(ok(d("RCT"), "POSITIVE", "s1", "s2"), false, false, true)}, M, []graph.ConfidenceReason{strong, srcNC, several}},
		{"two status steps", []graph.RatedClaim{unconfirmed(ok(d("RCT"), "POSITIVE", "s1", "s2"), true, true, false)}, L, []graph.ConfidenceReason{strong, claimNC, linkNC, several}},
		{"three status reasons take two steps", []graph.RatedClaim{unconfirmed(ok(d("RCT"), "POSITIVE", "s1", "s2"), true, true, true)}, L, []graph.ConfidenceReason{strong, claimNC, linkNC, srcNC, several}},
		{"three status reasons and one source", []graph.RatedClaim{unconfirmed(ok(d("RCT"), "POSITIVE", "s1"), true, true, true)}, VL, []graph.ConfidenceReason{strong, claimNC, linkNC, srcNC, single}},
		{"never below very low", []graph.RatedClaim{unconfirmed(ok(d("QUALITATIVE"), "MIXED", "s1"), true, false, false)}, VL, []graph.ConfidenceReason{weak, claimNC, single, inconsist}},
		{"mixed direction", []graph.RatedClaim{ok(d("RCT"), "MIXED", "s1", "s2")}, M, []graph.ConfidenceReason{strong, several, inconsist}},
		{"set: best claim, sources together", []graph.RatedClaim{ok(d("RCT"), "POSITIVE", "s1"), ok(d("PRE_POST"), "POSITIVE", "s2")}, H, []graph.ConfidenceReason{strong, several}},
		{"set: same source twice is single", []graph.RatedClaim{ok(d("RCT"), "POSITIVE", "s1"), ok(d("RCT"), "POSITIVE", "s1")}, M, []graph.ConfidenceReason{strong, single}},
		{"set: directions disagree", []graph.RatedClaim{ok(d("RCT"), "POSITIVE", "s1"), ok(d("RCT"), "NEGATIVE", "s2")}, M, []graph.ConfidenceReason{strong, several, inconsist}},
		{"set: NONE against POSITIVE disagrees", []graph.RatedClaim{ok(d("RCT"), "POSITIVE", "s1"), ok(d("QUASI_EXPERIMENTAL"), "NONE", "s2")}, M, []graph.ConfidenceReason{strong, several, inconsist}},
		{"set: unconfirmed RCT against confirmed quasi-experiment", []graph.RatedClaim{
			unconfirmed(ok(d("RCT"), "POSITIVE", "s1"), true, true, false), ok(d("QUASI_EXPERIMENTAL"), "POSITIVE", "s2")}, M, []graph.ConfidenceReason{moderate, several}},
		{"set: tie goes to the stronger design", []graph.RatedClaim{
			ok(d("QUASI_EXPERIMENTAL"), "POSITIVE", "s1"), unconfirmed(ok(d("RCT"), "POSITIVE", "s2"), true, false, false)}, M, []graph.ConfidenceReason{strong, claimNC, several}},
		{"set: no upgrade beyond HIGH", []graph.RatedClaim{ok(d("RCT"), "POSITIVE", "s1"), ok(d("RCT"), "POSITIVE", "s2"), ok(d("SYSTEMATIC_REVIEW_META"), "POSITIVE", "s3")}, H, []graph.ConfidenceReason{strong, several}},
		{"via an implementation: marked, same level", []graph.RatedClaim{via(ok(d("RCT"), "NEGATIVE", "s1"))}, M, []graph.ConfidenceReason{strong, single, viaR}},
		{"no sources at all", []graph.RatedClaim{ok(d("RCT"), "POSITIVE")}, M, []graph.ConfidenceReason{strong, single}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := graph.Rate(tt.claims)
			if got.Level != tt.level || !slices.Equal(got.Reasons, tt.reasons) {
				t.Errorf("Rate = %s %v, want %s %v", got.Level, got.Reasons, tt.level, tt.reasons)
			}
		})
	}
}
