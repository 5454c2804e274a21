package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
)

// BenchmarkPostgresStore compares the PostgreSQL store with bbolt, measured in the same run
// (issue 14): loading the bundled knowledge base (its batches, as a first start does) and
// `kring gen --scale small` (one batch), and the start-up read-model build from the quad store
// (no snapshot: bolt's is deleted, postgres opens with a new data directory). Metrics:
//
//	bolt-load-s, pg-load-s, load-x   time to load, and postgres / bolt
//	bolt-open-s, pg-open-s, open-x   time to open (read model built from every quad)
//	quads                            quads stored (the same on both, checked)
//
// Run: go test -run '^$' -bench BenchmarkPostgresStore -benchtime 1x . (PostgreSQL as for the
// graph tests: KRING_TEST_POSTGRES, else the machine's, else skipped).
func BenchmarkPostgresStore(b *testing.B) {
	kb := func(ctx context.Context, st *graph.Store) error {
		files, err := bundleFiles()
		if err != nil {
			return err
		}
		_, err = ingest.LoadBundle(ctx, st, files, "bench")
		return err
	}
	small := func(ctx context.Context, st *graph.Store) error {
		_, err := st.Apply(ctx, ingest.Generate(ingest.Scales["small"]), false)
		return err
	}
	for _, c := range []struct {
		name string
		load func(context.Context, *graph.Store) error
	}{{"kb", kb}, {"small", small}} {
		b.Run(c.name, func(b *testing.B) {
			graphtest.PostgresURL(b) // skips when there is none
			log := slog.New(slog.DiscardHandler)
			var boltLoad, pgLoad, boltOpen, pgOpen time.Duration
			var quads int
			for range b.N {
				ctx := context.Background()
				run := func(cfg graph.Config, reopen graph.Config) (load, open time.Duration, n int) {
					cfg.Logger, reopen.Logger, cfg.SnapshotDelay = log, log, -1
					st, err := graph.Open(ctx, cfg)
					if err != nil {
						b.Fatal(err)
					}
					t0 := time.Now()
					if err := c.load(ctx, st); err != nil {
						b.Fatal(err)
					}
					load = time.Since(t0)
					n = st.QuadCount()
					if err := st.Close(); err != nil {
						b.Fatal(err)
					}
					os.Remove(filepath.Join(cfg.Path, "readmodel.snap"))
					t0 = time.Now()
					st, err = graph.Open(ctx, reopen)
					if err != nil {
						b.Fatal(err)
					}
					open = time.Since(t0)
					if st.QuadCount() != n || st.Info().FromSnapshot {
						b.Fatalf("reopened: %d quads (want %d), from snapshot %v", st.QuadCount(), n, st.Info().FromSnapshot)
					}
					st.Close()
					return load, open, n
				}
				dir := b.TempDir()
				bl, bo, bn := run(graph.Config{Backend: graph.BackendBolt, Path: dir}, graph.Config{Backend: graph.BackendBolt, Path: dir})
				pcfg := graph.Config{Backend: graph.BackendPostgres, URL: graphtest.PostgresSchema(b), Path: b.TempDir()}
				reopen := pcfg
				reopen.Path = b.TempDir()
				pl, po, pn := run(pcfg, reopen)
				if bn != pn {
					b.Fatalf("quads: bolt %d, postgres %d", bn, pn)
				}
				boltLoad, pgLoad, boltOpen, pgOpen, quads = boltLoad+bl, pgLoad+pl, boltOpen+bo, pgOpen+po, bn
			}
			n := float64(b.N)
			b.ReportMetric(boltLoad.Seconds()/n, "bolt-load-s")
			b.ReportMetric(pgLoad.Seconds()/n, "pg-load-s")
			b.ReportMetric(pgLoad.Seconds()/boltLoad.Seconds(), "load-x")
			b.ReportMetric(boltOpen.Seconds()/n, "bolt-open-s")
			b.ReportMetric(pgOpen.Seconds()/n, "pg-open-s")
			b.ReportMetric(pgOpen.Seconds()/boltOpen.Seconds(), "open-x")
			b.ReportMetric(float64(quads), "quads")
		})
	}
}
