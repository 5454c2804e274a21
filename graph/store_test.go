package graph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
	"kring/graph/graphtest"
)

// A small graph, written by two batches:
//
//	b1: source/s1 ◄── assignment ──► workmodel/wm2
//	                      │
//	                 method/buddy ──involvement──► concept ActorType/VOLUNTEER_KEY_FIGURE
//	b2: claim/c1 ──subject──► method/buddy (b1)
//	          └───outcome──► outcome/lonely (b2)
func batch1() *graph.Changeset {
	return &graph.Changeset{BatchID: "b1", Description: "first", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/s1", "type", "ACADEMIC_ANGLO", "title", "A review", "status", "CONFIRMED",
			"authors", []any{"Hogan, B. E.", "Linden, W."}, "year", int64(2002), "doi", "10.1016/x"),
		graphtest.Node(graph.TypeWorkModel, "workmodel/wm2", "code", "WM2", "name", map[string]any{"nl": "persoonlijke vriend", "en": "personal friend"},
			"status", "CONFIRMED", "sources", []any{"source/s1"}),
		graphtest.Node(graph.TypeMethod, "method/buddy", "name", map[string]any{"nl": "buddywerking", "en": "buddy scheme"}, "status", "CONFIRMED",
			"regions", []any{"BE-VLG"}, "sources", []any{"source/s1"}),
		graphtest.Node(graph.TypeAssignment, "", "subject", "method/buddy", "workModel", "workmodel/wm2", "basis", "CURATOR",
			"status", "INFERRED", "sources", []any{"source/s1"}),
		graphtest.Node(graph.TypeInvolvement, "", "subject", "method/buddy", "type", "VOLUNTEER_KEY_FIGURE",
			"status", "CONFIRMED", "sources", []any{"source/s1"}),
	}}
}

func batch2() *graph.Changeset {
	return &graph.Changeset{BatchID: "b2", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeOutcome, "outcome/lonely", "label", "eenzaamheid", "domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
		graphtest.Node(graph.TypeOutcomeClaim, "claim/c1", "subject", "method/buddy", "outcome", "outcome/lonely", "direction", "POSITIVE",
			"design", "RCT", "n", int64(328), "status", "CONFIRMED", "sources", []any{"source/s1"}),
	}}
}

type factory func(testing.TB) *graph.Store

// TestStore is the conformance suite's core: every backend (memstore, bolt, PostgreSQL).
func TestStore(t *testing.T) {
	graphtest.ForEachBackend(t, func(t *testing.T, b graphtest.Backend) { testStore(t, b.New) })
}

