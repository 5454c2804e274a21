package graph_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kring/graph"
	"kring/graph/graphtest"
)

// TestDataDirLock: a second Open of a held data directory fails at once with an *InUseError
// naming the holder and, once recorded, its address; after Close the directory opens again.
func TestDataDirLock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := graph.Open(ctx, graph.Config{Path: dir, Command: "kring serve", Addr: "http://127.0.0.1:18101"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		_, err = graph.Open(ctx, graph.Config{Path: dir, Command: "kring query", ReadOnly: ro})
		var iu *graph.InUseError
		if !errors.As(err, &iu) || !errors.Is(err, graph.ErrInUse) {
			t.Fatalf("second Open (read-only %v): %v; want an *InUseError", ro, err)
		}
		if iu.Dir != dir || iu.Owner == nil || iu.Owner.PID != os.Getpid() || iu.Owner.Command != "kring serve" || iu.Owner.Addr != "http://127.0.0.1:18101" {
			t.Errorf("InUseError = %+v (owner %+v); want dir %s, pid %d, kring serve at http://127.0.0.1:18101", iu, iu.Owner, dir, os.Getpid())
		}
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "owner.json")); !os.IsNotExist(err) {
		t.Errorf("owner.json after Close: %v; want it removed", err)
	}
	again, err := graph.Open(ctx, graph.Config{Path: dir})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	again.Close()
}

// TestDataDirLockedByBoltOnly: a holder that took only bbolt's own lock (an older kring) makes
// Open fail after bbolt's lock timeout with an *InUseError, instead of hanging.
func TestDataDirLockedByBoltOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := graph.Open(ctx, graph.Config{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := bolt.Open(filepath.Join(dir, "indexes.bolt"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	done := make(chan error, 1)
	go func() {
		_, err := graph.Open(ctx, graph.Config{Path: dir})
		done <- err
	}()
	select {
	case err := <-done:
		var iu *graph.InUseError
		if !errors.As(err, &iu) || iu.Dir != dir {
			t.Fatalf("Open of a bolt-locked dir: %v; want an *InUseError for %s", err, dir)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Open of a bolt-locked dir hangs")
	}
}

// TestReadOnlyStore: two read-only opens share a data directory, serve what it holds, refuse
// writes with ErrReadOnly and change no file in it.
func TestReadOnlyStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := graph.Open(ctx, graph.Config{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	graphtest.MustApply(t, st, batch1())
	st.Close()
	os.RemoveAll(filepath.Join(dir, "search.bleve")) // a read-only dir without a search index
	before := dirState(t, dir)

	a, err := graph.Open(ctx, graph.Config{Path: dir, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := graph.Open(ctx, graph.Config{Path: dir, ReadOnly: true})
	if err != nil {
		t.Fatalf("second read-only Open: %v", err)
	}
	if _, err := graph.Open(ctx, graph.Config{Path: dir}); !errors.Is(err, graph.ErrInUse) {
		t.Errorf("writable Open next to read-only ones: %v; want ErrInUse", err)
	}
	if m, err := graph.Typed[*graph.Method](ctx, a, "method/buddy"); err != nil || m.Name(graph.NL) != "buddywerking" {
		t.Errorf("read-only read: %v %v", m, err)
	}
	if info := a.Info(); !info.SearchInMemory || info.SearchReason != "missing" {
		t.Errorf("search index missing on disk: info %+v; want it built in memory, reason missing", info)
	}
	if _, err := a.Apply(ctx, batch2(), false); !errors.Is(err, graph.ErrReadOnly) {
		t.Errorf("Apply on a read-only store: %v; want ErrReadOnly", err)
	}
	if _, err := a.Rollback(ctx, "b1", false); !errors.Is(err, graph.ErrReadOnly) {
		t.Errorf("Rollback on a read-only store: %v; want ErrReadOnly", err)
	}
	a.Close()
	b.Close()
	if after := dirState(t, dir); after != before {
		t.Errorf("a read-only store changed its data directory:\nbefore %s\nafter  %s", before, after)
	}
}

// dirState lists the files of a directory tree with their sizes and modification times.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	var s string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		s += p[len(dir):] + " " + fi.ModTime().Format(time.RFC3339Nano) + " " + fmt.Sprint(fi.Size()) + "\n"
		return nil
	})
	return s
}
