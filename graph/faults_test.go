package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
)

// openFaulty opens (or reopens) a bolt store in dir with fault injection.
func openFaulty(t *testing.T, dir string, f *graph.Faults) *graph.Store {
	t.Helper()
	st, err := graph.Open(context.Background(), graph.Config{Backend: graph.BackendBolt, Path: dir, Faults: f, SnapshotDelay: -1,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openFaultyCfg opens (or reopens) a store of any persistent backend with fault injection.
func openFaultyCfg(t *testing.T, cfg graph.Config, f *graph.Faults) *graph.Store {
	t.Helper()
	cfg.Faults, cfg.SnapshotDelay, cfg.Logger = f, -1, slog.New(slog.DiscardHandler)
	st, err := graph.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// state is what a reader can see of a store: every quad, and what searching batch2's words finds.
type state struct {
	quads  string
	search []string
}

func stateOf(t *testing.T, st *graph.Store) state {
	t.Helper()
	return state{exportAll(t, st), ids(search(t, st, graph.SearchQuery{Text: "eenzaamheid buddywerking"}))}
}

// wantStorageError checks a write rejected for a storage fault: the typed error and a message
// that says what failed and why.
// (bleve reports its persister's failures as text: the search index's errno is known only as
// ENOSPC, from the disk's free space, and otherwise said as "I/O failure".)
func wantStorageError(t *testing.T, err error, errno syscall.Errno, what string) {
	t.Helper()
	reason := errno.Error()
	textOnly := what == "writing the search index"
	if textOnly && errno != syscall.ENOSPC {
		reason = "I/O failure"
	}
	sentinel, kind := graph.ErrUnavailable, "ErrUnavailable"
	if errno == syscall.ENOSPC {
		sentinel, kind = graph.ErrStorageFull, "ErrStorageFull"
	}
	var se *graph.StorageError
	switch {
	case err == nil:
		t.Fatalf("write succeeded; want %s", kind)
	case !errors.Is(err, sentinel) || !errors.As(err, &se):
		t.Fatalf("write failed with %v; want a *StorageError that is %s", err, kind)
	case !strings.Contains(err.Error(), what+": "+reason):
		t.Errorf("error %q; want it to say %q", err, what+": "+reason)
	}
	if !errors.Is(err, errno) && !textOnly {
		t.Errorf("error %v: the cause %v is not reachable", err, errno)
	}
}

// TestFaultWrite: a write whose quad-store commit or search-index batch fails with ENOSPC or EIO
// is rejected with ErrStorageFull or ErrUnavailable, changes nothing a reader sees (quads, search,
// Cayley: Verify), the store keeps serving, and the same batch loads once the fault is gone;
// reopened, the store holds exactly that.
func TestFaultWrite(t *testing.T) {
	graphtest.Persistent(t, func(t *testing.T, be graphtest.Backend) {
		ctx := context.Background()
		for _, tc := range []struct {
			layer, what string
			errno       syscall.Errno
		}{
			{graph.FaultQuads, "writing the quad store", syscall.ENOSPC},
			{graph.FaultQuads, "writing the quad store", syscall.EIO},
			{graph.FaultSearch, "writing the search index", syscall.ENOSPC},
			{graph.FaultSearch, "writing the search index", syscall.EIO},
		} {
			t.Run(tc.layer+"/"+tc.errno.Error(), func(t *testing.T) {
				f := &graph.Faults{}
				cfg := be.Config(t)
				st := openFaultyCfg(t, cfg, f)
				graphtest.MustApply(t, st, batch1())
				before := stateOf(t, st)

				f.Set(tc.layer, tc.errno)
				_, err := st.Apply(ctx, batch2(), false)
				wantStorageError(t, err, tc.errno, tc.what)
				if got := stateOf(t, st); got.quads != before.quads || !slices.Equal(got.search, before.search) {
					t.Errorf("after the failed write: search %v, %d bytes of quads; want as before: %v, %d bytes", got.search, len(got.quads), before.search, len(before.quads))
				}
				if _, err := st.Verify(ctx); err != nil {
					t.Errorf("Verify after the failed write: %v", err)
				}
				// A second try while the fault lasts fails the same way.
				_, err = st.Apply(ctx, batch2(), false)
				wantStorageError(t, err, tc.errno, tc.what)

				f.Set(tc.layer, nil)
				graphtest.MustApply(t, st, batch2())
				after := stateOf(t, st)
				if !slices.Contains(after.search, "outcome/lonely") || after.quads == before.quads {
					t.Errorf("after the fault: search %v; want batch2 loaded and found", after.search)
				}
				if _, err := st.Verify(ctx); err != nil {
					t.Errorf("Verify after the next write: %v", err)
				}
				if stale, err := st.SearchStale(); stale {
					t.Errorf("SearchStale = true (%v); want the index restored on disk", err)
				}
				// A rollback (a write that removes) fails the same way and changes nothing.
				f.Set(tc.layer, tc.errno)
				_, err = st.Rollback(ctx, "b2", false)
				wantStorageError(t, err, tc.errno, tc.what)
				if got := stateOf(t, st); got.quads != after.quads || !slices.Equal(got.search, after.search) {
					t.Errorf("after the failed rollback: search %v; want %v, and the same quads", got.search, after.search)
				}
				f.Set(tc.layer, nil)
				if _, err := st.Verify(ctx); err != nil {
					t.Errorf("Verify after the failed rollback: %v", err)
				}
				st.Close()
				st = openFaultyCfg(t, cfg, f)
				if got := stateOf(t, st); got.quads != after.quads || !slices.Equal(got.search, after.search) {
					t.Errorf("reopened: search %v; want %v, and the same quads", got.search, after.search)
				}
				if st.SearchRebuilt() {
					t.Error("reopened: the search index was rebuilt; want the persisted one reused")
				}
				if _, err := st.Verify(ctx); err != nil {
					t.Errorf("Verify after reopening: %v", err)
				}
			})
		}
	})
}

// TestFaultQuadsNewNodes: a failed commit of quads about new nodes, then other batches about
// those nodes. Cayley's bolt store caches node ids during a transaction and keeps them when the
// commit fails; the store reopens it, so that later quads never point at nodes never stored.
func TestFaultQuadsNewNodes(t *testing.T) {
	ctx := context.Background()
	f := &graph.Faults{}
	dir := t.TempDir()
	st := openFaulty(t, dir, f)
	graphtest.MustApply(t, st, batch1())
	f.Set(graph.FaultQuads, syscall.EIO)
	if _, err := st.Apply(ctx, batch2(), false); !errors.Is(err, graph.ErrUnavailable) {
		t.Fatalf("Apply with a failing commit: %v; want ErrUnavailable", err)
	}
	f.Set(graph.FaultQuads, nil)
	// The same nodes, written by another batch: new quads pointing at them.
	b3 := batch2()
	b3.BatchID = "b3"
	graphtest.MustApply(t, st, b3)
	want := exportAll(t, st)
	if _, err := st.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
	st.Close()
	st = openFaulty(t, dir, nil)
	if got := exportAll(t, st); got != want {
		t.Errorf("reopened: quads differ from before:\n got %s\nwant %s", got, want)
	}
	if _, err := st.Verify(ctx); err != nil {
		t.Errorf("Verify after reopening: %v", err)
	}
}

// TestFaultSearchPanic is the regression test of a panic: a real bleve persister failure (the
// index directory replaced by a file, so that writing a segment fails) used to leave scorch
// with a closed segment in its in-memory index, and the next batch on it panicked (assignment
// to entry in nil map, in zapx). The write is rejected instead, the index restored, and the
// next write loads. With the disk "full" as well, the index is kept in memory until the next
// Open rebuilds it.
func TestFaultSearchPanic(t *testing.T) {
	ctx := context.Background()
	for _, full := range []bool{false, true} {
		t.Run(fmt.Sprintf("full=%v", full), func(t *testing.T) {
			f := &graph.Faults{}
			dir := t.TempDir()
			st := openFaulty(t, dir, f)
			graphtest.MustApply(t, st, batch1())
			before := stateOf(t, st)
			idx := filepath.Join(dir, "search.bleve")
			if err := os.RemoveAll(idx); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(idx, []byte("not a directory"), 0o600); err != nil {
				t.Fatal(err)
			}
			if full {
				f.Set(graph.FaultSearch, syscall.ENOSPC)
			}
			_, err := st.Apply(ctx, batch2(), false)
			want := graph.ErrUnavailable
			if full {
				want = graph.ErrStorageFull
			}
			if !errors.Is(err, want) || !strings.Contains(err.Error(), "writing the search index") {
				t.Fatalf("Apply with a failing search index: %v; want %v writing the search index", err, want)
			}
			if got := stateOf(t, st); got.quads != before.quads || !slices.Equal(got.search, before.search) {
				t.Errorf("after the failed write: search %v; want %v and the same quads", got.search, before.search)
			}
			graphtest.MustApply(t, st, batch2())
			after := stateOf(t, st)
			if !slices.Contains(after.search, "outcome/lonely") {
				t.Errorf("search after the next write: %v; want outcome/lonely", after.search)
			}
			if stale, _ := st.SearchStale(); stale != full {
				t.Errorf("SearchStale = %v; want %v (in memory when the disk is full)", stale, full)
			}
			if _, err := st.Verify(ctx); err != nil {
				t.Error(err)
			}
			f.Set(graph.FaultSearch, nil)
			st.Close()
			st = openFaulty(t, dir, f)
			if got := stateOf(t, st); got.quads != after.quads || !slices.Equal(got.search, after.search) {
				t.Errorf("reopened: search %v; want %v and the same quads", got.search, after.search)
			}
			if st.SearchRebuilt() != full {
				t.Errorf("reopened: SearchRebuilt = %v; want %v", st.SearchRebuilt(), full)
			}
		})
	}
}

// TestFaultSnapshot: a snapshot write that fails part-way (the disk fills up) never fails the
// write it follows, leaves no temp file, and leaves the file in place as it was: the next
// start, finding it of another state, reads the quads instead of trusting it.
func TestFaultSnapshot(t *testing.T) {
	ctx := context.Background()
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EIO} {
		t.Run(errno.Error(), func(t *testing.T) {
			f := &graph.Faults{SnapshotBytes: 100}
			dir := t.TempDir()
			st, err := graph.Open(ctx, graph.Config{Path: dir, Faults: f, SnapshotDelay: 1, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			graphtest.MustApply(t, st, batch1())
			graph.WaitSnapshotForTest(t, st)
			snap := filepath.Join(dir, "readmodel.snap")
			old, err := os.ReadFile(snap)
			if err != nil {
				t.Fatal(err)
			}

			f.Set(graph.FaultSnapshot, errno)
			n := graph.SnapshotAttemptsForTest(st)
			graphtest.MustApply(t, st, batch2()) // the write succeeds
			graph.WaitSnapshotAttemptForTest(t, st, n+1)
			want := exportAll(t, st)
			if got, err := os.ReadFile(snap); err != nil || string(got) != string(old) {
				t.Errorf("snapshot file after a failed write: %d bytes, %v; want the old one (%d bytes)", len(got), err, len(old))
			}
			if tmps, _ := filepath.Glob(filepath.Join(dir, ".readmodel-*")); len(tmps) > 0 {
				t.Errorf("temp files left: %v", tmps)
			}
			if err := st.Close(); !errors.Is(err, errno) {
				t.Errorf("Close with the snapshot failing: %v; want the snapshot's error", err)
			}
			st = checkOpen(t, dir, false, "another state", want)
			st.Close()
		})
	}
}

// TestSnapshotAfterCrash: the snapshot is written in the background after writes, so that a
// store stopped without Close (kill -9) still opens from it, with the same quads.
func TestSnapshotAfterCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := graph.Open(ctx, graph.Config{Path: dir, SnapshotDelay: 1})
	if err != nil {
		t.Fatal(err)
	}
	graphtest.MustApply(t, st, batch1())
	graphtest.MustApply(t, st, batch2())
	graph.WaitSnapshotForTest(t, st)
	want := exportAll(t, st)
	graph.CrashForTest(st)
	st = checkOpen(t, dir, true, "", want)
	if !st.Info().FromSnapshot {
		t.Fatalf("after the crash: %+v; want opened from the background snapshot", st.Info())
	}
	// And once more after a rollback (a write that removes quads).
	if _, err := st.Rollback(ctx, "b2", false); err != nil {
		t.Fatal(err)
	}
	// (checkOpen's store uses the default delay: wait for it.)
	graph.WaitSnapshotForTest(t, st)
	want = exportAll(t, st)
	graph.CrashForTest(st)
	checkOpen(t, dir, true, "", want).Close()
}

// TestCloseBeforeWriteLock: a write that has arrived but not yet taken the writer's lock when
// Close runs fails with ErrClosed and writes nothing (Close used to mark the store closed before
// taking the lock, and such a write then ran on the closed quad store).
func TestCloseBeforeWriteLock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openBolt(t, dir)
	graphtest.MustApply(t, st, batch1())
	arrived, proceed := make(chan struct{}), make(chan struct{})
	graph.OnWriteLockForTest(t, func() {
		close(arrived)
		<-proceed
	})
	done := make(chan error)
	go func() {
		_, err := st.Apply(ctx, batch2(), false)
		done <- err
	}()
	<-arrived
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	close(proceed)
	if err := <-done; !errors.Is(err, graph.ErrClosed) {
		t.Errorf("write arriving during Close: %v; want ErrClosed", err)
	}
	graph.OnWriteLockForTest(t, nil)
	st = openBolt(t, dir)
	defer st.Close()
	if _, err := st.Batch(ctx, "b2"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("batch b2 after the write refused by Close: %v; want not found", err)
	}
	if _, err := st.Verify(ctx); err != nil {
		t.Error(err)
	}
}

// TestCloseDuringWrites: Close waits for the write in flight; every write either succeeds, and
// is then stored, or fails with ErrClosed; searches too (run with -race).
func TestCloseDuringWrites(t *testing.T) {
	ctx := context.Background()
	for round := 0; round < 3; round++ {
		dir := t.TempDir()
		st, err := graph.Open(ctx, graph.Config{Path: dir, SnapshotDelay: -1})
		if err != nil {
			t.Fatal(err)
		}
		graphtest.MustApply(t, st, batch1())
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			loaded = map[string]bool{}
			some   = make(chan struct{}, 64)
		)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					id := fmt.Sprintf("w%d-%d", w, i)
					cs := &graph.Changeset{BatchID: id, Nodes: []graph.NodeSpec{
						graphtest.Node(graph.TypeOutcome, "outcome/"+id, "label", "uitkomst", "domain", "LONELINESS_ISOLATION", "status", "CONFIRMED"),
					}}
					_, err := st.Apply(ctx, cs, false)
					if errors.Is(err, graph.ErrClosed) {
						return
					}
					if err != nil {
						t.Errorf("write %s during Close: %v; want success or ErrClosed", id, err)
						return
					}
					mu.Lock()
					loaded[id] = true
					mu.Unlock()
					some <- struct{}{}
					if _, err := st.Search(ctx, graph.SearchQuery{Text: "uitkomst", Limit: 10}); err != nil && !errors.Is(err, graph.ErrClosed) {
						t.Errorf("search during Close: %v; want ErrClosed or results", err)
					}
				}
			}()
		}
		for range 4 {
			<-some // writes are under way, others waiting for the lock
		}
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		go func() {
			for range some {
			}
		}()
		wg.Wait()
		close(some)
		st = openBolt(t, dir)
		bs, err := st.Batches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != len(loaded)+1 {
			t.Errorf("round %d: %d batches stored; want the %d loaded and b1", round, len(bs), len(loaded))
		}
		for id := range loaded {
			if _, err := st.Batch(ctx, id); err != nil {
				t.Errorf("round %d: batch %s loaded but not stored: %v", round, id, err)
			}
		}
		if _, err := st.Verify(ctx); err != nil {
			t.Error(err)
		}
		st.Close()
	}
}