func testStore(t *testing.T, newStore factory) {
	ctx := context.Background()
	t.Run("apply and read back", func(t *testing.T) {
		st := newStore(t)
		graphtest.MustApply(t, st, batch1())
		m, err := graph.Typed[*graph.Method](ctx, st, "method/buddy")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.Name(graph.EN), "buddy scheme"; got != want {
			t.Errorf("Name(EN) = %q; want %q", got, want)
		}
		if got := len(m.AssignmentIDs); got != 1 {
			t.Errorf("assignments = %d; want 1", got)
		}
		vol := graph.ActorType("VOLUNTEER")
		ms, err := st.Methods(ctx, &graph.MethodFilter{ActorType: &vol})
		if err != nil || len(ms) != 1 {
			t.Errorf("Methods(actorType VOLUNTEER) = %d, %v; want 1 (narrower VOLUNTEER_KEY_FIGURE matches)", len(ms), err)
		}
		be := graph.Region("BE")
		if ms, _ := st.Methods(ctx, &graph.MethodFilter{Region: &be}); len(ms) != 1 {
			t.Errorf("Methods(region BE) = %d; want 1 (BE_VLG is narrower than BE)", len(ms))
		}
		src, err := graph.Typed[*graph.Source](ctx, st, "source/s1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"kring:author/hogan-b-e", "kring:author/linden-w"}, src.AuthorIDs); diff != "" {
			t.Errorf("authors (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"kring:batch/b1"}, src.BatchIDs); diff != "" {
			t.Errorf("batches (-want +got):\n%s", diff)
		}
	})
	t.Run("not found", func(t *testing.T) {
		st := newStore(t)
		if _, err := st.Node(ctx, "method/none"); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Node(missing) error = %v; want ErrNotFound", err)
		}
		graphtest.MustApply(t, st, batch1())
		if _, err := graph.Typed[*graph.Outcome](ctx, st, "method/buddy"); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Typed[*Outcome](a method) error = %v; want ErrNotFound", err)
		}
	})
	t.Run("reload is a no-op", func(t *testing.T) {
		st := newStore(t)
		graphtest.MustApply(t, st, batch1())
		n := st.QuadCount()
		rep := graphtest.MustApply(t, st, batch1())
		if !rep.NoChange || rep.Added != 0 || rep.Removed != 0 {
			t.Errorf("second Apply = %+v; want no change", rep)
		}
		if st.QuadCount() != n {
			t.Errorf("quads after reload = %d; want %d", st.QuadCount(), n)
		}
		// Cayley #675: duplicate quads must not appear in the store itself.
		if _, err := st.Verify(ctx); err != nil {
			t.Errorf("Verify: %v", err)
		}
	})
	t.Run("invalid batch writes nothing", func(t *testing.T) {
		st := newStore(t)
		graphtest.MustApply(t, st, batch1())
		n := st.QuadCount()
		bad := batch2()
		bad.Nodes = append(bad.Nodes, graphtest.Node(graph.TypeOutcomeClaim, "claim/c2", "subject", "method/nope", "outcome", "outcome/lonely",
			"direction", "UPWARD", "status", "CONFIRMED"))
		_, err := st.Apply(ctx, bad, false)
		var ve *graph.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, graph.ErrInvalid) {
			t.Fatalf("Apply(bad) error = %v; want a ValidationError", err)
		}
		fields := map[string]bool{}
		for _, p := range ve.Problems {
			fields[p.Field] = true
		}
		for _, f := range []string{"subject", "direction", "sources"} {
			if !fields[f] {
				t.Errorf("problems %v do not mention field %q", ve.Problems, f)
			}
		}
		if st.QuadCount() != n {
			t.Errorf("quads after rejected batch = %d; want %d (unchanged)", st.QuadCount(), n)
		}
	})
	t.Run("dry run writes nothing", func(t *testing.T) {
		st := newStore(t)
		rep, err := st.Apply(ctx, batch1(), true)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Added == 0 || !st.Empty() {
			t.Errorf("dry run: added %d, store empty %v; want >0 and true", rep.Added, st.Empty())
		}
	})
	t.Run("rollback", func(t *testing.T) {
		st := newStore(t)
		graphtest.MustApply(t, st, batch1())
		n1 := st.QuadCount()
		graphtest.MustApply(t, st, batch2())
		if _, err := st.Rollback(ctx, "b1", false); !errors.Is(err, graph.ErrConflict) {
			t.Errorf("Rollback(b1) with dependent b2: error = %v; want ErrConflict", err)
		}
		if _, err := st.Rollback(ctx, "b2", false); err != nil {
			t.Fatalf("Rollback(b2): %v", err)
		}
		if st.QuadCount() != n1 {
			t.Errorf("quads after rollback of b2 = %d; want %d", st.QuadCount(), n1)
		}
		if _, err := st.Node(ctx, "claim/c1"); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("claim after rollback: %v; want ErrNotFound", err)
		}
		if _, err := st.Rollback(ctx, "nope", false); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Rollback(unknown) error = %v; want ErrNotFound", err)
		}
	})
	// Cayley #737: deleting a quad that was deleted and inserted again used to leave it behind.
	t.Run("delete re-inserted quads (cayley #737)", func(t *testing.T) {
		st := newStore(t)
		for i := 0; i < 3; i++ {
			graphtest.MustApply(t, st, batch1())
			if _, err := st.Rollback(ctx, "b1", false); err != nil {
				t.Fatalf("round %d: Rollback: %v", i, err)
			}
			if !st.Empty() {
				t.Fatalf("round %d: %d quads left after rollback; want 0", i, st.QuadCount())
			}
			if n, err := st.Verify(ctx); err != nil || n != 0 {
				t.Fatalf("round %d: Verify = %d, %v; want 0 quads in the quad store", i, n, err)
			}
		}
	})
}

