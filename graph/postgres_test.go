package graph_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
)

// Two stores (two kring processes) on one PostgreSQL database: a write through one brings its
// read model up to date with what the other wrote first, and Refresh does so on demand.
func TestPostgresTwoStoresFollow(t *testing.T) {
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	cfgB := cfg
	cfgB.Path = t.TempDir()
	b, err := graph.Open(ctx, cfgB)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	graphtest.MustApply(t, a, batch1())
	// batch2 points at batch1's nodes: B accepts it only when it sees what A wrote.
	graphtest.MustApply(t, b, batch2())
	if changed, err := a.Refresh(ctx); err != nil || !changed {
		t.Fatalf("A.Refresh = %v, %v; want true (B wrote)", changed, err)
	}
	if changed, err := a.Refresh(ctx); err != nil || changed {
		t.Fatalf("second A.Refresh = %v, %v; want false", changed, err)
	}
	if a.QuadCount() != b.QuadCount() {
		t.Errorf("quads: A %d, B %d", a.QuadCount(), b.QuadCount())
	}
	if _, err := a.Node(ctx, "claim/c1"); err != nil {
		t.Errorf("A after Refresh: claim/c1: %v", err)
	}
	if res, err := a.Search(ctx, graph.SearchQuery{Text: "eenzaamheid"}); err != nil || res.Total == 0 {
		t.Errorf("A's search index after Refresh: %v, %+v", err, res)
	}
	for _, st := range []*graph.Store{a, b} {
		if _, err := st.Verify(ctx); err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
	// A rollback through A, seen by B's next write (a re-load of b1 is a no-op there only when
	// B knows b2 is gone; here it simply must not fail).
	if _, err := a.Rollback(ctx, "b2", false); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Rollback(ctx, "b1", false); err != nil {
		t.Fatalf("B rolls back b1 after A rolled back b2 (B must see that first): %v", err)
	}
	if _, err := a.Refresh(ctx); err != nil || !a.Empty() {
		t.Errorf("A after both rollbacks: %v, %d quads", err, a.QuadCount())
	}
}

// A second writer waits for the first; when it cannot get the writer lock within its bound it
// fails with ErrBusy and writes nothing.
func TestPostgresSecondWriterBusy(t *testing.T) {
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	cfgB := cfg
	cfgB.Path, cfgB.WriterWait = t.TempDir(), 300*time.Millisecond
	b, err := graph.Open(ctx, cfgB)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	entered, release := graph.BlockWritesForTest(t)
	done := make(chan error, 1)
	go func() { _, err := a.Apply(ctx, batch1(), false); done <- err }()
	<-entered // A holds the writer lock, its write not committed
	start := time.Now()
	_, err = b.Apply(ctx, otherBatch("other"), false)
	if !errors.Is(err, graph.ErrBusy) {
		t.Fatalf("B's write while A writes: %v; want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Errorf("B gave up after %s; want about its bound (300ms)", waited)
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Now B gets the lock, sees A's batch, and writes its own.
	graphtest.MustApply(t, b, otherBatch("other"))
	if _, err := b.Node(ctx, "method/buddy"); err != nil {
		t.Errorf("B does not see A's batch: %v", err)
	}
	n, err := b.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if m, err := a.Verify(ctx); err != nil || m != n {
		t.Errorf("A: %d quads (%v); B: %d", m, err, n)
	}
}

// Writers in two stores at once serialise: every batch is stored whole, none interleaves with
// another (each write replaces the state token: an interleaved write would fail or leave two).
func TestPostgresConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	cfgB := cfg
	cfgB.Path = t.TempDir()
	b, err := graph.Open(ctx, cfgB)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 4 {
		for j, st := range []*graph.Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.Apply(ctx, otherBatch(fmt.Sprintf("w%d-%d", j, i)), false)
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	cfgC := cfg
	cfgC.Path = t.TempDir()
	c, err := graph.Open(ctx, cfgC)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n, err := c.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		for j := range 2 {
			if _, err := c.Node(ctx, fmt.Sprintf("method/w%d-%d", j, i)); err != nil {
				t.Errorf("batch w%d-%d: %v", j, i, err)
			}
		}
	}
	for _, st := range []*graph.Store{a, b} {
		if _, err := st.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if m, err := st.Verify(ctx); err != nil || m != n {
			t.Errorf("a writer's read model after Refresh: %d quads (%v); the store has %d", m, err, n)
		}
	}
}

// An unreachable server fails Open quickly with ErrUnavailable, naming host and port.
func TestPostgresUnreachable(t *testing.T) {
	start := time.Now()
	_, err := graph.Open(context.Background(), graph.Config{Backend: graph.BackendPostgres,
		URL: "postgres://postgres@127.0.0.1:1/test?sslmode=disable"})
	if !errors.Is(err, graph.ErrUnavailable) {
		t.Fatalf("Open on a closed port: %v; want ErrUnavailable", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("message %q does not name host and port", msg)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Open took %s", d)
	}
}

// otherBatch is one small method of its own.
func otherBatch(id string) *graph.Changeset {
	return &graph.Changeset{BatchID: id, Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeMethod, "method/"+id, "name", map[string]any{"nl": "methode " + id, "en": "method " + id}, "status", "CANDIDATE"),
	}}
}

// A read-only store on PostgreSQL reads what is stored and refuses writes, taking no lock.
func TestPostgresReadOnly(t *testing.T) {
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	graphtest.MustApply(t, a, batch1())
	ro := cfg
	ro.Path, ro.ReadOnly = t.TempDir(), true
	st, err := graph.Open(ctx, ro)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.QuadCount() != a.QuadCount() {
		t.Errorf("read-only store: %d quads; want %d", st.QuadCount(), a.QuadCount())
	}
	if _, err := st.Apply(ctx, batch2(), false); !errors.Is(err, graph.ErrReadOnly) {
		t.Errorf("Apply on a read-only store: %v; want ErrReadOnly", err)
	}
	if _, err := st.Verify(ctx); err != nil {
		t.Error(err)
	}
}

// A transaction PostgreSQL itself rejects (here: a constraint every new quad violates) fails
// the write with ErrUnavailable and changes nothing; the same batch loads once it is lifted.
func TestPostgresCommitRejected(t *testing.T) {
	ctx := context.Background()
	st, cfg := graphtest.NewPostgres(t)
	graphtest.MustApply(t, st, batch1())
	before := st.QuadCount()
	db, err := sql.Open("postgres", cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`ALTER TABLE quads ADD CONSTRAINT kring_test_no_new CHECK (false) NOT VALID`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, batch2(), false); !errors.Is(err, graph.ErrUnavailable) {
		t.Fatalf("Apply against a rejecting table: %v; want ErrUnavailable", err)
	}
	if st.QuadCount() != before {
		t.Errorf("read model after the failed write: %d quads; want %d", st.QuadCount(), before)
	}
	if n, err := st.Verify(ctx); err != nil || n != before {
		t.Errorf("Verify after the failed write: %d, %v", n, err)
	}
	if _, err := db.Exec(`ALTER TABLE quads DROP CONSTRAINT kring_test_no_new`); err != nil {
		t.Fatal(err)
	}
	graphtest.MustApply(t, st, batch2())
	if _, err := st.Verify(ctx); err != nil {
		t.Error(err)
	}
}

// Every backend holds the same read model for the same batches, also after a restart (the
// read model rebuilt from the quad store, no snapshot): values of every kind (language
// strings, numbers, booleans, dates, links) survive PostgreSQL's tables as they do bbolt.
func TestBackendsAgree(t *testing.T) {
	ctx := context.Background()
	mem := graphtest.NewMemory(t)
	graphtest.MustApply(t, mem, analyticsFixture())
	want := exportAll(t, mem)
	graphtest.Persistent(t, func(t *testing.T, be graphtest.Backend) {
		st, cfg := be.Open(t)
		graphtest.MustApply(t, st, analyticsFixture())
		if got := exportAll(t, st); got != want {
			t.Errorf("%s: export differs from memstore's (%d vs %d bytes)", be.Name, len(got), len(want))
		}
		st.Close()
		// No snapshot: the read model rebuilt from the quads.
		if be.Name == "bolt" {
			if err := os.Remove(filepath.Join(cfg.Path, "readmodel.snap")); err != nil {
				t.Fatal(err)
			}
		} else {
			cfg.Path = t.TempDir() // no search index either
		}
		st2, err := graph.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer st2.Close()
		if st2.Info().FromSnapshot {
			t.Fatal("reopened from a snapshot")
		}
		if got := exportAll(t, st2); got != want {
			t.Errorf("reopened: export differs from memstore's (%d vs %d bytes)", len(got), len(want))
		}
		if _, err := st2.Verify(ctx); err != nil {
			t.Error(err)
		}
	})
}

// A process that opens the store while another one writes does not wait for the write.
func TestPostgresOpenWhileWriting(t *testing.T) {
	ctx := context.Background()
	a, cfg := graphtest.NewPostgres(t)
	graphtest.MustApply(t, a, batch1())
	entered, release := graph.BlockWritesForTest(t)
	done := make(chan error, 1)
	go func() { _, err := a.Apply(ctx, batch2(), false); done <- err }()
	<-entered
	cfgB := cfg
	cfgB.Path, cfgB.WriterWait = t.TempDir(), 200*time.Millisecond
	b, err := graph.Open(ctx, cfgB)
	if err != nil {
		t.Fatalf("open while another store writes: %v", err)
	}
	defer b.Close()
	if _, err := b.Node(ctx, "method/buddy"); err != nil {
		t.Errorf("B sees the committed batch: %v", err)
	}
	if _, err := b.Node(ctx, "claim/c1"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("B sees the uncommitted batch: %v", err)
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if changed, err := b.Refresh(ctx); err != nil || !changed {
		t.Errorf("B.Refresh after A's commit: %v, %v", changed, err)
	}
	if _, err := b.Node(ctx, "claim/c1"); err != nil {
		t.Errorf("B after Refresh: %v", err)
	}
}
