package graph_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
)

func exportAll(t *testing.T, st *graph.Store) string {
	t.Helper()
	var buf bytes.Buffer
	if err := st.Export(context.Background(), &buf, graph.FormatNQuads, ""); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func openBolt(t *testing.T, dir string) *graph.Store {
	t.Helper()
	st, err := graph.Open(context.Background(), graph.Config{Backend: graph.BackendBolt, Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// checkOpen reopens dir and checks how the read model was loaded and that it equals want, quad
// for quad, and the quad store (Verify).
func checkOpen(t *testing.T, dir string, fromSnapshot bool, reason, want string) *graph.Store {
	t.Helper()
	return checkOpenCfg(t, graph.Config{Backend: graph.BackendBolt, Path: dir}, fromSnapshot, reason, want)
}

func openStore(t *testing.T, cfg graph.Config) *graph.Store {
	t.Helper()
	st, err := graph.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// checkOpenCfg is checkOpen for any persistent backend's configuration.
func checkOpenCfg(t *testing.T, cfg graph.Config, fromSnapshot bool, reason, want string) *graph.Store {
	t.Helper()
	st := openStore(t, cfg)
	t.Cleanup(func() { st.Close() })
	info := st.Info()
	if info.FromSnapshot != fromSnapshot || !strings.Contains(info.Reason, reason) {
		t.Errorf("Info = %+v; want FromSnapshot %v, reason containing %q", info, fromSnapshot, reason)
	}
	if got := exportAll(t, st); got != want {
		t.Errorf("read model after reopening differs from before:\n got %d bytes\nwant %d bytes", len(got), len(want))
	}
	if _, err := st.Verify(context.Background()); err != nil {
		t.Error(err)
	}
	return st
}

// TestSnapshot: a bolt store reopens from its start-up snapshot when the snapshot holds the
// store's state, and from the quads otherwise (an older snapshot, a damaged one, none), with
// the same read model either way.
func TestSnapshot(t *testing.T) {
	graphtest.Persistent(t, func(t *testing.T, be graphtest.Backend) {
		ctx := context.Background()
		cfg := be.Config(t)
		dir := cfg.Path
		st := openStore(t, cfg)
		graphtest.MustApply(t, st, batch1())
		want1 := exportAll(t, st)
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		snap := filepath.Join(dir, "readmodel.snap")
		old, err := os.ReadFile(snap)
		if err != nil {
			t.Fatalf("no snapshot after Close: %v", err)
		}

		t.Run("same state", func(t *testing.T) {
			st := checkOpenCfg(t, cfg, true, "", want1)
			st.Close()
		})

		// A second batch and a rollback of it, then an older snapshot put back: the state differs.
		st = openStore(t, cfg)
		graphtest.MustApply(t, st, batch2())
		want2 := exportAll(t, st)
		st.Close()
		t.Run("after a write", func(t *testing.T) {
			st := checkOpenCfg(t, cfg, true, "", want2)
			if m, err := graph.Typed[*graph.Method](ctx, st, "method/buddy"); err != nil || len(m.ClaimIDs) != 1 {
				t.Errorf("method/buddy from the snapshot: %+v, %v; want one claim", m, err)
			}
			st.Close()
		})
		if err := os.WriteFile(snap, old, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Run("older snapshot", func(t *testing.T) {
			if be.Name == "postgres" {
				// PostgreSQL keeps a commit log: the older snapshot is read, and the commits
				// since are applied from the log (follow.go), with the same read model.
				st := checkOpenCfg(t, cfg, true, "", want2)
				st.Close()
				return
			}
			st := checkOpenCfg(t, cfg, false, "another state", want2)
			st.Close()
		})
		t.Run("rewritten after a full read", func(t *testing.T) {
			st := checkOpenCfg(t, cfg, true, "", want2)
			st.Close()
		})

		// Damage: one byte flipped in the middle; the file cut short; the file gone.
		b, err := os.ReadFile(snap)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0xff
		if err := os.WriteFile(snap, b, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Run("damaged", func(t *testing.T) {
			st := checkOpenCfg(t, cfg, false, "snapshot unusable", want2)
			st.Close()
		})
		if err := os.WriteFile(snap, b[:len(b)/3], 0o600); err != nil {
			t.Fatal(err)
		}
		t.Run("truncated", func(t *testing.T) {
			st := checkOpenCfg(t, cfg, false, "snapshot unusable", want2)
			st.Close()
		})
		if err := os.Remove(snap); err != nil {
			t.Fatal(err)
		}
		t.Run("missing", func(t *testing.T) {
			st := checkOpenCfg(t, cfg, false, "no such file", want2)
			// Writes after a full read: rollback, then the snapshot of the rolled-back state.
			if _, err := st.Rollback(ctx, "b2", false); err != nil {
				t.Fatal(err)
			}
			st.Close()
			st = checkOpenCfg(t, cfg, true, "", want1)
			st.Close()
		})
	})
}

// TestSnapshotRollbackReinsert: Cayley #737 (deleting a re-inserted quad) through reopening from
// snapshots in between: add, roll back and add again, reopening each time.
func TestSnapshotRollbackReinsert(t *testing.T) {
	graphtest.Persistent(t, func(t *testing.T, be graphtest.Backend) {
		ctx := context.Background()
		cfg := be.Config(t)
		for i := 0; i < 3; i++ {
			st := openStore(t, cfg)
			graphtest.MustApply(t, st, batch1())
			st.Close()
			st = openStore(t, cfg)
			if !st.Info().FromSnapshot {
				t.Errorf("round %d: not opened from the snapshot: %s", i, st.Info().Reason)
			}
			if _, err := st.Rollback(ctx, "b1", false); err != nil {
				t.Fatal(err)
			}
			if n, err := st.Verify(ctx); err != nil || n != 0 {
				t.Errorf("round %d after rollback: %d quads, %v; want 0, nil", i, n, err)
			}
			st.Close()
		}
		st := checkOpenCfg(t, cfg, true, "", "")
		st.Close()
	})
}
