// Command kring serves the Kring knowledge graph (a GraphQL API and the explorer) and loads
// batches into it. One file per command: serve.go, load.go, query.go, export.go, batch.go,
// token.go, gen.go, verify.go; client.go talks to a running server (--url); this file has main,
// run, the usage and the flags the commands share.
//
//	kring serve   [--addr 127.0.0.1:8080] [--data ./data] [--backend bolt|memory | --store postgres://…] [--read-only]
//	kring load    [--data DIR | --url URL --token T] [--dry-run] [--json] [--skip-invalid] FILE...
//	kring export  [--data DIR | --url URL] [--format nquads|jsonld] [--batch ID]
//	kring query   [--data DIR | --url URL] [--var name=value ...] QUERY|-
//	kring batch   list|show ID|rollback ID
//	kring verify  [--data DIR]
//	kring version
//
// Flags and environment variables (KRING_DATA, KRING_ADDR, KRING_BACKEND, KRING_TOKENS_FILE,
// KRING_TOKEN) are read here and nowhere else.
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"kring/graph"
	"kring/ingest"
)

//go:generate go tool gqlgen generate --config gqlgen.yml

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// stopGrace is how long a command may take to end after SIGINT or SIGTERM.
const stopGrace = 2 * time.Second

// main runs a command under a context that SIGINT and SIGTERM cancel. Every command ends on
// its own when the context ends (a load not yet committed is dropped: nothing is written);
// should one still run 5/8 of stopGrace (1.25 s) later (a bbolt commit cannot be stopped), the process
// exits anyway — bbolt commits atomically, so an interrupted commit is simply absent, as after
// kill -9. A second signal kills the process at once.
func main() { os.Exit(runMain(os.Args[1:])) }

// runMain runs a command as the process does: under the signal handling described at main.
func runMain(args []string) int {
	// stop is called only once a signal came (so that a second one kills at once), never on the
	// way out: a signal arriving after the command finished, while the process exits (which
	// takes a while under the race detector), is then ignored instead of killing the process
	// with its default action and hiding the command's exit code.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	finished := make(chan struct{})
	go func() {
		select {
		case <-finished:
			return
		case <-ctx.Done():
		}
		stop() // the next signal has its default effect: the process ends
		select {
		case <-finished:
		case <-time.After(stopGrace * 5 / 8): // leaves time for the exit itself
			fmt.Fprintln(os.Stderr, "kring: still not stopped after the signal; exiting now (nothing half-written: an uncommitted batch is discarded)")
			os.Exit(130)
		}
	}()
	code := run(ctx, args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	close(finished)
	return code
}

// env gives the environment, so that tests can set it without touching the process's.
type env func(string) string

// exitError carries an exit code with a message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

const usage = `kring: a knowledge graph about strengthening the personal networks of people in poverty

Usage:
  kring serve   [--addr 127.0.0.1:8080] [--data ./data] [--backend bolt|memory | --store postgres://…] [--read-only]
  kring load    [--data DIR | --url URL --token T] [--dry-run] [--json] [--skip-invalid] [--source-type CODE] [--source-type-for FILE:LINE=CODE]... [--status STATUS] FILE...
  kring export  [--data DIR | --url URL] [--format nquads|jsonld|graphml|bibtex|ris|csljson|matrix-csv|catalogue-csv] [--batch ID] [--release NAME] > FILE
  kring query   [--data DIR | --url URL] [--var name=value ...] QUERY|-
  kring batch   list | show ID | rollback [--dry-run] [--reason WHY] [--by NAME] ID
  kring log     [--data DIR | --url URL --token T] [--kind load|edit|revert|rollback|release] [--actor NAME] [--json]
  kring release [--data DIR | --url URL --token T] create NAME [--note TEXT] | list | diff FROM [TO]
  kring verify  [--data DIR]   (Cayley, read model, search index and snapshot agree?)
  kring token   new --name NAME --role curator|admin
  kring gen     --scale small|large [--data DIR]   (synthetic knowledge base, for benchmarks)
  kring version

Run "kring COMMAND --help" for a command's flags.
Environment: KRING_DATA (data directory), KRING_ADDR (listen address), KRING_BACKEND,
KRING_TOKENS_FILE (API tokens for writes), KRING_TOKEN (the token of load/query --url).
A data directory has one user at a time: while kring serve holds it, query and export ask that
server (found in the directory), and load takes --url and --token.
`

func run(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], getenv, stderr)
	case "load":
		err = cmdLoad(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		err = cmdExport(ctx, args[1:], getenv, stdout, stderr)
	case "query":
		err = cmdQuery(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "release":
		err = cmdRelease(ctx, args[1:], getenv, stdout, stderr)
	case "batch":
		err = cmdBatch(ctx, args[1:], getenv, stdout, stderr)
	case "log":
		err = cmdLog(ctx, args[1:], getenv, stdout, stderr)
	case "verify":
		err = cmdVerify(ctx, args[1:], getenv, stdout, stderr)
	case "gen":
		err = cmdGen(ctx, args[1:], getenv, stdout, stderr)
	case "token":
		err = cmdToken(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "kring %s\n", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "kring: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "kring %s: interrupted; nothing was left half-written\n", args[0])
		return 130
	}
	var iu *graph.InUseError
	if errors.As(err, &iu) {
		fmt.Fprintf(stderr, "kring %s: %v.\n%s", args[0], iu, inUseHint(args[0], iu))
		return 1
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, ee.msg)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "kring %s: %v\n", args[0], err)
	return 1
}