// TestSnapshotDiscardLogged: a snapshot that Open cannot use is logged at WARN, with the
// reason and how long reading every quad took instead.
func TestSnapshotDiscardLogged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openBolt(t, dir)
	graphtest.MustApply(t, st, batch1())
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "readmodel.snap")
	b, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(snap, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	st, err = graph.Open(ctx, graph.Config{Path: dir, Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	var rec struct {
		Level, Msg, Reason string
		Rebuild            int64
		Quads              int
	}
	for line := range strings.Lines(buf.String()) {
		if err := json.Unmarshal([]byte(line), &rec); err == nil && strings.Contains(rec.Msg, "snapshot") {
			break
		}
	}
	if rec.Level != "WARN" || !strings.Contains(rec.Reason, "snapshot unusable") || rec.Rebuild <= 0 || rec.Quads == 0 {
		t.Errorf("log of the discarded snapshot: %+v; want WARN with the reason (snapshot unusable), the rebuild time and the quads, in:\n%s", rec, buf.String())
	}
}

// TestStorageErrorKinds: which causes are a full disk and which an unavailable store, and what
// the message says.
func TestStorageErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		cause error
		full  bool
		msg   string
	}{
		{&os.PathError{Op: "write", Path: "/data/indexes.bolt", Err: syscall.ENOSPC}, true, "graph: writing the quad store: no space left on device"},
		{fmt.Errorf("wrapped: %w", syscall.EDQUOT), true, "graph: writing the quad store: disk quota exceeded"},
		{&os.PathError{Op: "write", Path: "/data/indexes.bolt", Err: syscall.EIO}, false, "graph: writing the quad store: input/output error"},
		{syscall.EROFS, false, "graph: writing the quad store: read-only file system"},
		{errors.New("bolt: something else"), false, "graph: writing the quad store: I/O failure"},
	} {
		err := fmt.Errorf("graph: write: %w", &graph.StorageError{Op: "writing the quad store", Err: tc.cause})
		if errors.Is(err, graph.ErrStorageFull) != tc.full || errors.Is(err, graph.ErrUnavailable) == tc.full {
			t.Errorf("%v: full %v, unavailable %v; want full %v", tc.cause, errors.Is(err, graph.ErrStorageFull), errors.Is(err, graph.ErrUnavailable), tc.full)
		}
		var se *graph.StorageError
		if !errors.As(err, &se) || se.Error() != tc.msg || !errors.Is(err, tc.cause) {
			t.Errorf("%v: message %q; want %q, and the cause reachable", tc.cause, se.Error(), tc.msg)
		}
	}
}
