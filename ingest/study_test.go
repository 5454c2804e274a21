package ingest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
)

const studyFixture = "testdata/study/questions.yaml"

// TestLoadStudyQuestions loads research questions, a study parameter and experiences on top of
// the starter KB and reads them back through the read model, reverse links included.
func TestLoadStudyQuestions(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	mustLoad(t, st, readFiles(t, starterKB, studyFixture), ingest.Options{})

	qs, err := st.ResearchQuestions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].Code != "RQ3" || qs[1].Code != "RQ5" {
		t.Fatalf("questions = %+v; want RQ3, RQ5", qs)
	}
	q3 := qs[0]
	if q3.Text(graph.NL) != "Vraag drie." || q3.Text(graph.EN) != "Question three." || q3.Answer != "PARTLY" {
		t.Errorf("RQ3 = %q / %q / %s", q3.Text(graph.NL), q3.Text(graph.EN), q3.Answer)
	}
	if got := strings.Join(q3.AnsweredByIDs, " "); got != "kring:framework/gottlieb kring:method/buddy-scheme" && got != "kring:method/buddy-scheme kring:framework/gottlieb" {
		t.Errorf("RQ3 answeredBy = %s", got)
	}
	if axes := q3.AnsweredAxes(); len(axes) != 2 || !(axes[0] == graph.AxisWorkModel || axes[1] == graph.AxisWorkModel) {
		t.Errorf("RQ3 axes = %v", axes)
	}
	if len(q3.ParameterIDs) != 1 || len(q3.ExperienceIDs) != 0 {
		t.Errorf("RQ3 parameters %v, experiences %v; want one parameter, no experiences", q3.ParameterIDs, q3.ExperienceIDs)
	}
	// Experiences that name no question belong to RQ5.
	if got := qs[1].ExperienceIDs; len(got) != 2 {
		t.Errorf("RQ5 experiences = %v; want both fixture experiences", got)
	}

	ps, err := st.StudyParameters(ctx)
	if err != nil || len(ps) != 1 || ps[0].Label(graph.NL) != "werkmodel" || len(ps[0].QuestionIDs) != 1 {
		t.Fatalf("parameters = %+v, %v", ps, err)
	}

	persp := graph.Perspective("PERSON_IN_POVERTY")
	es, err := st.Experiences(ctx, &graph.ExperienceFilter{Perspective: &persp})
	if err != nil || len(es) != 1 {
		t.Fatalf("experiences of people in poverty = %+v, %v; want one", es, err)
	}
	e := es[0]
	if e.Text(graph.NL) != "Plaatshouder." || e.SampleSize == nil || *e.SampleSize != 12 || e.Locator == nil || *e.Locator != "p. 1" ||
		e.Design == nil || *e.Design != "QUALITATIVE" || e.QuestionID != "kring:question/rq5" {
		t.Errorf("experience = %+v", e)
	}
	if n := e.Note(graph.NL); n == nil || *n != "Testgegeven." {
		t.Errorf("Dutch note = %v; want the per-language note", n)
	}
	if n := e.Note(graph.EN); n == nil || *n != "Test datum." {
		t.Errorf("English note = %v", n)
	}
	about := "initiative/armentekort-buddy"
	if es, _ := st.Experiences(ctx, &graph.ExperienceFilter{About: &about}); len(es) != 1 {
		t.Errorf("experiences about %s = %d; want 1", about, len(es))
	}
	m, err := graph.Typed[*graph.Method](ctx, st, "kring:method/buddy-scheme")
	if err != nil || len(m.ExperienceIDs) != 1 {
		t.Errorf("method/buddy-scheme experiences = %v, %v; want 1", m, err)
	}
}

// TestLoadStudyQuestionsRejected: an experience with an unknown perspective, a dangling or
// mistyped `about`, or no source is rejected with file, line and field, and nothing is written.
func TestLoadStudyQuestionsRejected(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	mustLoad(t, st, readFiles(t, starterKB), ingest.Options{})
	n := st.QuadCount()
	bad := `format: kring-batch/1
batch: {id: test-bad-experiences}
experiences:
  - id: experience/bad-perspective
    perspective: POLICY_MAKER
    text: {nl: "x", en: "x"}
    status: CANDIDATE
    sources: [source/web-odisee-kcg-project-netwerkversterking]
  - id: experience/dangling
    perspective: VOLUNTEER
    about: [method/no-such-method]
    text: {nl: "x", en: "x"}
    status: CANDIDATE
    sources: [source/web-odisee-kcg-project-netwerkversterking]
  - id: experience/mistyped
    perspective: PROFESSIONAL
    about: [source/web-odisee-kcg-project-netwerkversterking]
    text: {nl: "x", en: "x"}
    status: CANDIDATE
    sources: [source/web-odisee-kcg-project-netwerkversterking]
  - id: experience/unsourced
    perspective: PROFESSIONAL
    text: {nl: "x", en: "x"}
    status: CANDIDATE
researchQuestions:
  - id: question/rq9
    code: RQ9
    text: {nl: "x", en: "x"}
    answer: MAYBE
    answeredAxes: [NO_AXIS]
    status: CONFIRMED
    sources: [source/web-odisee-kcg-project-netwerkversterking]
`
	rep, err := ingest.Load(ctx, st, []ingest.File{{Name: "bad.yaml", Data: []byte(bad)}}, ingest.Options{})
	if !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("Load = %v; want a rejection", err)
	}
	want := []struct {
		line  int
		field string
		text  string
	}{
		{5, "perspective", `"POLICY_MAKER" is not a Perspective code`},
		{11, "about", "method/no-such-method is not defined"},
		{17, "about", "is a SOURCE; expected METHOD or INITIATIVE or WORK_MODEL"},
		{21, "sources", "needs at least one source"},
		{29, "answer", `"MAYBE" is not a AnswerState code`},
		{30, "answeredAxes", `"NO_AXIS" is not a Axis code`},
	}
	for _, w := range want {
		found := false
		for _, p := range rep.Problems {
			if p.File == "bad.yaml" && p.Line == w.line && p.Field == w.field && strings.Contains(p.Message, w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem at bad.yaml:%d %s containing %q; got %v", w.line, w.field, w.text, problemStrings(rep.Problems))
		}
	}
	if st.QuadCount() != n {
		t.Errorf("quads = %d; want %d (nothing written)", st.QuadCount(), n)
	}
}
