package graph_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
	"kring/graph/graphtest"
)

// batch3 is a standalone outcome, rolled back after the release.
func batch3() *graph.Changeset {
	return &graph.Changeset{BatchID: "b3", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeOutcome, "outcome/zelfvertrouwen", "label", "zelfvertrouwen", "domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
	}}
}

// sortedLines returns the lines of an N-Quads text, sorted (a quad set).
func sortedLines(s string) []string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(ls)
	return ls
}

func exportIn(t *testing.T, ctx context.Context, st *graph.Store) string {
	t.Helper()
	var buf bytes.Buffer
	if err := st.Export(ctx, &buf, graph.FormatNQuads, ""); err != nil {
		t.Fatalf("Export: %v", err)
	}
	return buf.String()
}

func TestReleases(t *testing.T) {
	t.Run("memstore", func(t *testing.T) {
		testReleases(t, func(tb testing.TB) (*graph.Store, string) { return graphtest.NewMemory(tb), "" })
	})
	t.Run("bolt", func(t *testing.T) { testReleases(t, graphtest.NewBolt) })
}

func testReleases(t *testing.T, newStore func(testing.TB) (*graph.Store, string)) {
	ctx := context.Background()
	st, dir := newStore(t)
	graphtest.MustApply(t, st, batch1())
	graphtest.MustApply(t, st, batch3())
	before := exportIn(t, ctx, st)
	quads := st.QuadCount()

	rel, err := st.CreateRelease(ctx, "2027.1", "eerste release", "admin")
	if err != nil {
		t.Fatal(err)
	}
	if rel.Quads != quads || rel.CreatedBy != "admin" || rel.Note != "eerste release" || len(rel.Checksum) != 64 {
		t.Errorf("release = %+v; want %d quads by admin with a checksum", rel, quads)
	}
	if st.QuadCount() != quads {
		t.Errorf("QuadCount after a release = %d; want %d (release quads are not live content)", st.QuadCount(), quads)
	}
	if got := exportIn(t, ctx, st); got != before {
		t.Errorf("live export changed by the release:\n%s", cmp.Diff(before, got))
	}
	if _, err := st.Verify(ctx); err != nil {
		t.Errorf("Verify after release: %v", err)
	}
	// Names.
	if _, err := st.CreateRelease(ctx, "2027.1", "", "admin"); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("CreateRelease(existing) = %v; want ErrConflict", err)
	}
	for _, bad := range []string{"", ".x", "a/b", "a b", strings.Repeat("x", 41)} {
		if _, err := st.CreateRelease(ctx, bad, "", "admin"); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("CreateRelease(%q) = %v; want ErrInvalid", bad, err)
		}
	}
	if _, err := st.PinRelease(ctx, "2030.9"); !errors.Is(err, graph.ErrNotFound) || !strings.Contains(err.Error(), "2030.9") {
		t.Errorf("PinRelease(unknown) = %v; want ErrNotFound naming it", err)
	}

	// Later changes: b2 added, b1's method renamed, b3 rolled back.
	graphtest.MustApply(t, st, batch2())
	b1 := batch1()
	b1.Nodes[2] = graphtest.Node(graph.TypeMethod, "method/buddy", "name", map[string]any{"nl": "buddywerking", "en": "buddy programme"}, "status", "CONFIRMED",
		"regions", []any{"BE-VLG"}, "sources", []any{"source/s1"})
	graphtest.MustApply(t, st, b1)
	if _, err := st.Rollback(ctx, "b3", false); err != nil {
		t.Fatal(err)
	}

	check := func(t *testing.T, st *graph.Store) {
		t.Helper()
		rctx, err := st.PinRelease(ctx, "2027.1")
		if err != nil {
			t.Fatal(err)
		}
		if graph.PinnedRelease(rctx) != "2027.1" || graph.PinnedRelease(ctx) != "" {
			t.Errorf("PinnedRelease = %q / %q", graph.PinnedRelease(rctx), graph.PinnedRelease(ctx))
		}
		// As of the release: the old content, through the same readers.
		m, err := graph.Typed[*graph.Method](rctx, st, "method/buddy")
		if err != nil || m.Name(graph.EN) != "buddy scheme" {
			t.Errorf("method as of 2027.1 = %v, %v; want the old name", m, err)
		}
		if _, err := st.Node(rctx, "claim/c1"); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("claim/c1 as of 2027.1: %v; want ErrNotFound (added later)", err)
		}
		if _, err := st.Node(rctx, "outcome/zelfvertrouwen"); err != nil {
			t.Errorf("outcome/zelfvertrouwen as of 2027.1: %v; want it (rolled back later)", err)
		}
		if m, _ := graph.Typed[*graph.Method](ctx, st, "method/buddy"); m.Name(graph.EN) != "buddy programme" {
			t.Errorf("live method name = %q", m.Name(graph.EN))
		}
		// The release's export is exactly the content at release time.
		got := exportIn(t, rctx, st)
		if diff := cmp.Diff(sortedLines(before), sortedLines(got)); diff != "" {
			t.Errorf("release export differs from the content at release time (-want +got):\n%s", diff)
		}
		// Re-imported into an empty store: the same quads.
		qs, err := graph.ReadQuads("release.nq", strings.NewReader(got), graph.FormatNQuads)
		if err != nil {
			t.Fatal(err)
		}
		dst := graphtest.NewMemory(t)
		if _, err := dst.ApplyQuads(ctx, qs, false); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(sortedLines(got), sortedLines(exportIn(t, ctx, dst))); diff != "" {
			t.Errorf("re-imported release differs (-want +got):\n%s", diff)
		}
		// The diff from the release to now.
		d, err := st.ReleaseDiff(ctx, "2027.1", "")
		if err != nil {
			t.Fatal(err)
		}
		type tc struct {
			Type  graph.NodeType
			Count int
			IDs   []string
		}
		summary := func(cs []*graph.TypeChange) []tc {
			var out []tc
			for _, c := range cs {
				x := tc{Type: c.Type, Count: c.Count}
				for _, it := range c.Items {
					x.IDs = append(x.IDs, graph.ShortID(it.ID)+" "+strings.Join(it.Fields, ","))
				}
				out = append(out, x)
			}
			return out
		}
		if diff := cmp.Diff([]tc{
			{graph.TypeBatch, 1, []string{"batch/b2 "}},
			{graph.TypeOutcome, 1, []string{"outcome/lonely "}},
			{graph.TypeOutcomeClaim, 1, []string{"claim/c1 "}},
		}, summary(d.Added)); diff != "" {
			t.Errorf("added (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]tc{{graph.TypeMethod, 1, []string{"method/buddy name"}}}, summary(d.Changed)); diff != "" {
			t.Errorf("changed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]tc{
			{graph.TypeBatch, 1, []string{"batch/b3 "}},
			{graph.TypeOutcome, 1, []string{"outcome/zelfvertrouwen "}},
		}, summary(d.Removed)); diff != "" {
			t.Errorf("removed (-want +got):\n%s", diff)
		}
		if it := d.Changed[0].Items[0]; it.Label(graph.NL) != "buddywerking" || it.Label(graph.EN) != "buddy programme" {
			t.Errorf("changed item label = %q / %q", it.Label(graph.NL), it.Label(graph.EN))
		}
		// The same release on both sides: nothing changed.
		if d, err := st.ReleaseDiff(ctx, "2027.1", "2027.1"); err != nil || len(d.Added)+len(d.Changed)+len(d.Removed) != 0 {
			t.Errorf("ReleaseDiff(2027.1, 2027.1) = %+v, %v; want empty", d, err)
		}
		// Search does not see the release's copy of a rolled-back node.
		res, err := st.Search(ctx, graph.SearchQuery{Text: "zelfvertrouwen", Limit: 10})
		if err != nil || res.Total != 0 {
			t.Errorf("live search for a rolled-back node: %+v, %v; want no hits", res, err)
		}
		if _, err := st.Verify(ctx); err != nil {
			t.Errorf("Verify: %v", err)
		}
		rels, err := st.Releases(ctx)
		if err != nil || len(rels) == 0 || rels[0].Name != "2027.1" || rels[0].Checksum != rel.Checksum {
			t.Errorf("Releases = %+v, %v", rels, err)
		}
	}
	t.Run("as of", func(t *testing.T) { check(t, st) })
	// A second release, and the diff between two releases.
	time.Sleep(1100 * time.Millisecond) // createdAt has seconds: the second release sorts after
	if _, err := st.CreateRelease(ctx, "2027.2", "", "admin"); err != nil {
		t.Fatal(err)
	}
	d, err := st.ReleaseDiff(ctx, "2027.1", "2027.2")
	if err != nil || len(d.Added) != 3 || len(d.Changed) != 1 || len(d.Removed) != 2 {
		t.Errorf("ReleaseDiff(2027.1, 2027.2) = %+v, %v; want 3 added types, 1 changed, 2 removed", d, err)
	}
	if rels, _ := st.Releases(ctx); len(rels) != 2 || rels[1].Name != "2027.2" {
		t.Errorf("Releases = %+v; want 2027.1, 2027.2", rels)
	}
	if dir == "" {
		return
	}
	// Restart: from the start-up snapshot (a release leaves the state token alone), and from
	// every quad (no snapshot).
	for _, snap := range []bool{true, false} {
		st.Close()
		if !snap {
			if err := removeSnapshot(dir); err != nil {
				t.Fatal(err)
			}
		}
		st, err = graph.Open(ctx, graph.Config{Backend: graph.BackendBolt, Path: dir})
		if err != nil {
			t.Fatal(err)
		}
		if st.Info().FromSnapshot != snap {
			t.Errorf("reopened: FromSnapshot = %v; want %v (%s)", st.Info().FromSnapshot, snap, st.Info().Reason)
		}
		t.Run("after restart", func(t *testing.T) { check(t, st) })
	}
	st.Close()
}

