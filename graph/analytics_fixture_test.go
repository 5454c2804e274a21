package graph_test

import (
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
)

// analyticsFixture is a small graph whose matrix is counted by hand in the tests:
//
//	work models  wm1 (WM1), wm2 (WM2), wm3 (WM3)
//	method/buddy      → wm2; VOLUNTEER_KEY_FIGURE; rated GOED_ONDERBOUWD
//	    c1 lonely  POSITIVE RCT        n=100 d=0.5  [s1]
//	    c2 part    POSITIVE QUASI      n=40         [s1 s2]
//	    c3 part    NONE     QUALITATIVE             [s2]
//	method/fgc        → wm1, wm3; PROFESSIONAL, INFORMAL_NETWORK_MEMBER; rated EFFECTIEF_EERSTE_AANWIJZINGEN
//	    c4 support POSITIVE RCT        n=200 d=0.3  [s3]
//	    c5 lonely  MIXED    PRE_POST                [s3 s4]
//	initiative/buddy-gent (implements buddy) → wm2 (INFERRED); VOLUNTEER; not rated
//	    c6 part    POSITIVE PRE_POST   n=20         [s4]
//	    c8 lonely  POSITIVE QUASI (CANDIDATE)       [s2 s3]
//	method/timebank   (no work model); PEER
//	    c7 part    NEGATIVE (no design)             [s2]
//	method/empty      (no claims)
//	recommendation/r1 rests on c1, c2; r2 on c3; r3 on c4, c5; r4 on nothing
//
// Every other link of fgc cites s4 only, so that its paths to outcome/support are few.
func analyticsFixture() *graph.Changeset {
	n := graphtest.Node
	src := func(ids ...string) []any {
		out := make([]any, len(ids))
		for i, id := range ids {
			out[i] = "source/" + id
		}
		return out
	}
	claim := func(id, subject, outcome, dir, design string, extra ...any) graph.NodeSpec {
		kv := []any{"subject", subject, "outcome", "outcome/" + outcome, "direction", dir, "status", "CONFIRMED"}
		if design != "" {
			kv = append(kv, "design", design)
		}
		kv = append(kv, extra...)
		return n(graph.TypeOutcomeClaim, "claim/"+id, kv...)
	}
	link := func(t graph.NodeType, subject string, kv ...any) graph.NodeSpec {
		return n(t, "", append([]any{"subject", subject, "status", "CONFIRMED"}, kv...)...)
	}
	return &graph.Changeset{BatchID: "fixture", LoadedAt: "2026-01-01T00:00:00Z", Nodes: []graph.NodeSpec{
		n(graph.TypeSource, "source/s1", "type", "ACADEMIC_ANGLO", "title", "One", "status", "CONFIRMED"),
		n(graph.TypeSource, "source/s2", "type", "GREY_BE", "title", "Two", "status", "CONFIRMED"),
		n(graph.TypeSource, "source/s3", "type", "ACADEMIC_NL", "title", "Three", "status", "CONFIRMED"),
		n(graph.TypeSource, "source/s4", "type", "PRACTICE_HANDBOOK", "title", "Four", "status", "CONFIRMED"),
		n(graph.TypeWorkModel, "workmodel/wm2", "code", "WM2", "name", map[string]any{"nl": "persoonlijke vriend", "en": "personal friend"}, "status", "CONFIRMED"),
		n(graph.TypeWorkModel, "workmodel/wm1", "code", "WM1", "name", "competentie", "status", "CONFIRMED"),
		n(graph.TypeWorkModel, "workmodel/wm3", "code", "WM3", "name", "netwerk", "status", "CANDIDATE"),
		n(graph.TypeTargetGroup, "targetgroup/poor", "label", "mensen in armoede", "status", "CONFIRMED"),
		n(graph.TypeOutcome, "outcome/lonely", "label", "eenzaamheid", "domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
		n(graph.TypeOutcome, "outcome/part", "label", "participatie", "domain", "PARTICIPATION_CITIZENSHIP", "status", "CONFIRMED"),
		n(graph.TypeOutcome, "outcome/support", "label", map[string]any{"nl": "ervaren steun", "en": "perceived support"}, "domain", "PERCEIVED_SUPPORT", "status", "CONFIRMED"),
		n(graph.TypePrecondition, "precondition/match", "label", "goede match", "category", "RELATIONSHIP", "status", "CONFIRMED"),
		n(graph.TypePrecondition, "precondition/funding", "label", "financiering", "category", "POLICY_LEGAL", "status", "CONFIRMED"),

		n(graph.TypeMethod, "method/buddy", "name", map[string]any{"nl": "buddywerking", "en": "buddy scheme"}, "status", "CONFIRMED",
			"targetGroups", []any{"targetgroup/poor"}, "supportFunctions", []any{"COMPANIONSHIP_BELONGING"}, "regions", []any{"BE-VLG"}),
		link(graph.TypeAssignment, "method/buddy", "workModel", "workmodel/wm2", "basis", "REPORT", "primary", true, "sources", src("s1")),
		link(graph.TypeInvolvement, "method/buddy", "type", "VOLUNTEER_KEY_FIGURE", "role", "KEY_FIGURE", "sources", src("s1")),
		link(graph.TypeRequirement, "method/buddy", "precondition", "precondition/match", "sources", src("s2")),
		link(graph.TypeEvidenceRating, "method/buddy", "registry", "MOVISIE", "level", "GOED_ONDERBOUWD", "sources", src("s2")),
		link(graph.TypeCharacteristic, "method/buddy", "kind", "STRENGTH", "text", "laagdrempelig", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "PERSONAL", "value", "HIGH", "stakeholderGroup", "ERVARINGSDESKUNDIGEN", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "PERSONAL", "value", "LOW", "stakeholderGroup", "PRAKTIJKDESKUNDIGEN", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "DURABLE", "value", "MEDIUM", "stakeholderGroup", "ERVARINGSDESKUNDIGEN", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "DURABLE", "value", "MEDIUM", "stakeholderGroup", "PRAKTIJKDESKUNDIGEN", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "COST", "value", "UNKNOWN", "stakeholderGroup", "ERVARINGSDESKUNDIGEN", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "COST", "value", "HIGH", "stakeholderGroup", "PRAKTIJKDESKUNDIGEN", "sources", src("s2")),
		link(graph.TypeAssessment, "method/buddy", "criterion", "COST", "value", "LOW", "stakeholderGroup", "VRIJWILLIGERS", "sources", src("s2")),
		claim("c1", "method/buddy", "lonely", "POSITIVE", "RCT", "n", int64(100), "effectSize", 0.5, "sources", src("s1")),
		claim("c2", "method/buddy", "part", "POSITIVE", "QUASI_EXPERIMENTAL", "n", int64(40), "sources", src("s1", "s2")),
		claim("c3", "method/buddy", "part", "NONE", "QUALITATIVE", "sources", src("s2")),

		n(graph.TypeMethod, "method/fgc", "name", map[string]any{"nl": "Eigen Kracht-conferentie", "en": "Family Group Conference"}, "status", "CONFIRMED"),
		link(graph.TypeAssignment, "method/fgc", "workModel", "workmodel/wm1", "basis", "CURATOR", "sources", src("s4")),
		link(graph.TypeAssignment, "method/fgc", "workModel", "workmodel/wm3", "basis", "CURATOR", "sources", src("s4")),
		link(graph.TypeInvolvement, "method/fgc", "type", "PROFESSIONAL", "sources", src("s4")),
		link(graph.TypeInvolvement, "method/fgc", "type", "INFORMAL_NETWORK_MEMBER", "sources", src("s4")),
		link(graph.TypeRequirement, "method/fgc", "precondition", "precondition/funding", "sources", src("s4")),
		link(graph.TypeEvidenceRating, "method/fgc", "registry", "NJI", "level", "EFFECTIEF_EERSTE_AANWIJZINGEN", "sources", src("s4")),
		claim("c4", "method/fgc", "support", "POSITIVE", "RCT", "n", int64(200), "effectSize", 0.3, "sources", src("s3")),
		claim("c5", "method/fgc", "lonely", "MIXED", "PRE_POST", "sources", src("s3", "s4")),

		n(graph.TypeInitiative, "initiative/buddy-gent", "name", "Buddy Gent", "status", "CONFIRMED", "implements", []any{"method/buddy"}),
		n(graph.TypeAssignment, "", "subject", "initiative/buddy-gent", "workModel", "workmodel/wm2", "basis", "CURATOR", "status", "INFERRED", "sources", src("s4")),
		link(graph.TypeInvolvement, "initiative/buddy-gent", "type", "VOLUNTEER", "sources", src("s4")),
		claim("c6", "initiative/buddy-gent", "part", "POSITIVE", "PRE_POST", "n", int64(20), "sources", src("s4")),
		n(graph.TypeOutcomeClaim, "claim/c8", "subject", "initiative/buddy-gent", "outcome", "outcome/lonely", "direction", "POSITIVE",
			"design", "QUASI_EXPERIMENTAL", "status", "CANDIDATE", "sources", src("s2", "s3")),

		n(graph.TypeMethod, "method/timebank", "name", "tijdbank", "status", "CONFIRMED"),
		link(graph.TypeInvolvement, "method/timebank", "type", "PEER", "sources", src("s2")),
		claim("c7", "method/timebank", "part", "NEGATIVE", "", "sources", src("s2")),

		n(graph.TypeMethod, "method/empty", "name", "zonder claims", "status", "CANDIDATE"),

		n(graph.TypeRecommendation, "recommendation/r1", "text", "Investeer in buddywerking", "supportedBy", []any{"claim/c1", "claim/c2"},
			"concerns", []any{"method/buddy"}, "status", "CONFIRMED", "sources", src("s1")),
		n(graph.TypeRecommendation, "recommendation/r2", "text", "Onderzoek participatie", "supportedBy", []any{"claim/c3"}, "status", "CONFIRMED", "sources", src("s2")),
		n(graph.TypeRecommendation, "recommendation/r3", "text", "Eigen Kracht breed inzetten", "supportedBy", []any{"claim/c4", "claim/c5"}, "status", "CONFIRMED", "sources", src("s3")),
		n(graph.TypeRecommendation, "recommendation/r4", "text", "Zonder bewijs", "status", "CONFIRMED", "sources", src("s3")),
	}}
}

// analyticsStore returns a memstore loaded with analyticsFixture.
func analyticsStore(t testing.TB) *graph.Store {
	t.Helper()
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, analyticsFixture())
	return st
}
