package graphtest

import (
	"context"
	"crypto/rand"
	"database/sql" // the "postgres" driver is registered by package graph
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"kring/graph"
)

// DefaultPostgres is the machine's PostgreSQL (trust auth), used when KRING_TEST_POSTGRES is
// unset and it answers.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var pgProbe struct {
	once sync.Once
	url  string
	err  error
	set  bool // KRING_TEST_POSTGRES was set: an unreachable server fails the tests
}

// PostgresURL returns the server the tests use: KRING_TEST_POSTGRES (tests fail when it does
// not answer), else DefaultPostgres when it answers, else the test is skipped.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	pgProbe.once.Do(func() {
		pgProbe.url = os.Getenv("KRING_TEST_POSTGRES")
		pgProbe.set = pgProbe.url != ""
		if !pgProbe.set {
			pgProbe.url = DefaultPostgres
		}
		db, err := sql.Open("postgres", withTimeout(pgProbe.url))
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err = db.PingContext(ctx)
			cancel()
			db.Close()
		}
		pgProbe.err = err
	})
	if pgProbe.err != nil {
		if pgProbe.set {
			tb.Fatalf("KRING_TEST_POSTGRES=%s does not answer: %v", pgProbe.url, pgProbe.err)
		}
		tb.Skipf("PostgreSQL tests skipped: KRING_TEST_POSTGRES is unset and %s does not answer (%v)", DefaultPostgres, pgProbe.err)
	}
	return pgProbe.url
}

func withTimeout(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "3")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresSchema creates a schema of its own for the test (named after it, with a random
// suffix), dropped with everything in it when the test ends, and returns a URL whose
// search_path is that schema.
func PostgresSchema(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL(tb)
	var b [4]byte
	rand.Read(b[:])
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, tb.Name())
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	name = "kt_" + name + "_" + hex.EncodeToString(b[:])
	db, err := sql.Open("postgres", withTimeout(base))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(`CREATE SCHEMA "` + name + `"`); err != nil {
		db.Close()
		tb.Fatalf("create schema %s: %v", name, err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA "` + name + `" CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
		}
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresConfig is the configuration of a new, empty PostgreSQL store in a schema of the
// test's own, with a temporary data directory for its snapshot and search index.
func PostgresConfig(tb testing.TB) graph.Config {
	tb.Helper()
	return graph.Config{Backend: graph.BackendPostgres, URL: PostgresSchema(tb), Path: tb.TempDir()}
}

// NewPostgres returns an empty PostgreSQL store in a schema of its own, closed when the test
// ends, and its configuration (to open it again, or a second store on the same database).
func NewPostgres(tb testing.TB) (*graph.Store, graph.Config) {
	tb.Helper()
	return Backends[2].Open(tb)
}
