package graph_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
)

// bigBatch is a new batch of n sources, written in chunks once ChunkQuadsForTest is small.
func bigBatch(id string, n int) *graph.Changeset {
	cs := &graph.Changeset{BatchID: id, Description: "big"}
	for i := range n {
		cs.Nodes = append(cs.Nodes, graphtest.Node(graph.TypeSource, fmt.Sprintf("source/%s-%d", id, i), "type", "GREY_BE",
			"title", fmt.Sprintf("Armoede en netwerken %d", i), "status", "CONFIRMED", "year", int64(2000+i%20)))
	}
	return cs
}

// chunkIn3 makes the write of cs (new to st) take three chunks and returns how many quads it adds.
func chunkIn3(t *testing.T, st *graph.Store, cs *graph.Changeset) int {
	t.Helper()
	rep, err := st.Apply(context.Background(), cs, true)
	if err != nil {
		t.Fatal(err)
	}
	graph.ChunkQuadsForTest(t, (rep.Added+2)/3)
	return rep.Added
}

// TestChunkedWrite: a big new batch is written in three Cayley transactions; between them,
// readers see the store as before (nothing of the batch), and after the last one everything;
// the quad store agrees (Verify), also reopened.
func TestChunkedWrite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openFaulty(t, dir, nil)
	graphtest.MustApply(t, st, batch1())
	before, n0 := exportAll(t, st), st.QuadCount()
	big := bigBatch("big", 30)
	added := chunkIn3(t, st, big)
	var chunks []int
	graph.OnChunkForTest(t, func(k int) bool {
		chunks = append(chunks, k)
		if got := exportAll(t, st); got != before || st.QuadCount() != n0 {
			t.Errorf("after chunk %d: %d quads visible; want the %d from before", k, st.QuadCount(), n0)
		}
		if res := search(t, st, graph.SearchQuery{Text: "netwerken"}); len(res.Hits) != 0 {
			t.Errorf("after chunk %d: search finds %d hits of the batch being written", k, len(res.Hits))
		}
		return false
	})
	graphtest.MustApply(t, st, big)
	if !slices.Equal(chunks, []int{1, 2}) {
		t.Fatalf("chunks committed before the last: %v; want [1 2] (a write in 3 chunks)", chunks)
	}
	if got := st.QuadCount(); got != n0+added {
		t.Errorf("QuadCount = %d; want %d", got, n0+added)
	}
	if _, err := st.Verify(ctx); err != nil {
		t.Error(err)
	}
	want := exportAll(t, st)
	st.Close()
	checkOpen(t, dir, true, "", want)
}

// TestChunkFault: the commit of the 2nd of 3 chunks fails (ENOSPC, and stays failing): the write
// is rejected with ErrStorageFull and the store is as before, to readers (quads, search) and in
// Cayley (Verify, once the disk has room to remove the first chunk; or the next Open removes
// it), and the next load succeeds.
func TestChunkFault(t *testing.T) {
	ctx := context.Background()
	for _, reopen := range []bool{false, true} {
		t.Run(fmt.Sprintf("reopen=%v", reopen), func(t *testing.T) {
			f := &graph.Faults{}
			dir := t.TempDir()
			st := openFaulty(t, dir, f)
			graphtest.MustApply(t, st, batch1())
			before, n0 := stateOf(t, st), st.QuadCount()
			big := bigBatch("big", 30)
			added := chunkIn3(t, st, big)
			graph.OnChunkForTest(t, func(k int) bool {
				if k == 1 {
					f.Set(graph.FaultQuads, syscall.ENOSPC)
				}
				return false
			})
			_, err := st.Apply(ctx, big, false)
			wantStorageError(t, err, syscall.ENOSPC, "writing the quad store")
			if got := stateOf(t, st); got.quads != before.quads || !slices.Equal(got.search, before.search) || st.QuadCount() != n0 {
				t.Errorf("after the failed write: %d quads, search %v; want as before: %d, %v", st.QuadCount(), got.search, n0, before.search)
			}
			if res := search(t, st, graph.SearchQuery{Text: "netwerken"}); len(res.Hits) != 0 {
				t.Errorf("after the failed write: search finds %d hits of the failed batch", len(res.Hits))
			}
			// While the disk is full, the first chunk cannot be removed: Verify says so.
			if _, err := st.Verify(ctx); !errors.Is(err, graph.ErrStorageFull) {
				t.Errorf("Verify while the disk is full: %v; want ErrStorageFull (the first chunk cannot be removed)", err)
			}
			f.Set(graph.FaultQuads, nil)
			graph.OnChunkForTest(t, nil)
			if reopen {
				st.Close()
				st = openFaulty(t, dir, f)
				if got := stateOf(t, st); got.quads != before.quads {
					t.Errorf("reopened: %d quads; want the %d from before", st.QuadCount(), n0)
				}
			}
			if n, err := st.Verify(ctx); err != nil || n != n0 {
				t.Errorf("Verify after the fault: %d quads, %v; want %d and clean", n, err, n0)
			}
			graphtest.MustApply(t, st, big)
			if n, err := st.Verify(ctx); err != nil || n != n0+added {
				t.Errorf("Verify after the next load: %d quads, %v; want %d and clean", n, err, n0+added)
			}
			if res := search(t, st, graph.SearchQuery{Text: "netwerken"}); len(res.Hits) == 0 {
				t.Error("after the next load: search finds nothing of it")
			}
		})
	}
}

// TestChunkCrash: the process dies after chunk k of 3 has committed (no final commit, nothing
// put back), with or without a start-up snapshot of the state before: reopened, the partial
// batch is gone from the read model and from Cayley (Verify), and it loads again.
func TestChunkCrash(t *testing.T) {
	ctx := context.Background()
	for _, k := range []int{1, 2} {
		for _, snap := range []bool{false, true} {
			t.Run(fmt.Sprintf("chunk%d/snapshot=%v", k, snap), func(t *testing.T) {
				dir := t.TempDir()
				delay := time.Duration(-1) // no snapshot: reopened from the quads
				if snap {
					delay = 1
				}
				st, err := graph.Open(ctx, graph.Config{Path: dir, SnapshotDelay: delay})
				if err != nil {
					t.Fatal(err)
				}
				graphtest.MustApply(t, st, batch1())
				if snap {
					graph.WaitSnapshotForTest(t, st)
				}
				before := exportAll(t, st)
				big := bigBatch("big", 30)
				added := chunkIn3(t, st, big)
				graph.OnChunkForTest(t, func(c int) bool { return c == k })
				if _, err := st.Apply(ctx, big, false); err == nil {
					t.Fatal("the write stopped after a chunk succeeded")
				}
				graph.CrashForTest(st)
				graph.OnChunkForTest(t, nil)
				st = checkOpen(t, dir, snap, "", before)
				if res := search(t, st, graph.SearchQuery{Text: "netwerken"}); len(res.Hits) != 0 {
					t.Errorf("reopened: search finds %d hits of the partial batch", len(res.Hits))
				}
				n0 := st.QuadCount()
				graphtest.MustApply(t, st, big)
				if n, err := st.Verify(ctx); err != nil || n != n0+added {
					t.Errorf("Verify after loading again: %d quads, %v; want %d and clean", n, err, n0+added)
				}
			})
		}
	}
}
