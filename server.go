// Command kring serves the Kring knowledge graph (a GraphQL API and the explorer) and loads
// batches into it.
//
//	kring serve   [--addr 127.0.0.1:8080] [--data ./data] [--backend bolt|memory]
//	kring load    [--data DIR] [--dry-run] [--json] [--skip-invalid] FILE...
//	kring export  [--data DIR] [--format nquads|jsonld] [--batch ID]
//	kring query   [--data DIR] [--var name=value ...] QUERY|-
//	kring batch   list|show ID|rollback ID
//	kring version
//
// Flags and environment variables (KRING_DATA, KRING_ADDR, KRING_BACKEND, KRING_TOKENS_FILE)
// are read here and nowhere else.
package main

//go:generate go tool gqlgen generate --config gqlgen.yml

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path"
	"sort"
	"strings"
	"syscall"
	"time"

	"kring/graph"
	"kring/loaders"
	"kring/resolvers"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
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
  kring serve   [--addr 127.0.0.1:8080] [--data ./data] [--backend bolt|memory]
  kring load    [--data DIR] [--dry-run] [--json] [--skip-invalid] [--source-type CODE] [--status STATUS] FILE...
  kring export  [--data DIR] [--format nquads|jsonld] [--batch ID] > FILE
  kring query   [--data DIR] [--var name=value ...] QUERY|-
  kring batch   list | show ID | rollback [--dry-run] ID
  kring token   new --name NAME --role curator|admin
  kring gen     --scale small|large [--data DIR]   (synthetic knowledge base, for benchmarks)
  kring version

Run "kring COMMAND --help" for a command's flags.
Environment: KRING_DATA (data directory), KRING_ADDR (listen address), KRING_BACKEND,
KRING_TOKENS_FILE (API tokens for writes).
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
	case "batch":
		err = cmdBatch(ctx, args[1:], getenv, stdout, stderr)
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

// storeFlags are the flags every command that opens the store takes.
type storeFlags struct {
	data      string
	backend   string
	noStarter bool
	log       *slog.Logger // the store's logger (nil: slog's default)
}

func (sf *storeFlags) register(fs *flag.FlagSet, getenv env) {
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
}