// TestReopen: what a persistent backend stored is read back after a restart.
func TestReopen(t *testing.T) {
	graphtest.Persistent(t, func(t *testing.T, b graphtest.Backend) {
		ctx := context.Background()
		st, cfg := b.Open(t)
		graphtest.MustApply(t, st, batch1())
		graphtest.MustApply(t, st, batch2())
		want := st.QuadCount()
		wantClaims, _ := st.Claims(ctx, nil)
		st.Close()
		st2, err := graph.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer st2.Close()
		if st2.QuadCount() != want {
			t.Errorf("quads after reopen = %d; want %d", st2.QuadCount(), want)
		}
		gotClaims, _ := st2.Claims(ctx, nil)
		if diff := cmp.Diff(wantClaims, gotClaims); diff != "" {
			t.Errorf("claims after reopen (-want +got):\n%s", diff)
		}
		if _, err := st2.Verify(ctx); err != nil {
			t.Errorf("Verify after reopen: %v", err)
		}
	})
}

func TestReplaceBatch(t *testing.T) {
	graphtest.ForEachBackend(t, func(t *testing.T, b graphtest.Backend) {
		ctx := context.Background()
		st := b.New(t)
		graphtest.MustApply(t, st, batch1())
		changed := batch1()
		changed.Nodes[2] = graphtest.Node(graph.TypeMethod, "method/buddy", "name", "buddywerking", "status", "CONFIRMED", "sources", []any{"source/s1"})
		rep := graphtest.MustApply(t, st, changed)
		if rep.Removed == 0 {
			t.Errorf("replacing b1: removed = 0; want the dropped English name and region removed")
		}
		m, _ := graph.Typed[*graph.Method](ctx, st, "method/buddy")
		if got := m.Name(graph.EN); got != "buddywerking" {
			t.Errorf("Name(EN) after replace = %q; want fallback to Dutch %q", got, "buddywerking")
		}
	})
}

func TestConflictingValuesAreReported(t *testing.T) {
	graphtest.ForEachBackend(t, func(t *testing.T, b graphtest.Backend) {
		ctx := context.Background()
		st := b.New(t)
		graphtest.MustApply(t, st, batch1())
		n := st.QuadCount()
		other := &graph.Changeset{BatchID: "b9", Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeSource, "source/s1", "type", "ACADEMIC_ANGLO", "title", "Another title", "status", "CONFIRMED", "year", int64(2002)),
		}}
		_, err := st.Apply(ctx, other, false)
		var ve *graph.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != "title" {
			t.Fatalf("Apply(conflicting title) = %v; want one problem on field title", err)
		}
		if st.QuadCount() != n {
			t.Errorf("a rejected conflicting batch changed the store")
		}
		// Restating the same values from another batch is fine (and adds provenance).
		same := &graph.Changeset{BatchID: "b8", Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeSource, "source/s1", "type", "ACADEMIC_ANGLO", "title", "A review", "status", "CONFIRMED", "year", int64(2002)),
		}}
		graphtest.MustApply(t, st, same)
		src, _ := graph.Typed[*graph.Source](ctx, st, "source/s1")
		if diff := cmp.Diff([]string{"kring:batch/b1", "kring:batch/b8"}, src.BatchIDs); diff != "" {
			t.Errorf("batches of a restated source (-want +got):\n%s", diff)
		}
	})
}
