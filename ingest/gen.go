package ingest

import (
	"fmt"
	"math/rand/v2"

	"kring/graph"
)

// Scale is the size of a generated knowledge base.
type Scale struct {
	Name                     string
	Methods, Sources, Claims int
	Outcomes, TargetGroups   int
	Preconditions, Authors   int
	CharacteristicsPerMethod int
}

// Scales of `kring gen`. Large is the size the analyst issue's speed goals are set for:
// about 2,000 methods, 50,000 sources and 200,000 claims (≈ 2M quads).
var Scales = map[string]Scale{
	"small": {Name: "small", Methods: 200, Sources: 5000, Claims: 20000, Outcomes: 40, TargetGroups: 20, Preconditions: 60, Authors: 2000, CharacteristicsPerMethod: 2},
	"large": {Name: "large", Methods: 2000, Sources: 50000, Claims: 200000, Outcomes: 120, TargetGroups: 40, Preconditions: 200, Authors: 20000, CharacteristicsPerMethod: 2},
}

// Generate returns a deterministic synthetic knowledge base of the given scale as one batch:
// the same scale gives the same quads on every machine. Every claim-bearing link has a source
// and a status, as in real batches; all generated content is CANDIDATE, so it can never be
// mistaken for the curated knowledge base.
func Generate(sc Scale) *graph.Changeset {
	r := rand.New(rand.NewPCG(2018, uint64(sc.Claims)))
	cs := &graph.Changeset{BatchID: "synthetic-" + sc.Name, Description: fmt.Sprintf("synthetic knowledge base (%s): generated, not real", sc.Name),
		LoadedBy: "kring gen", LoadedAt: "2026-01-01T00:00:00Z"}
	pos := graph.Pos{File: "gen:" + sc.Name}
	add := func(t graph.NodeType, id string, kv ...any) {
		n := graph.NodeSpec{Type: t, ID: id, Pos: pos}
		for i := 0; i+1 < len(kv); i += 2 {
			n.Fields = append(n.Fields, graph.FieldValue{Name: kv[i].(string), Value: kv[i+1], Pos: pos})
		}
		cs.Nodes = append(cs.Nodes, n)
	}
	pick := func(scheme string) string {
		v := graph.Vocabularies[scheme]
		return v[r.IntN(len(v))]
	}
	src := func() string { return fmt.Sprintf("source/gen-%d", r.IntN(sc.Sources)) }
	srcs := func(k int) []any {
		out := make([]any, k)
		for i := range out {
			out[i] = src()
		}
		return out
	}
	cand := "CANDIDATE"
	for i := 0; i < sc.Sources; i++ {
		authors := make([]any, 1+r.IntN(3))
		for k := range authors {
			a := r.IntN(sc.Authors)
			authors[k] = fmt.Sprintf("Auteur%d, A.%c.", a, 'A'+rune(a%26))
		}
		add(graph.TypeSource, fmt.Sprintf("source/gen-%d", i), "type", pick("SourceType"), "title", fmt.Sprintf("Synthetische studie %d over netwerkversterking", i),
			"authors", authors, "year", int64(1990+r.IntN(35)), "status", cand)
	}
	for i := 1; i <= 7; i++ {
		add(graph.TypeWorkModel, fmt.Sprintf("workmodel/gen-wm%d", i), "code", fmt.Sprintf("GEN-WM%d", i), "name", map[string]any{"nl": fmt.Sprintf("werkmodel %d", i), "en": fmt.Sprintf("work model %d", i)},
			"status", cand, "sources", srcs(1))
	}
	for i := 0; i < sc.TargetGroups; i++ {
		add(graph.TypeTargetGroup, fmt.Sprintf("targetgroup/gen-%d", i), "label", fmt.Sprintf("doelgroep %d", i), "status", cand)
	}
	for i := 0; i < sc.Outcomes; i++ {
		add(graph.TypeOutcome, fmt.Sprintf("outcome/gen-%d", i), "label", map[string]any{"nl": fmt.Sprintf("uitkomst %d", i), "en": fmt.Sprintf("outcome %d", i)},
			"domain", pick("OutcomeDomain"), "status", cand)
	}
	for i := 0; i < sc.Preconditions; i++ {
		add(graph.TypePrecondition, fmt.Sprintf("precondition/gen-%d", i), "label", fmt.Sprintf("randvoorwaarde %d", i), "category", pick("PreconditionCategory"), "status", cand)
	}
	for i := 0; i < sc.Methods; i++ {
		id := fmt.Sprintf("method/gen-%d", i)
		typ := graph.TypeMethod
		if i%3 != 0 {
			typ, id = graph.TypeInitiative, fmt.Sprintf("initiative/gen-%d", i)
		}
		add(typ, id, "name", map[string]any{"nl": fmt.Sprintf("methodiek %d", i), "en": fmt.Sprintf("method %d", i)},
			"description", fmt.Sprintf("Synthetische beschrijving van methodiek %d met vrijwilligers en buddy's.", i), "status", cand,
			"targetGroups", []any{fmt.Sprintf("targetgroup/gen-%d", r.IntN(sc.TargetGroups))}, "regions", []any{pick("Region")},
			"supportFunctions", []any{pick("SupportFunction")}, "sources", srcs(1))
		wm := 1 + r.IntN(7)
		for k := 0; k < 1+r.IntN(2); k++ {
			add(graph.TypeAssignment, "", "subject", id, "workModel", fmt.Sprintf("workmodel/gen-wm%d", 1+(wm+k-1)%7), "basis", "CURATOR", "status", cand, "sources", srcs(1))
		}
		add(graph.TypeInvolvement, "", "subject", id, "type", pick("ActorType"), "status", cand, "sources", srcs(1))
		add(graph.TypeRequirement, "", "subject", id, "precondition", fmt.Sprintf("precondition/gen-%d", r.IntN(sc.Preconditions)), "status", cand, "sources", srcs(1))
		for k := 0; k < sc.CharacteristicsPerMethod; k++ {
			add(graph.TypeCharacteristic, "", "subject", id, "kind", pick("CharacteristicKind"), "text", fmt.Sprintf("kenmerk %d van methodiek %d", k, i), "status", cand, "sources", srcs(1))
		}
		if r.IntN(4) == 0 {
			add(graph.TypeEvidenceRating, "", "subject", id, "registry", pick("Registry"), "level", pick("EvidenceLevel"), "status", cand, "sources", srcs(1))
		}
	}
	for i := 0; i < sc.Claims; i++ {
		m := r.IntN(sc.Methods)
		subj := fmt.Sprintf("method/gen-%d", m)
		if m%3 != 0 {
			subj = fmt.Sprintf("initiative/gen-%d", m)
		}
		add(graph.TypeOutcomeClaim, fmt.Sprintf("claim/gen-%d", i), "subject", subj, "outcome", fmt.Sprintf("outcome/gen-%d", r.IntN(sc.Outcomes)),
			"direction", pick("Direction"), "design", pick("StudyDesign"), "n", int64(10+r.IntN(500)), "effectSize", float64(r.IntN(200))/100,
			"status", cand, "sources", srcs(1+r.IntN(3)))
	}
	return cs
}