// inUseHint says what to do about a data directory held by another process.
func inUseHint(cmd string, iu *graph.InUseError) string {
	if iu.Owner != nil && iu.Owner.Addr != "" {
		switch cmd {
		case "query", "export", "log", "release":
			return fmt.Sprintf("Ask the running server instead: kring %s --url %s ...\n", cmd, iu.Owner.Addr)
		case "load":
			return fmt.Sprintf("Load through the running server instead: kring load --url %s --token TOKEN FILE... (or KRING_TOKEN)\n", iu.Owner.Addr)
		}
		return fmt.Sprintf("Stop that server first, or use it: kring query|export|load --url %s ...\n", iu.Owner.Addr)
	}
	if iu.Owner != nil {
		return fmt.Sprintf("Wait for pid %d to finish, or stop it; only one kring can use a data directory at a time.\n", iu.Owner.PID)
	}
	return "Stop the other process first; only one kring can use a data directory at a time.\n"
}

// storeFlags are the flags every command that opens the store takes.
type storeFlags struct {
	data      string
	backend   string
	store     string // a postgres:// URL: the quads live in PostgreSQL (--data keeps local files)
	noStarter bool
	follow    bool // kring serve on a PostgreSQL store: follow other processes' commits
	readOnly  bool
	cmd       string       // "kring serve", …: for the data directory's owner record
	addr      string       // the URL kring serve listens at, for the same
	log       *slog.Logger // the store's logger (nil: slog's default)
}

func (sf *storeFlags) register(fs *flag.FlagSet, getenv env) {
	sf.cmd = "kring " + fs.Name()
	fs.BoolVar(&sf.noStarter, "no-starter", false, "do not load the bundled knowledge base into an empty store")
	data := getenv("KRING_DATA")
	if data == "" {
		data = "./data"
	}
	backend := getenv("KRING_BACKEND")
	if backend == "" {
		backend = graph.BackendBolt
	}
	fs.StringVar(&sf.data, "data", data, "data directory of the bolt store (env KRING_DATA)")
	fs.StringVar(&sf.backend, "backend", backend, "store backend: bolt or memory (env KRING_BACKEND)")
	fs.StringVar(&sf.store, "store", getenv("KRING_STORE"), "PostgreSQL store URL, e.g. postgres://user@host:5432/db?sslmode=disable; --data then holds only the snapshot and search index (env KRING_STORE)")
}

func (sf *storeFlags) open(ctx context.Context) (*graph.Store, error) {
	cfg := graph.Config{Backend: sf.backend, Path: sf.data, ReadOnly: sf.readOnly, Command: sf.cmd, Addr: sf.addr, Logger: sf.log, Follow: sf.follow}
	if sf.store != "" {
		if !strings.HasPrefix(sf.store, "postgres://") && !strings.HasPrefix(sf.store, "postgresql://") {
			return nil, fmt.Errorf("--store: want a postgres:// URL, got %q", sf.store)
		}
		cfg.Backend, cfg.URL = graph.BackendPostgres, sf.store
		sf.backend = graph.BackendPostgres // for what serve logs
	}
	return graph.Open(ctx, cfg)
}

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kring %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterspersed parses flags that may stand before or after the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// bundledKB is the bundled knowledge base (kb/): starter.yaml, then the batches under
// kb/batches/ in file-name order, each its own batch; loaded into an empty store on first start.
//
//go:embed kb/starter.yaml kb/batches/*.yaml
var bundledKB embed.FS

// bundleFiles returns the bundled knowledge base's files, named "kb/...".
func bundleFiles() ([]ingest.File, error) {
	sub, err := fs.Sub(bundledKB, "kb")
	if err != nil {
		return nil, err
	}
	return ingest.BundleFiles(sub, "kb/")
}

// openWithStarter opens the store and, when it is empty, loads the bundled knowledge base.
func openWithStarter(ctx context.Context, sf *storeFlags, log *slog.Logger) (*graph.Store, error) {
	sf.log = log
	st, err := sf.open(ctx)
	if err != nil {
		return nil, err
	}
	if st.Empty() && !sf.noStarter && !sf.readOnly {
		files, err := bundleFiles()
		if err != nil {
			st.Close()
			return nil, err
		}
		rep, err := ingest.LoadBundle(ctx, st, files, "kring (first start)")
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("load bundled knowledge base: %w", err)
		}
		for _, b := range rep.Batches {
			log.Info("loaded the bundled knowledge base into the empty store", "batch", b.Batch, "quads", b.Added)
		}
	}
	return st, nil
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: want json or text, not %q", format)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
