package graph_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
	"kring/graph/graphtest"
)

func TestEdit(t *testing.T) {
	t.Run("memstore", func(t *testing.T) { testEdit(t, graphtest.NewMemory) })
	t.Run("bolt", func(t *testing.T) {
		testEdit(t, func(tb testing.TB) *graph.Store { st, _ := graphtest.NewBolt(tb); return st })
	})
}

func str(s string) *string { return &s }

func mustEdit(t *testing.T, st *graph.Store, req graph.EditRequest) *graph.EditResult {
	t.Helper()
	if req.Author == "" {
		req.Author = "curator-ann"
	}
	res, err := st.Edit(context.Background(), req)
	if err != nil {
		t.Fatalf("Edit(%s %s): %v", req.Target, req.Field, err)
	}
	return res
}

func claimOf(t *testing.T, st *graph.Store) *graph.OutcomeClaim {
	t.Helper()
	c, err := graph.Typed[*graph.OutcomeClaim](context.Background(), st, "claim/c1")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testEdit(t *testing.T, newStore factory) {
	ctx := context.Background()
	setup := func(t *testing.T) *graph.Store {
		st := newStore(t)
		graphtest.MustApply(t, st, batch1())
		graphtest.MustApply(t, st, batch2())
		return st
	}
	t.Run("edit and revert a claim's direction", func(t *testing.T) {
		st := setup(t)
		before := st.QuadCount()
		res := mustEdit(t, st, graph.EditRequest{Target: "claim/c1", Field: "direction", Value: str("NEGATIVE"), Reason: "p. 12 reports a decline"})
		if res.ID != "kring:batch/edit-1" || !cmp.Equal(res.Old, []string{"POSITIVE"}) || !cmp.Equal(res.New, []string{"NEGATIVE"}) || res.Removed != 1 || res.Added != 1 {
			t.Errorf("Edit = %+v; want edit-1, POSITIVE → NEGATIVE, 1 removed, 1 added", res)
		}
		c := claimOf(t, st)
		if c.Direction != "NEGATIVE" {
			t.Errorf("direction after edit = %s; want NEGATIVE", c.Direction)
		}
		if !containsStr(c.BatchIDs, "kring:batch/edit-1") {
			t.Errorf("claim batches %v lack the edit", c.BatchIDs)
		}
		// The edit is no load: the batch list stays the loads.
		if bs, _ := st.Batches(ctx); len(bs) != 2 {
			t.Errorf("Batches = %d; want 2 (the loads)", len(bs))
		}
		// Re-loading b2 with the old value conflicts with the edit.
		if _, err := st.Apply(ctx, batch2(), false); !errors.Is(err, graph.ErrInvalid) || !strings.Contains(err.Error(), "conflict") || !strings.Contains(err.Error(), "edit-1") {
			t.Errorf("reload b2 after the edit: %v; want a conflict naming edit-1", err)
		}
		// Rolling back b2 while the edit stands is refused; rolling back the edit too.
		if _, err := st.Rollback(ctx, "b2", false); !errors.Is(err, graph.ErrConflict) || !strings.Contains(err.Error(), "edit-1") {
			t.Errorf("Rollback(b2) under an edit: %v; want ErrConflict naming edit-1", err)
		}
		if _, err := st.Rollback(ctx, "edit-1", false); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("Rollback(edit-1): %v; want ErrInvalid (revert it)", err)
		}
		// Loading a batch over the edit's id is refused.
		over := batch2()
		over.BatchID = "edit-1"
		if _, err := st.Apply(ctx, over, false); !errors.Is(err, graph.ErrConflict) {
			t.Errorf("Apply(batch edit-1): %v; want ErrConflict", err)
		}
		if _, err := st.Revert(ctx, "edit-1", "curator-bob", ""); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("Revert without a reason: %v; want ErrInvalid", err)
		}
		rv, err := st.Revert(ctx, "edit-1", "curator-bob", "misread the table")
		if err != nil {
			t.Fatal(err)
		}
		if rv.ID != "kring:batch/revert-2" || rv.Reverts != "kring:batch/edit-1" || rv.Added != 1 || rv.Removed != 1 {
			t.Errorf("Revert = %+v", rv)
		}
		c = claimOf(t, st)
		if c.Direction != "POSITIVE" || !cmp.Equal(c.BatchIDs, []string{"kring:batch/b2"}) {
			t.Errorf("after revert: direction %s, batches %v; want POSITIVE from b2 only", c.Direction, c.BatchIDs)
		}
		if _, err := st.Revert(ctx, "edit-1", "curator-bob", "again"); !errors.Is(err, graph.ErrConflict) {
			t.Errorf("second revert: %v; want ErrConflict", err)
		}
		// Exactly the original quads are back: b2 reloads as a no-op.
		if rep := graphtest.MustApply(t, st, batch2()); !rep.NoChange {
			t.Errorf("reload b2 after the revert = %+v; want no change", rep)
		}
		if _, err := st.Verify(ctx); err != nil {
			t.Error(err)
		}
		// The edit and the revert stay as audit records (metadata only).
		if st.QuadCount() <= before {
			t.Errorf("quads %d after edit+revert; want more than %d (audit records)", st.QuadCount(), before)
		}
		h, err := st.History(ctx, "claim/c1")
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range h {
			kinds = append(kinds, string(e.Kind)+" "+graph.ShortID(e.ID))
		}
		if want := []string{"REVERT batch/revert-2", "EDIT batch/edit-1", "LOAD batch/b2"}; !cmp.Equal(kinds, want) {
			t.Errorf("history = %v; want %v", kinds, want)
		}
		if h[1].RevertedBy != "kring:batch/revert-2" || h[1].Reason != "p. 12 reports a decline" || h[1].Actor != "curator-ann" || h[1].Field != "direction" {
			t.Errorf("history edit entry = %+v", h[1])
		}
		// Now b2 can be rolled back, with an audit record.
		rep, err := st.RollbackAs(ctx, graph.RollbackRequest{Batch: "b2", Author: "admin-zoe", Reason: "wrong file"})
		if err != nil || rep.Removed == 0 {
			t.Fatalf("RollbackAs(b2) = %+v, %v", rep, err)
		}
		log, err := st.AuditLog(ctx, graph.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		kinds = nil
		for _, e := range log {
			kinds = append(kinds, string(e.Kind)+" "+e.Actor)
		}
		// b2 is gone (its rollback record says so); b1, the edit and the revert stay.
		if want := []string{"ROLLBACK admin-zoe", "REVERT curator-bob", "EDIT curator-ann", "LOAD "}; !cmp.Equal(kinds, want) {
			t.Errorf("audit log = %v; want %v", kinds, want)
		}
		if log[0].Target != "batch/b2" || log[0].Reason != "wrong file" || !strings.Contains(log[0].Summary, "batch/b2") {
			t.Errorf("rollback entry = %+v", log[0])
		}
		if only, _ := st.AuditLog(ctx, graph.AuditFilter{Kind: graph.AuditEdit}); len(only) != 1 || only[0].Kind != graph.AuditEdit {
			t.Errorf("AuditLog(kind EDIT) = %+v", only)
		}
		if only, _ := st.AuditLog(ctx, graph.AuditFilter{Actor: "curator-bob"}); len(only) != 1 || only[0].Kind != graph.AuditRevert {
			t.Errorf("AuditLog(actor curator-bob) = %+v", only)
		}
		if _, err := st.Rollback(ctx, "rollback-3", false); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("Rollback(an audit record): %v; want ErrInvalid", err)
		}
		if _, err := st.Verify(ctx); err != nil {
			t.Error(err)
		}
	})
	t.Run("rejections", func(t *testing.T) {
		st := setup(t)
		n := st.QuadCount()
		for _, tc := range []struct {
			req  graph.EditRequest
			want error
			msg  string
		}{
			{graph.EditRequest{Target: "claim/c1", Field: "direction", Value: str("NEGATIVE")}, graph.ErrInvalid, "reason"},
			{graph.EditRequest{Target: "claim/c1", Field: "direction", Value: str("NEGATIV"), Reason: "x"}, graph.ErrInvalid, `did you mean "NEGATIVE"`},
			{graph.EditRequest{Target: "claim/c1", Field: "direction", Value: str("POSITIVE"), Reason: "x"}, graph.ErrInvalid, "already"},
			{graph.EditRequest{Target: "claim/c1", Field: "direction", Reason: "x"}, graph.ErrInvalid, "required"},
			{graph.EditRequest{Target: "claim/c1", Field: "subject", Value: str("method/buddy"), Reason: "x"}, graph.ErrInvalid, "cannot be edited"},
			{graph.EditRequest{Target: "claim/c1", Field: "directon", Value: str("NONE"), Reason: "x"}, graph.ErrInvalid, `did you mean "direction"`},
			{graph.EditRequest{Target: "claim/c1", Field: "n", Value: str("many"), Reason: "x"}, graph.ErrInvalid, "whole number"},
			{graph.EditRequest{Target: "method/buddy", Field: "name", Value: str("x"), Reason: "x"}, graph.ErrInvalid, "language"},
			{graph.EditRequest{Target: "claim/none", Field: "direction", Value: str("NONE"), Reason: "x"}, graph.ErrNotFound, "claim/none"},
			{graph.EditRequest{Target: "batch/b1", Field: "description", Value: str("x"), Reason: "x"}, graph.ErrInvalid, "cannot be edited"},
		} {
			_, err := st.Edit(ctx, tc.req)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Edit(%+v) = %v; want %v mentioning %q", tc.req, err, tc.want, tc.msg)
			}
		}
		if st.QuadCount() != n {
			t.Errorf("quads after rejected edits = %d; want %d", st.QuadCount(), n)
		}
	})
	t.Run("status path", func(t *testing.T) {
		st := setup(t)
		m, _ := graph.Typed[*graph.Method](ctx, st, "method/buddy")
		asg := m.AssignmentIDs[0] // INFERRED, basis CURATOR
		mustEdit(t, st, graph.EditRequest{Target: asg, Field: "status", Value: str("CANDIDATE"), Reason: "not in the report after all"})
		if _, err := st.Edit(ctx, graph.EditRequest{Target: asg, Field: "status", Value: str("CONFIRMED"), Reason: "x"}); !errors.Is(err, graph.ErrInvalid) || !strings.Contains(err.Error(), "skips INFERRED") {
			t.Errorf("CANDIDATE → CONFIRMED: %v; want ErrInvalid saying it skips INFERRED", err)
		}
		mustEdit(t, st, graph.EditRequest{Target: asg, Field: "status", Value: str("INFERRED"), Reason: "a curator's reading"})
		mustEdit(t, st, graph.EditRequest{Target: asg, Field: "status", Value: str("CONFIRMED"), Reason: "found on p. 3"})
		mustEdit(t, st, graph.EditRequest{Target: asg, Field: "basis", Value: str("REPORT"), Reason: "the report states it"})
		a, _ := graph.Typed[*graph.Assignment](ctx, st, asg)
		if a.Status != "CONFIRMED" || a.Basis != "REPORT" {
			t.Errorf("assignment = %s %s; want CONFIRMED REPORT", a.Status, a.Basis)
		}
		// Back to CANDIDATE in one step is allowed (with a reason).
		mustEdit(t, st, graph.EditRequest{Target: asg, Field: "status", Value: str("CANDIDATE"), Reason: "the page says otherwise"})
		// An older edit of the same field cannot be reverted while a later one stands.
		if _, err := st.Revert(ctx, "edit-3", "x", "y"); !errors.Is(err, graph.ErrConflict) || !strings.Contains(err.Error(), "edit-5") {
			t.Errorf("Revert(edit-3) under edit-5: %v; want ErrConflict naming edit-5", err)
		}
		if _, err := st.Revert(ctx, "edit-5", "x", "undo"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Revert(ctx, "edit-3", "x", "undo"); err != nil {
			t.Fatal(err)
		}
		a, _ = graph.Typed[*graph.Assignment](ctx, st, asg)
		if a.Status != "INFERRED" {
			t.Errorf("status after reverting edit-3 = %s; want INFERRED (edit-2's value)", a.Status)
		}
	})
	t.Run("texts and source details", func(t *testing.T) {
		st := setup(t)
		mustEdit(t, st, graph.EditRequest{Target: "method/buddy", Field: "name", Lang: "en", Value: str("buddy programme"), Reason: "the English name in the report"})
		m, _ := graph.Typed[*graph.Method](ctx, st, "method/buddy")
		if m.Name(graph.EN) != "buddy programme" || m.Name(graph.NL) != "buddywerking" {
			t.Errorf("names = %q / %q; want the English one changed only", m.Name(graph.NL), m.Name(graph.EN))
		}
		mustEdit(t, st, graph.EditRequest{Target: "source/s1", Field: "year", Value: str("2003"), Reason: "publication year on the cover"})
		mustEdit(t, st, graph.EditRequest{Target: "source/s1", Field: "publisher", Value: str("Elsevier"), Reason: "added"})
		mustEdit(t, st, graph.EditRequest{Target: "source/s1", Field: "doi", Reason: "the DOI is another article's"})
		s, _ := graph.Typed[*graph.Source](ctx, st, "source/s1")
		if s.Year == nil || *s.Year != 2003 || s.Publisher == nil || *s.Publisher != "Elsevier" || s.DOI != nil {
			t.Errorf("source = year %v publisher %v doi %v", s.Year, s.Publisher, s.DOI)
		}
		hits, err := st.Search(ctx, graph.SearchQuery{Text: "programme", Limit: 5})
		if err != nil || len(hits.Hits) == 0 {
			t.Errorf("search for the edited name: %v, %v; want a hit", hits, err)
		}
		if _, err := st.Verify(ctx); err != nil {
			t.Error(err)
		}
	})
}

func TestEditSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	st, dir := graphtest.NewBolt(t)
	graphtest.MustApply(t, st, batch1())
	graphtest.MustApply(t, st, batch2())
	mustEdit(t, st, graph.EditRequest{Target: "claim/c1", Field: "design", Value: str("QUASI_EXPERIMENTAL"), Reason: "no randomisation"})
	st.Close()
	st2, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if c := claimOf(t, st2); c.Design == nil || *c.Design != "QUASI_EXPERIMENTAL" {
		t.Errorf("design after reopen = %v", c.Design)
	}
	if _, err := st2.Revert(ctx, "edit-1", "x", "undo"); err != nil {
		t.Fatal(err)
	}
	if c := claimOf(t, st2); c.Design == nil || *c.Design != "RCT" {
		t.Errorf("design after revert = %v; want RCT", c.Design)
	}
	if h, _ := st2.History(ctx, "claim/c1"); len(h) != 3 {
		t.Errorf("history = %+v; want 3 entries", h)
	}
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestEditExportRoundTrip: an export of a store with an edit and a revert re-imports into an
// empty store as the same quads, with the same history; changing an audit record by an
// import is refused.
func TestEditExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, batch1())
	graphtest.MustApply(t, st, batch2())
	mustEdit(t, st, graph.EditRequest{Target: "claim/c1", Field: "direction", Value: str("MIXED"), Reason: "two subscales disagree"})
	mustEdit(t, st, graph.EditRequest{Target: "source/s1", Field: "title", Value: str("A systematic review"), Reason: "full title"})
	if _, err := st.Revert(ctx, "edit-2", "x", "the short title is the journal's"); err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := st.Export(ctx, &buf, "nquads", ""); err != nil {
		t.Fatal(err)
	}
	qs, err := graph.ReadQuads("export.nq", strings.NewReader(buf.String()), "nquads")
	if err != nil {
		t.Fatal(err)
	}
	st2 := graphtest.NewMemory(t)
	if _, err := st2.ApplyQuads(ctx, qs, false); err != nil {
		t.Fatalf("import of the export: %v", err)
	}
	var buf2 strings.Builder
	if err := st2.Export(ctx, &buf2, "nquads", ""); err != nil {
		t.Fatal(err)
	}
	if buf.String() != buf2.String() {
		t.Errorf("export → import → export differs:\n%s", cmp.Diff(buf.String(), buf2.String()))
	}
	h1, _ := st.History(ctx, "source/s1")
	h2, _ := st2.History(ctx, "source/s1")
	if !cmp.Equal(h1, h2, cmp.AllowUnexported(graph.AuditEntry{})) || len(h2) != 3 {
		t.Errorf("history after the round trip = %+v; want %+v (3 entries)", h2, h1)
	}
	if c := claimOf(t, st2); c.Direction != "MIXED" {
		t.Errorf("direction after the round trip = %s", c.Direction)
	}
	// The imported edit can be reverted in the new store.
	if _, err := st2.Revert(ctx, "edit-1", "x", "undo"); err != nil {
		t.Fatal(err)
	}
	if c := claimOf(t, st2); c.Direction != "POSITIVE" {
		t.Errorf("direction after reverting the imported edit = %s", c.Direction)
	}
	// An import that changes an audit record is refused.
	changed := strings.ReplaceAll(buf.String(), "two subscales disagree", "something else")
	qs3, err := graph.ReadQuads("changed.nq", strings.NewReader(changed), "nquads")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyQuads(ctx, qs3, false); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("import changing edit-1: %v; want ErrConflict", err)
	}
}