func (sf *storeFlags) open(ctx context.Context) (*graph.Store, error) {
	return graph.Open(ctx, graph.Config{Backend: sf.backend, Path: sf.data, Logger: sf.log})
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

func cmdBatch(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("batch", "batch [--data DIR] list | show ID | rollback [--dry-run] ID", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	dry := fs.Bool("dry-run", false, "rollback: show what would be removed; write nothing")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring batch: say list, show ID or rollback ID"}
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	switch {
	case pos[0] == "list" && len(pos) == 1:
		bs, err := st.Batches(ctx)
		if err != nil {
			return err
		}
		for _, b := range bs {
			fmt.Fprintf(stdout, "%-30s %s  %6d quads  %s\n", graph.ShortID(b.ID), b.LoadedAt, b.QuadCount, deref(b.Description))
		}
		return nil
	case pos[0] == "show" && len(pos) == 2:
		b, err := st.Batch(ctx, pos[1])
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			ID          string            `json:"id"`
			Description string            `json:"description,omitempty"`
			LoadedBy    string            `json:"loadedBy,omitempty"`
			LoadedAt    string            `json:"loadedAt"`
			Files       []graph.BatchFile `json:"files"`
			Quads       int               `json:"quads"`
			Counts      []graph.TypeCount `json:"counts"`
		}{b.ID, deref(b.Description), deref(b.LoadedBy), b.LoadedAt, b.Files, b.QuadCount, b.Counts})
	case pos[0] == "rollback" && len(pos) == 2:
		rep, err := st.Rollback(ctx, pos[1], *dry)
		if err != nil {
			return err
		}
		if rep.DryRun {
			fmt.Fprintf(stdout, "%s: would remove %d quads (dry run, nothing written)\n", graph.ShortID(rep.Batch), rep.Removed)
		} else {
			fmt.Fprintf(stdout, "%s: rolled back, %d quads removed\n", graph.ShortID(rep.Batch), rep.Removed)
		}
		return nil
	}
	fs.Usage()
	return &exitError{code: 2, msg: fmt.Sprintf("kring batch: unknown subcommand %q", strings.Join(pos, " "))}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// starterKB is the bundled knowledge base, loaded into an empty store on first start.
//
//go:embed kb/starter.yaml
var starterKB []byte

// explorerFS is the built web explorer (explorer/dist, made by `make explorer`).
//
//go:embed all:explorer/dist
var explorerFS embed.FS

// openWithStarter opens the store and, when it is empty, loads the bundled knowledge base.
func openWithStarter(ctx context.Context, sf *storeFlags, log *slog.Logger) (*graph.Store, error) {
	sf.log = log
	st, err := sf.open(ctx)
	if err != nil {
		return nil, err
	}
	if st.Empty() && !sf.noStarter {
		cs, err := loaders.ReadKB("kb/starter.yaml", bytes.NewReader(starterKB))
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("bundled knowledge base: %w", err)
		}
		cs.LoadedBy = "kring (first start)"
		rep, err := st.Apply(ctx, cs, false)
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("load bundled knowledge base: %w", err)
		}
		log.Info("loaded the bundled knowledge base into the empty store", "batch", rep.Batch, "quads", rep.Added)
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

func cmdServe(ctx context.Context, args []string, getenv env, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [--addr 127.0.0.1:8080] [--data ./data] [--backend bolt|memory]", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	addr := getenv("KRING_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	fs.StringVar(&addr, "addr", addr, "listen address (env KRING_ADDR); keep it on loopback")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	timeout := fs.Duration("timeout", 15*time.Second, "per-request time limit")
	tokensFile := fs.String("tokens-file", getenv("KRING_TOKENS_FILE"), "file of API tokens allowed to write, one \"name role sha256\" a line (env KRING_TOKENS_FILE); none: read-only")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	var tokens []resolvers.Token
	if *tokensFile != "" {
		f, err := os.Open(*tokensFile)
		if err != nil {
			return err
		}
		tokens, err = resolvers.ParseTokens(*tokensFile, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	st, err := openWithStarter(ctx, &sf, log)
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		log.Warn("listening on a non-loopback address; Kring has no TLS of its own", "addr", ln.Addr().String())
	}
	srv := &http.Server{
		Handler:           newMux(st, log, resolvers.Options{Timeout: *timeout, Tokens: tokens}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      *timeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "backend", sf.backend, "data", sf.data, "quads", st.QuadCount(), "write_tokens", len(tokens))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// newMux wires the HTTP routes: the GraphQL API, health, GraphiQL and the explorer.
func newMux(st *graph.Store, log *slog.Logger, o resolvers.Options) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", resolvers.NewHandler(resolvers.New(st, log), o))
	mux.Handle("GET /compare.csv", resolvers.CompareCSV(st, log))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"status":"ok","quads":%d}`+"\n", st.QuadCount())
	})
	mux.Handle("/", explorerHandler())
	return logRequests(log, mux)
}

// explorerHandler serves the built explorer; unknown paths get index.html (client routing),
// /graphiql gets GraphiQL.
func explorerHandler() http.Handler {
	dist, _ := fs.Sub(explorerFS, "explorer/dist")
	files := http.FileServerFS(dist)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p == "graphiql" || p == "graphiql/" {
			p = "graphiql.html"
		}
		if p != "" && p != "index.html" {
			if f, err := fs.Stat(dist, p); err == nil && !f.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				r2 := r.Clone(r.Context())
				r2.URL.Path = "/" + p
				files.ServeHTTP(w, r2)
				return
			}
			if strings.HasPrefix(p, "assets/") || path.Ext(p) != "" {
				http.NotFound(w, r)
				return
			}
		}
		index, err := fs.ReadFile(dist, "index.html")
		if err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "De verkenner is niet meegebouwd / the explorer was not built into this binary: run `make run`. The API is at /graphql.")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(index)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
	})
}

func cmdQuery(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("query", "query [--data DIR] [--var name=value ...] QUERY|-", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	vars := map[string]any{}
	fs.Func("var", "a variable, name=value (value as JSON when it parses, else as a string); repeatable", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return fmt.Errorf("want name=value, got %q", s)
		}
		var x any
		if err := json.Unmarshal([]byte(v), &x); err != nil {
			x = v
		}
		vars[k] = x
		return nil
	})
	op := fs.String("operation", "", "operation name, when the document has several")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring query: give one GraphQL document, or - to read it from stdin"}
	}
	doc := pos[0]
	if doc == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return err
		}
		doc = string(b)
	}
	log, _ := newLogger(stderr, "text", "warn")
	st, err := openWithStarter(ctx, &sf, log)
	if err != nil {
		return err
	}
	defer st.Close()
	body, _ := json.Marshal(map[string]any{"query": doc, "variables": vars, "operationName": *op})
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	rec := httptest.NewRecorder()
	resolvers.NewHandler(resolvers.New(st, log), resolvers.Options{}).ServeHTTP(rec, req)
	var resp struct {
		Data   json.RawMessage `json:"data,omitempty"`
		Errors json.RawMessage `json:"errors,omitempty"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		return fmt.Errorf("unexpected response (%d): %s", rec.Code, rec.Body.String())
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, rec.Body.Bytes(), "", "  "); err != nil {
		return err
	}
	pretty.WriteByte('\n')
	stdout.Write(pretty.Bytes())
	if len(resp.Errors) > 0 && string(resp.Errors) != "null" {
		return &exitError{code: 1}
	}
	return nil
}

func cmdToken(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("token", "token new --name NAME --role curator|admin", stderr)
	name := fs.String("name", "", "who the token is for")
	role := fs.String("role", "curator", "curator or admin")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "new" || *name == "" || strings.ContainsAny(*name, " \t") {
		fs.Usage()
		return &exitError{code: 2, msg: "kring token: say `new --name NAME --role ROLE` (a name without spaces)"}
	}
	r := resolvers.Role(strings.ToUpper(*role))
	if !r.IsValid() {
		return &exitError{code: 2, msg: fmt.Sprintf("kring token: %q is not a role (curator or admin)", *role)}
	}
	tok, err := resolvers.NewToken()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token (give it to %s; it is not stored anywhere):\n  %s\nline for the tokens file (KRING_TOKENS_FILE):\n  %s %s %s\n", *name, tok, *name, r, resolvers.HashToken(tok))
	return nil
}

const loadSynopsis = "load [--data DIR] [--dry-run] [--json] [--skip-invalid] [--source-type CODE] [--status STATUS] [--description TEXT] [--by NAME] FILE..."

// cmdLoad loads batch files, literature exports, coding sheets and linked data (loaders.Load).
func cmdLoad(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", loadSynopsis, stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	dry := fs.Bool("dry-run", false, "check and show what would change (new, updated, unchanged, duplicate, conflict per type); write nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	skip := fs.Bool("skip-invalid", false, "leave out literature records and coding-sheet rows that have a problem, list them, and load the rest")
	sourceType := fs.String("source-type", "", "SourceType of references that cannot be classified (books, chapters, reports): e.g. GREY_NL or GREY_BE")
	status := fs.String("status", "CANDIDATE", "status of imported references and coded rows: CANDIDATE, or CONFIRMED when the sources were checked")
	desc := fs.String("description", "", "batch description (overrides a batch file's)")
	by := fs.String("by", getenv("USER"), "who loads the batch")
	names, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring load: no files given"}
	}
	for _, f := range []struct{ flag, scheme, value string }{{"--source-type", "SourceType", *sourceType}, {"--status", "Status", *status}} {
		if f.value != "" && !graph.ValidCode(f.scheme, graph.NormalizeCode(f.value)) {
			return &exitError{code: 2, msg: fmt.Sprintf("kring load: %s %q: want one of %s", f.flag, f.value, strings.Join(graph.Vocabularies[f.scheme], ", "))}
		}
	}
	var files []loaders.File
	var unreadable []graph.Problem
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			unreadable = append(unreadable, graph.Problem{File: n, Message: fmt.Sprintf("cannot read: %v", errors.Unwrap(err))})
			continue
		}
		files = append(files, loaders.File{Name: n, Data: data})
	}
	if len(unreadable) > 0 {
		return reportLoadProblems(stderr, &loaders.Report{Problems: unreadable})
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	pp := newProgressPrinter(stderr)
	rep, err := loaders.Load(ctx, st, files, loaders.Options{
		DryRun: *dry, SkipInvalid: *skip, Description: *desc, LoadedBy: *by,
		SourceType: *sourceType, Status: *status, Progress: pp.update,
	})
	pp.done()
	var ve *graph.ValidationError
	if err != nil && !errors.As(err, &ve) {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.WriteText(stdout)
	}
	if rep.Rejected() {
		return reportLoadProblems(stderr, rep)
	}
	return nil
}