func removeSnapshot(dir string) error { return os.Remove(filepath.Join(dir, "readmodel.snap")) }

func TestReleaseDiffSorted(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	if _, err := st.CreateRelease(ctx, "leeg", "", "admin"); err != nil {
		t.Fatal(err)
	}
	graphtest.MustApply(t, st, batch1())
	d, err := st.ReleaseDiff(ctx, "leeg", "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, c := range d.Added {
		n += c.Count
		if i > 0 && d.Added[i-1].Type >= c.Type {
			t.Errorf("added not sorted by type: %s before %s", d.Added[i-1].Type, c.Type)
		}
		if c.Count != len(c.Items) {
			t.Errorf("%s: count %d, %d items", c.Type, c.Count, len(c.Items))
		}
	}
	// Every node is new since the empty release, and removed going back.
	if _, err := st.CreateRelease(ctx, "vol", "", "admin"); err != nil {
		t.Fatal(err)
	}
	back, err := st.ReleaseDiff(ctx, "vol", "leeg")
	if err != nil {
		t.Fatal(err)
	}
	m := 0
	for _, c := range back.Removed {
		m += c.Count
	}
	if n == 0 || n != m || len(back.Added) != 0 {
		t.Errorf("added %d nodes since the empty release; %d removed going back, %d added", n, m, len(back.Added))
	}
}

// Releases are read from the quad store while batches are written: under -race this checks that
// those reads are ordered with Cayley's writes (the memory store is not safe for both at once).
func TestReleaseReadsDuringWrites(t *testing.T) {
	ctx := context.Background()
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, batch1())
	if _, err := st.CreateRelease(ctx, "r0", "", "admin"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 20; i++ {
			cs := batch3()
			cs.BatchID = fmt.Sprintf("w%d", i)
			cs.Nodes[0].ID = fmt.Sprintf("outcome/w%d", i)
			if _, err := st.Apply(ctx, cs, false); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < 20; i++ {
		if _, err := st.CreateRelease(ctx, fmt.Sprintf("r%d", i+1), "", "admin"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Releases(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ReleaseDiff(ctx, "r0", fmt.Sprintf("r%d", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := st.Verify(ctx); err != nil {
		t.Error(err)
	}
}
