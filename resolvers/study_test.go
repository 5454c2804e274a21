package resolvers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"kring/graph/graphtest"
	"kring/ingest"
	"kring/resolvers"
)

// studyFixture adds two experiences (test data, not KB content) to the bundled KB: one of people
// in poverty about a method, one of volunteers that names its question explicitly.
const studyFixture = `format: kring-batch/1
batch: {id: test-study-experiences}
experiences:
  - id: experience/test-participant
    perspective: PERSON_IN_POVERTY
    about: [method/buddy-scheme]
    text: {nl: "Plaatshouder deelnemer.", en: "Placeholder participant."}
    design: QUALITATIVE
    n: 9
    locator: "p. 2"
    status: CANDIDATE
    sources: [source/web-odisee-kcg-project-netwerkversterking]
  - id: experience/test-volunteer
    perspective: VOLUNTEER
    question: question/rq5
    text: {nl: "Plaatshouder vrijwilliger.", en: "Placeholder volunteer."}
    design: QUALITATIVE
    locator: "§3"
    status: CANDIDATE
    sources: [source/web-odisee-kcg-project-netwerkversterking]
`

const studyQuery = `query($p: Perspective) {
  researchQuestions {
    code text(lang: NL) en: text(lang: EN) answer gap(lang: NL) answeredAxes
    answeredBy { __typename id ... on Method { name(lang: NL) } ... on Framework { name(lang: NL) } ... on WorkModel { code } }
    parameters { code label(lang: NL) answer questions { code } }
    experiences(perspective: $p) { id perspective sampleSize locator question { code } about { id } sources { id } }
  }
  studyParameters { code answer }
  experiences(about: "method/buddy-scheme") { id }
  node(id: "kring:method/buddy-scheme") { ... on Method { experiences { id } } }
}`

type studyResult struct {
	ResearchQuestions []struct {
		Code, Text, En, Answer string
		Gap                    *string
		AnsweredAxes           []string
		AnsweredBy             []struct {
			Typename string `json:"__typename"`
			ID, Name string
		}
		Parameters []struct {
			Code, Label, Answer string
			Questions           []struct{ Code string }
		}
		Experiences []struct {
			ID, Perspective string
			SampleSize      *int
			Locator         *string
			Question        struct{ Code string }
		}
	}
	StudyParameters []struct{ Code, Answer string }
	Experiences     []struct{ ID string }
	Node            struct{ Experiences []struct{ ID string } }
}

