package graph_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
	"kring/graph/graphtest"
)

// at is a field value at a line of "in.yaml".
func at(name string, v any, line int) graph.FieldValue {
	return graph.FieldValue{Name: name, Value: v, Pos: graph.Pos{File: "in.yaml", Line: line, Column: 3}}
}

// TestCheckEveryProblem: Check reports every problem of a changeset at once (the ones Apply
// found in one stage and those it found only in the next: a conflict with a stored fact), with
// file, line and field; it writes nothing; Apply rejects the changeset with the same problems.
func TestCheckEveryProblem(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "curated", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/mead-2009", "type", "ACADEMIC_ANGLO", "title", "Befriending", "year", int64(2009), "status", "CONFIRMED"),
	}})
	n := st.QuadCount()
	cs := &graph.Changeset{BatchID: "next", Pos: graph.Pos{File: "in.yaml", Line: 1}, Nodes: []graph.NodeSpec{
		// A stored source restated with another title: a conflict.
		{Type: graph.TypeSource, ID: "source/mead-2009", Pos: graph.Pos{File: "in.yaml", Line: 2}, Fields: []graph.FieldValue{
			at("type", "ACADEMIC_ANGLO", 3), at("year", int64(2009), 4), at("title", "Befriending again", 5), at("status", "CONFIRMED", 6)}},
		// A bad code and a missing status.
		{Type: graph.TypeSource, ID: "source/other", Pos: graph.Pos{File: "in.yaml", Line: 7}, Fields: []graph.FieldValue{
			at("type", "ACADEMIC_ANGLOO", 8), at("title", "Other", 9)}},
		// A reference to nothing.
		{Type: graph.TypeMethod, ID: "method/m", Pos: graph.Pos{File: "in.yaml", Line: 10}, Fields: []graph.FieldValue{
			at("name", "M", 11), at("status", "CANDIDATE", 12), at("sources", []any{"source/mead-2010"}, 13)}},
	}}
	res, err := st.Check(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`in.yaml:5:3: title: conflict: source/mead-2009 title differs: "Befriending" (stored, from batch/curated) vs "Befriending again" (this batch); resolve the conflict in one of the batches`,
		`in.yaml:7: status: required field missing on SOURCE source/other (CONFIRMED, INFERRED or CANDIDATE)`,
		`in.yaml:8:3: type: "ACADEMIC_ANGLOO" is not a SourceType code (did you mean "ACADEMIC_ANGLO"?)`,
		`in.yaml:13:3: sources: source/mead-2010 is not defined in this batch nor in the store (did you mean "source/mead-2009"?)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check problems (-want +got):\n%s", diff)
	}
	var ce *graph.ConflictError
	if res.OK() || !errors.As(res.Problems[0].Err, &ce) || ce.Field != "title" {
		t.Errorf("the conflict's cause = %v; want a *ConflictError on title", res.Problems[0].Err)
	}
	if st.QuadCount() != n {
		t.Errorf("Check changed the store")
	}
	// Apply: the same problems, nothing written.
	_, err = st.Apply(ctx, cs, false)
	var ve *graph.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Apply = %v; want a *ValidationError", err)
	}
	if diff := cmp.Diff(res.Problems, graph.Problems(ve.Problems), cmp.Comparer(func(a, b error) bool { return errors.Is(a, graph.ErrConflict) == errors.Is(b, graph.ErrConflict) })); diff != "" {
		t.Errorf("Apply's problems differ from Check's (-check +apply):\n%s", diff)
	}
	if st.QuadCount() != n {
		t.Errorf("a rejected Apply changed the store")
	}
	// Without the problems, Check is clean and Apply writes.
	cs.Nodes = cs.Nodes[2:]
	cs.Nodes[0].Fields[2] = at("sources", []any{"source/mead-2009"}, 13)
	if res, err := st.Check(ctx, cs); err != nil || !res.OK() || res.Err() != nil {
		t.Fatalf("Check(clean) = %+v, %v", res, err)
	}
	graphtest.MustApply(t, st, cs)
	if st.QuadCount() == n {
		t.Errorf("the clean changeset was not written")
	}
	st.Close()
	if _, err := st.Check(ctx, cs); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("Check on a closed store = %v; want ErrClosed", err)
	}
}

// TestCheckBesideWrites: Check takes no lock; run beside writes (under -race) it reads only
// published read models, and answers for the state it saw: a reference to a node a concurrent
// write adds resolves once that write is done.
func TestCheckBesideWrites(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	const writes = 20
	done := make(chan error, 1)
	go func() {
		for i := 0; i < writes; i++ {
			cs := &graph.Changeset{BatchID: fmt.Sprintf("w%d", i), Nodes: []graph.NodeSpec{
				graphtest.Node(graph.TypeSource, fmt.Sprintf("source/s%d", i), "type", "GREY_BE", "title", fmt.Sprintf("S %d", i), "status", "CANDIDATE"),
			}}
			if _, err := st.Apply(ctx, cs, false); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	last := fmt.Sprintf("source/s%d", writes-1)
	probe := &graph.Changeset{BatchID: "probe", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeMethod, "method/p", "name", "P", "status", "CANDIDATE", "sources", []any{"source/s0", last}),
	}}
	for checking := true; checking; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			checking = false
		default:
		}
		res, err := st.Check(ctx, probe)
		if err != nil {
			t.Fatal(err)
		}
		if !checking && !res.OK() {
			t.Fatalf("after the writes: %v", res.Problems)
		}
	}
}