// BenchmarkEdit edits one claim's design back and forth (each edit a batch of its own, so the
// audit records grow with b.N), on the memory store and on bolt.
func BenchmarkEdit(b *testing.B) {
	for _, backend := range []string{"memory", "bolt"} {
		b.Run(backend, func(b *testing.B) {
			var st *graph.Store
			if backend == "memory" {
				st = graphtest.NewMemory(b)
			} else {
				st, _ = graphtest.NewBolt(b)
			}
			graphtest.MustApply(b, st, batch1())
			graphtest.MustApply(b, st, batch2())
			ctx := context.Background()
			vals := []string{"QUASI_EXPERIMENTAL", "RCT"}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := st.Edit(ctx, graph.EditRequest{Target: "claim/c1", Field: "design", Value: &vals[i%2], Reason: "bench", Author: "b"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestReloadWithoutEditedNode: re-loading a batch that no longer states a node an edit changed
// is refused (revert the edit first); once reverted, the reload goes through.
func TestReloadWithoutEditedNode(t *testing.T) {
	ctx := context.Background()
	st, _ := graphtest.NewBolt(t)
	graphtest.MustApply(t, st, batch1())
	graphtest.MustApply(t, st, batch2())
	mustEdit(t, st, graph.EditRequest{Target: "claim/c1", Field: "n", Value: str("330"), Reason: "table 2"})
	smaller := batch2()
	smaller.Nodes = smaller.Nodes[:1] // the outcome only: claim/c1 is dropped
	if _, err := st.Apply(ctx, smaller, false); !errors.Is(err, graph.ErrConflict) || !strings.Contains(err.Error(), "edit-1") {
		t.Fatalf("reload without the edited claim: %v; want ErrConflict naming edit-1", err)
	}
	if _, err := st.Revert(ctx, "edit-1", "x", "undo"); err != nil {
		t.Fatal(err)
	}
	graphtest.MustApply(t, st, smaller)
	if _, err := graph.Typed[*graph.OutcomeClaim](ctx, st, "claim/c1"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("claim after the reload: %v; want ErrNotFound", err)
	}
	if _, err := st.Verify(ctx); err != nil {
		t.Error(err)
	}
}

// TestReloadNetNegativeTerms: a re-load that removes two nodes and adds one (rdf:type removed
// twice, added once in one transaction) stores every added quad whole on bolt (Cayley's
// key-value store would drop the term whose count goes down: Store.write splits such writes).
func TestReloadNetNegativeTerms(t *testing.T) {
	ctx := context.Background()
	st, dir := graphtest.NewBolt(t)
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "r", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/a", "type", "PRESS", "title", "A", "status", "CONFIRMED"),
		graphtest.Node(graph.TypeSource, "source/b", "type", "PRESS", "title", "B", "status", "CONFIRMED"),
	}})
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "r", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/c", "type", "PRESS", "title", "C", "status", "CONFIRMED"),
	}})
	if _, err := st.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Read back from the quads alone (no snapshot).
	os.Remove(filepath.Join(dir, "readmodel.snapshot"))
	matches, _ := filepath.Glob(filepath.Join(dir, "*.snap*"))
	for _, m := range matches {
		os.Remove(m)
	}
	st2, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if s, err := graph.Typed[*graph.Source](ctx, st2, "source/c"); err != nil || s.Title != "C" {
		t.Errorf("source/c after reopen: %v %v", s, err)
	}
	if _, err := graph.Typed[*graph.Source](ctx, st2, "source/a"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("source/a after reopen: %v; want ErrNotFound", err)
	}
}

