package graph_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
)

// openFollower opens another store (another replica: its own data directory) on cfg's
// PostgreSQL schema, following commits.
func openFollower(t *testing.T, cfg graph.Config, dir string) *graph.Store {
	t.Helper()
	cfg.Path, cfg.Follow = dir, true
	st, err := graph.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitState polls until st's read model is at token (5 s bound) and returns how long it took.
func waitState(t *testing.T, st *graph.Store, token string, since time.Time) time.Duration {
	t.Helper()
	for time.Since(since) < 5*time.Second {
		if st.StateToken() == token {
			return time.Since(since)
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("replica still at %q after 5 s; the writer is at %q", st.StateToken(), token)
	return 0
}

// A batch committed through replica A is visible on replica B (which only follows: no write,
// no Refresh call): its read model, its search index; a rollback through A disappears on B.
// B catches up by the commit log, never by reading every quad.
func TestReplicaFollowsCommits(t *testing.T) {
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	b := openFollower(t, cfg, t.TempDir())
	defer b.Close()

	t0 := time.Now()
	graphtest.MustApply(t, a, batch1())
	d1 := waitState(t, b, a.StateToken(), t0)
	if _, err := b.Node(ctx, "method/buddy"); err != nil {
		t.Fatalf("B after A's batch b1: %v", err)
	}
	t0 = time.Now()
	graphtest.MustApply(t, a, batch2())
	d2 := waitState(t, b, a.StateToken(), t0)
	if _, err := b.Node(ctx, "claim/c1"); err != nil {
		t.Fatalf("B after A's batch b2: %v", err)
	}
	if res, err := b.Search(ctx, graph.SearchQuery{Text: "eenzaamheid"}); err != nil || res.Total == 0 {
		t.Errorf("B's search after b2: %v, %+v; want outcome/lonely", err, res)
	}
	t0 = time.Now()
	if _, err := a.Rollback(ctx, "b2", false); err != nil {
		t.Fatal(err)
	}
	d3 := waitState(t, b, a.StateToken(), t0)
	if _, err := b.Node(ctx, "claim/c1"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("B after A rolled back b2: claim/c1: %v; want ErrNotFound", err)
	}
	if res, err := b.Search(ctx, graph.SearchQuery{Text: "eenzaamheid"}); err != nil || res.Total != 0 {
		t.Errorf("B's search after the rollback: %v, %d hits; want 0", err, res.Total)
	}
	t.Logf("visible on B after: load b1 %v, load b2 %v, rollback b2 %v", d1, d2, d3)
	for _, d := range []time.Duration{d1, d2, d3} {
		if d > time.Second {
			t.Errorf("a commit took %v to reach B; the bound is 1 s", d)
		}
	}
	if a.QuadCount() != b.QuadCount() {
		t.Errorf("quads: A %d, B %d", a.QuadCount(), b.QuadCount())
	}
	if _, err := b.Verify(ctx); err != nil {
		t.Errorf("B.Verify: %v", err)
	}
	fs := b.Follow()
	if !fs.Following || fs.Incremental < 1 || fs.FullRebuilds != 0 || fs.Behind != 0 {
		t.Errorf("B.Follow() = %+v; want following, incremental catch-ups only, not behind", fs)
	}
	// B writes too (it is a replica like A): A follows only when asked here (no Follow).
	graphtest.MustApply(t, b, batch2())
	if _, err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Node(ctx, "claim/c1"); err != nil {
		t.Errorf("A after B's write: %v", err)
	}
}

// Read-your-writes: WaitFor returns once the replica reached the token a write returned, and
// fails with ErrBehind in time for a state it does not reach.
func TestReplicaWaitFor(t *testing.T) {
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	b := openFollower(t, cfg, "")
	defer b.Close()
	graphtest.MustApply(t, a, batch1())
	tok := a.StateToken()
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	start := time.Now()
	if err := b.WaitFor(wctx, tok); err != nil {
		t.Fatalf("WaitFor(A's token): %v", err)
	}
	t.Logf("WaitFor returned after %v", time.Since(start))
	if _, err := b.Node(ctx, "method/buddy"); err != nil {
		t.Errorf("B after WaitFor: %v", err)
	}
	// An earlier state is reached already.
	if err := b.WaitFor(ctx, "1-x"); err != nil {
		t.Errorf("WaitFor(an earlier state): %v", err)
	}
	wctx2, cancel2 := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel2()
	if err := b.WaitFor(wctx2, "999999-x"); !errors.Is(err, graph.ErrBehind) {
		t.Errorf("WaitFor(a state never committed) = %v; want ErrBehind", err)
	}
}

// A replica that stops (its snapshot then holds an older state) and starts again after other
// commits catches up by the commit log: from the snapshot, no reading of every quad, same
// content as the writer.
func TestReplicaRestartCatchesUp(t *testing.T) {
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	dir := t.TempDir()
	b := openFollower(t, cfg, dir)
	graphtest.MustApply(t, a, batch1())
	waitState(t, b, a.StateToken(), time.Now())
	if err := b.Close(); err != nil { // writes B's snapshot at b1's state
		t.Fatal(err)
	}
	graphtest.MustApply(t, a, batch2())
	for i := range 3 {
		graphtest.MustApply(t, a, &graph.Changeset{BatchID: fmt.Sprintf("extra%d", i), Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeOutcome, fmt.Sprintf("outcome/o%d", i), "label", fmt.Sprintf("uitkomst %d", i), "domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
		}})
	}
	if _, err := a.Rollback(ctx, "extra1", false); err != nil {
		t.Fatal(err)
	}
	b = openFollower(t, cfg, dir)
	defer b.Close()
	if !b.Info().FromSnapshot {
		t.Errorf("B reopened: not from its snapshot (%s)", b.Info().Reason)
	}
	if b.StateToken() != a.StateToken() {
		t.Fatalf("B reopened at %q; A at %q", b.StateToken(), a.StateToken())
	}
	fs := b.Follow()
	if fs.Incremental != 1 || fs.FullRebuilds != 0 {
		t.Errorf("B's catch-up at start: %+v; want one incremental, no full rebuild", fs)
	}
	if a.QuadCount() != b.QuadCount() {
		t.Errorf("quads: A %d, B %d", a.QuadCount(), b.QuadCount())
	}
	if _, err := b.Verify(ctx); err != nil {
		t.Errorf("B.Verify: %v", err)
	}
	if _, err := b.Node(ctx, "outcome/o1"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("B: outcome/o1 (rolled back): %v", err)
	}
	if res, err := b.Search(ctx, graph.SearchQuery{Text: "uitkomst"}); err != nil || res.Total != 2 {
		t.Errorf("B's search for the extra outcomes: %v, %d hits; want 2", err, res.Total)
	}
}

// A replica further behind than the commit log reaches reads every quad (and says so); the
// log keeps only its last commits, and what the writer deleted from it verifies.
func TestReplicaBeyondTheLog(t *testing.T) {
	graph.SetCommitLogKeepForTest(t, 3)
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	dir := t.TempDir()
	b := openFollower(t, cfg, dir)
	graphtest.MustApply(t, a, batch1())
	waitState(t, b, a.StateToken(), time.Now())
	b.Close()
	for i := range 6 {
		graphtest.MustApply(t, a, &graph.Changeset{BatchID: fmt.Sprintf("extra%d", i), Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeOutcome, fmt.Sprintf("outcome/o%d", i), "label", fmt.Sprintf("uitkomst %d", i), "domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
		}})
	}
	if n := a.CommitLogLenForTest(); n != 3 {
		t.Errorf("A's commit log: %d commits; want the last 3", n)
	}
	if _, err := a.Verify(ctx); err != nil {
		t.Errorf("A.Verify: %v", err)
	}
	b = openFollower(t, cfg, dir)
	defer b.Close()
	if b.Info().FromSnapshot {
		t.Errorf("B reopened 6 commits behind a log of 3 from its snapshot")
	}
	if b.StateToken() != a.StateToken() || a.QuadCount() != b.QuadCount() {
		t.Fatalf("B at %q with %d quads; A at %q with %d", b.StateToken(), b.QuadCount(), a.StateToken(), a.QuadCount())
	}
	if n := b.CommitLogLenForTest(); n != 3 {
		t.Errorf("B's view of the commit log: %d commits; want 3", n)
	}
	// Following goes on incrementally from there.
	graphtest.MustApply(t, a, batch2())
	waitState(t, b, a.StateToken(), time.Now())
	if fs := b.Follow(); fs.Incremental != 1 {
		t.Errorf("B.Follow() = %+v; want one incremental catch-up", fs)
	}
	if _, err := b.Verify(ctx); err != nil {
		t.Errorf("B.Verify: %v", err)
	}
}

// A follower that has not caught up says so: commits behind and a growing lag, 0 once it has.
func TestReplicaReportsLag(t *testing.T) {
	a, cfg := graphtest.NewPostgres(t)
	b := openFollower(t, cfg, "")
	defer b.Close()
	release := graph.BlockFollowingForTest(t)
	defer release() // before b.Close: a held follower would hold Close
	graphtest.MustApply(t, a, batch1())
	graphtest.MustApply(t, a, batch2())
	var fs graph.FollowStatus
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(10 * time.Millisecond) {
		if fs = b.Follow(); fs.Behind >= 1 && fs.Lag > 100*time.Millisecond {
			break
		}
	}
	// The follower is held right after it read the store's state (commit 1 or 2).
	if fs.Behind < 1 || fs.Lag <= 100*time.Millisecond || fs.Commit != 0 || fs.StoreCommit != fs.Behind {
		t.Fatalf("B held back: %+v; want commits behind and a lag", fs)
	}
	release()
	waitState(t, b, a.StateToken(), time.Now())
	if fs = b.Follow(); fs.Behind != 0 || fs.Lag != 0 || fs.Commit != 2 {
		t.Errorf("B caught up: %+v; want 0 behind, no lag", fs)
	}
}

// A release made through A is a commit for B too: B follows it incrementally and lists it, and
// A's edits (which take the writer lock like loads) reach B the same way.
func TestReplicaFollowsReleasesAndEdits(t *testing.T) {
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	b := openFollower(t, cfg, "")
	defer b.Close()
	graphtest.MustApply(t, a, batch1())
	waitState(t, b, a.StateToken(), time.Now())
	full := b.Follow().FullRebuilds
	if _, err := a.CreateRelease(ctx, "2027.1", "eerste", "admin"); err != nil {
		t.Fatal(err)
	}
	waitState(t, b, a.StateToken(), time.Now())
	rels, err := b.Releases(ctx)
	if err != nil || len(rels) != 1 || rels[0].Name != "2027.1" {
		t.Fatalf("B's releases: %v, %v", rels, err)
	}
	status := "INFERRED"
	if _, err := a.Edit(ctx, graph.EditRequest{Target: "method/buddy", Field: "status", Value: &status, Reason: "test", Author: "cora"}); err != nil {
		t.Fatal(err)
	}
	waitState(t, b, a.StateToken(), time.Now())
	n, err := b.Node(ctx, "method/buddy")
	if err != nil || n.(*graph.Method).Status != graph.Inferred {
		t.Errorf("B after A's edit: %v, %v", n, err)
	}
	if got := b.Follow().FullRebuilds; got != full {
		t.Errorf("B read every quad %d times to follow a release and an edit; want incremental catch-ups only", got-full)
	}
}