// reportLoadProblems prints why a load was rejected and says what was (not) written.
func reportLoadProblems(w io.Writer, rep *loaders.Report) error {
	for _, p := range rep.Problems {
		fmt.Fprintln(w, p.String())
	}
	var written []string
	for _, b := range rep.Batches {
		if b.Written {
			written = append(written, b.Batch)
		}
	}
	msg := fmt.Sprintf("kring load: %d problem(s); nothing was written", len(rep.Problems))
	if len(written) > 0 {
		msg = fmt.Sprintf("kring load: %d problem(s); the rejected batch was not written, but the batches before it were: %s (kring batch rollback ID removes one)",
			len(rep.Problems), strings.Join(written, ", "))
	}
	return &exitError{code: 1, msg: msg}
}

// progressPrinter shows a load's progress on stderr: a bar redrawn in place on a terminal,
// one plain line per step otherwise.
type progressPrinter struct {
	w    io.Writer
	tty  bool
	last string
	drew bool
}

func newProgressPrinter(w io.Writer) *progressPrinter {
	return &progressPrinter{w: w, tty: isTerminal(w)}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progressPrinter) update(pr loaders.Progress) {
	var what string
	switch pr.Phase {
	case loaders.PhaseRead:
		if pr.File == "" {
			return
		}
		what = fmt.Sprintf("reading %s (%d/%d)", pr.File, pr.Done+1, pr.Total)
	case loaders.PhaseCheck:
		what = "checking"
		if pr.Done > 0 {
			what = fmt.Sprintf("checking again without what was left out (round %d)", pr.Done+1)
		}
	case loaders.PhaseWrite:
		if pr.Total > 0 && pr.Done == pr.Total {
			return
		}
		what = "writing"
		if pr.File != "" {
			what += " " + pr.File
		}
	default:
		return
	}
	if what == p.last {
		return
	}
	p.last = what
	if !p.tty {
		fmt.Fprintf(p.w, "kring load: %s\n", what)
		return
	}
	const width = 24
	done := 0
	if pr.Phase == loaders.PhaseRead && pr.Total > 0 {
		done = width * (pr.Done + 1) / (pr.Total + 2)
	} else if pr.Phase == loaders.PhaseCheck {
		done = width * 3 / 4
	} else if pr.Phase == loaders.PhaseWrite {
		done = width * 7 / 8
	}
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %s", strings.Repeat("#", done), strings.Repeat("-", width-done), what)
	p.drew = true
}