// TestResearchQuestions queries the study's questions on the bundled KB (plus two fixture
// experiences): verbatim Dutch text and English rendering, what answers each, the parameters of
// RQ3, and the experiences of RQ5 per perspective.
func TestResearchQuestions(t *testing.T) {
	st := starter(t)
	cs, err := ingest.ReadKB("fixture.yaml", strings.NewReader(studyFixture))
	if err != nil {
		t.Fatal(err)
	}
	cs.LoadedAt = "2026-01-02T00:00:00Z"
	graphtest.MustApply(t, st, cs)
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})

	run := func(vars map[string]any) studyResult {
		t.Helper()
		code, r := post(t, h, studyQuery, vars)
		if code != 200 || len(r.Errors) > 0 {
			t.Fatalf("status %d, errors %v", code, r.Errors)
		}
		var out studyResult
		if err := json.Unmarshal(r.Data, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := run(nil)
	if len(got.ResearchQuestions) != 5 {
		t.Fatalf("%d research questions; want 5", len(got.ResearchQuestions))
	}
	byCode := map[string]int{}
	for i, q := range got.ResearchQuestions {
		byCode[q.Code] = i
		if q.Text == "" || q.En == "" || q.Text == q.En {
			t.Errorf("%s: text nl %q, en %q; want both, different", q.Code, q.Text, q.En)
		}
		if q.Answer != "ANSWERED" && (q.Gap == nil || *q.Gap == "") {
			t.Errorf("%s is %s but says no gap", q.Code, q.Answer)
		}
	}
	rq1 := got.ResearchQuestions[byCode["RQ1"]]
	if !strings.HasPrefix(rq1.Text, "Welke praktijktheoretische begrippen en werkmodellen") {
		t.Errorf("RQ1 text = %q", rq1.Text)
	}
	types := map[string]int{}
	for _, n := range rq1.AnsweredBy {
		types[n.Typename]++
		if n.Name == "" && n.Typename != "WorkModel" {
			t.Errorf("RQ1 answeredBy %s has no name", n.ID)
		}
	}
	if types["Framework"] == 0 || types["Method"] == 0 || types["WorkModel"] == 0 {
		t.Errorf("RQ1 answeredBy types = %v; want frameworks, methods and work models", types)
	}
	if rq4 := got.ResearchQuestions[byCode["RQ4"]]; rq4.Answer != "UNANSWERED" {
		t.Errorf("RQ4 answer = %s; want UNANSWERED (the judgements are not public)", rq4.Answer)
	}
	rq3 := got.ResearchQuestions[byCode["RQ3"]]
	if len(rq3.Parameters) != 6 || len(got.StudyParameters) != 6 {
		t.Errorf("RQ3 has %d parameters, studyParameters %d; want 6", len(rq3.Parameters), len(got.StudyParameters))
	}
	// In the study's order (position), both as RQ3's parameters and as the root list.
	want := "INZET WERKMODEL BETEKENIS FUNCTIE UITKOMSTEN RANDVOORWAARDEN"
	var order, rootOrder []string
	for _, p := range rq3.Parameters {
		order = append(order, p.Code)
	}
	for _, p := range got.StudyParameters {
		rootOrder = append(rootOrder, p.Code)
	}
	if strings.Join(order, " ") != want || strings.Join(rootOrder, " ") != want {
		t.Errorf("parameter order = %v / %v; want %s", order, rootOrder, want)
	}
	for _, p := range rq3.Parameters {
		if p.Label == "" || len(p.Questions) != 1 || p.Questions[0].Code != "RQ3" {
			t.Errorf("parameter %s: label %q, questions %v", p.Code, p.Label, p.Questions)
		}
	}
	if len(rq3.AnsweredAxes) == 0 {
		t.Error("RQ3 has no answering axes")
	}
	// The shipped KB has experiences of its own (kb/batches); the assertions on counts look at
	// the fixture's only, and every experience must belong to RQ5.
	rq5 := got.ResearchQuestions[byCode["RQ5"]]
	if ids := fixtureIDs(rq5.Experiences); len(ids) != 2 {
		t.Fatalf("RQ5 fixture experiences = %v (of %+v); want the two fixture experiences", ids, rq5.Experiences)
	}
	for _, e := range rq5.Experiences {
		if e.Question.Code != "RQ5" {
			t.Errorf("%s belongs to %q; want RQ5", e.ID, e.Question.Code)
		}
	}
	if a, m := fixtureIDs(got.Experiences), fixtureIDs(got.Node.Experiences); len(a) != 1 || len(m) != 1 || m[0] != "kring:experience/test-participant" || a[0] != m[0] {
		t.Errorf("fixture experiences about buddy-scheme = %v, Method.experiences = %v; want the participant's", a, m)
	}
	for _, q := range got.ResearchQuestions {
		if q.Code != "RQ5" && len(q.Experiences) != 0 {
			t.Errorf("%s has experiences %v; want none", q.Code, q.Experiences)
		}
	}

	vol := run(map[string]any{"p": "VOLUNTEER"}).ResearchQuestions[byCode["RQ5"]].Experiences
	if ids := fixtureIDs(vol); len(ids) != 1 || ids[0] != "kring:experience/test-volunteer" {
		t.Errorf("RQ5 volunteer fixture experiences = %v; want the volunteer's only", ids)
	}
	for _, e := range vol {
		if e.Perspective != "VOLUNTEER" {
			t.Errorf("perspective filter VOLUNTEER returned %s (%s)", e.ID, e.Perspective)
		}
		if e.ID == "kring:experience/test-volunteer" && e.SampleSize != nil {
			t.Errorf("test-volunteer sampleSize = %d; want none", *e.SampleSize)
		}
	}
	pro := run(map[string]any{"p": "PROFESSIONAL"}).ResearchQuestions[byCode["RQ5"]].Experiences
	if ids := fixtureIDs(pro); len(ids) != 0 {
		t.Errorf("RQ5 professional fixture experiences = %v; want none", ids)
	}
	for _, e := range pro {
		if e.Perspective != "PROFESSIONAL" {
			t.Errorf("perspective filter PROFESSIONAL returned %s (%s)", e.ID, e.Perspective)
		}
	}
}

// fixtureIDs returns the ids of the fixture's experiences (experience/test-…) among es, in order.
func fixtureIDs[E any](es []E) []string {
	var out []string
	for _, e := range es {
		b, _ := json.Marshal(e)
		var x struct{ ID string }
		_ = json.Unmarshal(b, &x)
		if strings.HasPrefix(x.ID, "kring:experience/test-") {
			out = append(out, x.ID)
		}
	}
	return out
}