func TestEditList(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, batch1())
	res, err := st.Edit(ctx, graph.EditRequest{Target: "method/buddy", Field: "aliases", Values: []string{"duowerking", "maatjesproject"}, Reason: "names used in Flanders", Author: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(res.Old, []string{}) || !cmp.Equal(res.New, []string{"duowerking", "maatjesproject"}) {
		t.Errorf("Edit(aliases) = %+v", res)
	}
	m, _ := graph.Typed[*graph.Method](ctx, st, "method/buddy")
	if !cmp.Equal(m.Aliases, []string{"duowerking", "maatjesproject"}) {
		t.Errorf("aliases = %v", m.Aliases)
	}
	if _, err := st.Edit(ctx, graph.EditRequest{Target: "method/buddy", Field: "aliases", Values: []string{"duowerking", "maatjesproject"}, Reason: "x"}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("the same list again: %v; want ErrInvalid", err)
	}
	if _, err := st.Edit(ctx, graph.EditRequest{Target: "source/s1", Field: "authors", Values: []string{"X"}, Reason: "x"}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("editing authors: %v; want ErrInvalid", err)
	}
	if _, err := st.Edit(ctx, graph.EditRequest{Target: "claim/none", Field: "direction", Values: []string{"X"}, Reason: "x"}); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("unknown node: %v", err)
	}
	if _, err := st.Edit(ctx, graph.EditRequest{Target: "method/buddy", Field: "url", Values: []string{"a", "b"}, Reason: "x"}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("a list for a single field: %v; want ErrInvalid", err)
	}
	if _, err := st.Edit(ctx, graph.EditRequest{Target: "method/buddy", Field: "aliases", Reason: "no aliases after all"}); err != nil {
		t.Fatal(err)
	}
	if m, _ := graph.Typed[*graph.Method](ctx, st, "method/buddy"); len(m.Aliases) != 0 {
		t.Errorf("aliases after clearing = %v", m.Aliases)
	}
	if _, err := st.Revert(ctx, "edit-2", "a", "keep them"); err != nil {
		t.Fatal(err)
	}
	if m, _ := graph.Typed[*graph.Method](ctx, st, "method/buddy"); len(m.Aliases) != 2 {
		t.Errorf("aliases after the revert = %v", m.Aliases)
	}
}