// done clears the bar.
func (p *progressPrinter) done() {
	if p.tty && p.drew {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// cmdExport writes the store (or one batch) as linked data.
func cmdExport(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "export [--data DIR] [--format nquads|jsonld] [--batch ID] > FILE", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	format := fs.String("format", graph.FormatNQuads, "nquads or jsonld")
	batch := fs.String("batch", "", "export only this batch")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring export: no arguments expected; the export goes to standard output"}
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.Export(ctx, stdout, *format, *batch)
}

// cmdGen writes a deterministic synthetic knowledge base into the store, for benchmarks.
func cmdGen(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("gen", "gen --scale small|large [--data DIR] [--backend bolt|memory]", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	scale := fs.String("scale", "small", "size: small or large (≈ 2,000 methods, 50,000 sources, 200,000 claims)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	sc, ok := loaders.Scales[*scale]
	if !ok {
		names := make([]string, 0, len(loaders.Scales))
		for n := range loaders.Scales {
			names = append(names, n)
		}
		sort.Strings(names)
		return &exitError{code: 2, msg: fmt.Sprintf("kring gen: unknown scale %q (want %s)", *scale, strings.Join(names, " or "))}
	}
	sf.noStarter = true
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	cs := loaders.Generate(sc)
	gen := time.Since(start)
	rep, err := st.Apply(ctx, cs, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d nodes generated in %s; %d quads written in %s (store now %d quads)\n",
		cs.BatchID, len(cs.Nodes), gen.Round(time.Millisecond), rep.Added, (time.Since(start) - gen).Round(time.Millisecond), st.QuadCount())
	return nil
}
