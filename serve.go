package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"kring/graph"
	"kring/resolvers"
)

// explorerFS is the built web explorer (explorer/dist, made by `make explorer`).
//
//go:embed all:explorer/dist
var explorerFS embed.FS

func cmdServe(ctx context.Context, args []string, getenv env, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [--addr 127.0.0.1:8080] [--data ./data] [--backend bolt|memory | --store postgres://…] [--read-only]", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	sf.follow = true // PostgreSQL: a replica follows the other replicas' commits
	addr := getenv("KRING_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	fs.StringVar(&addr, "addr", addr, "listen address (env KRING_ADDR); keep it on loopback")
	fs.BoolVar(&sf.readOnly, "read-only", false, "serve a data directory without writing to it (mutations are refused; a stale search index is built in memory)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	timeout := fs.Duration("timeout", 15*time.Second, "per-request time limit")
	tokensFile := fs.String("tokens-file", getenv("KRING_TOKENS_FILE"), "file of API tokens allowed to write, one \"name role sha256\" a line, mode 600 (env KRING_TOKENS_FILE); none: read-only")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	var tokens []resolvers.Token
	if *tokensFile != "" {
		var err error
		if tokens, err = readTokensFile(*tokensFile); err != nil {
			return err
		}
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	// Listen first, so that /healthz answers while the store opens (a read model rebuilt after
	// an unclean stop takes a while); /readyz and the API answer 503 until it is open.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		log.Warn("listening on a non-loopback address; Kring has no TLS of its own", "addr", ln.Addr().String())
	}
	url := "http://" + ln.Addr().String()
	o := resolvers.Options{Timeout: *timeout, Tokens: tokens}
	g := &gate{}
	srv := &http.Server{
		Handler:           securityHeaders(logRequests(log, g)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      *timeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening; opening the store", "url", url, "backend", sf.backend, "data", sf.data, "read_only", sf.readOnly)

	type opened struct {
		st  *graph.Store
		err error
	}
	openc := make(chan opened, 1)
	start := time.Now()
	sf.addr = url // in the owner record from the start: kring query finds the server while it opens
	go func() {
		st, err := openWithStarter(ctx, &sf, log)
		openc <- opened{st, err}
	}()
	var st *graph.Store
	select {
	case r := <-openc:
		if r.err != nil {
			srv.Close()
			return r.err
		}
		st = r.st
	case err := <-errc:
		if r := <-openc; r.st != nil {
			r.st.Close()
		}
		return err
	case <-ctx.Done():
		srv.Close()
		if r := <-openc; r.st != nil { // Open honours ctx: it ends soon
			r.st.Close()
		}
		return nil
	}
	defer st.Close()
	res := resolvers.New(st, log)
	defer res.Close() // before st.Close: a load job in flight is cancelled (never half-written)
	g.open(routesWith(res, st, log, o))
	info := st.Info()
	log.Info("serving", "addr", url, "backend", sf.backend, "data", sf.data, "quads", st.QuadCount(), "write_tokens", len(tokens),
		"read_only", sf.readOnly, "from_snapshot", info.FromSnapshot, "search_in_memory", info.SearchInMemory, "ready_after", time.Since(start).Round(time.Millisecond))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), stopGrace/4) // then Close writes the snapshot
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		srv.Close() // requests still running after the grace period are cut
		log.Warn("requests cut at shutdown", "err", err)
	}
	return nil
}

// readTokensFile reads the API tokens file. Like ssh with a private key, it refuses a file that
// its group or others may read: the hashes let anyone try tokens offline.
func readTokensFile(name string) ([]resolvers.Token, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("kring serve: tokens file %s can be read by others (mode %04o); it must be readable by its owner only: chmod 600 %s", name, perm, name)}
	}
	return resolvers.ParseTokens(name, f)
}

// gate serves /healthz from the start, and the store's routes once the store is open: before
// that, /readyz and the API answer 503 (GraphQL: code UNAVAILABLE) and the explorer's files are
// served (the explorer then waits for the API).
type gate struct {
	h atomic.Pointer[http.Handler]
}

func (g *gate) open(h http.Handler) { g.h.Store(&h) }

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := g.h.Load()
	if r.URL.Path == "/healthz" && h == nil {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok","ready":false}`)
		return
	}
	if h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	w.Header().Set("Retry-After", "1")
	switch r.URL.Path {
	case "/readyz":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"status":"starting","ready":false}`)
	case "/graphql":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"errors":[{"message":"De kennisgraaf wordt nog geladen; probeer zo meteen opnieuw. / The knowledge graph is still loading; try again shortly.","extensions":{"code":"UNAVAILABLE"}}]}`)
	case "/export", "/compare.csv":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "De kennisgraaf wordt nog geladen / the knowledge graph is still loading; try again shortly.")
	default:
		explorerHandler().ServeHTTP(w, r)
	}
}

// newMux is the handler `kring serve` runs once the store is open: its routes with request
// logging and the security headers.
func newMux(st *graph.Store, log *slog.Logger, o resolvers.Options) http.Handler {
	return securityHeaders(logRequests(log, routes(st, log, o)))
}

// routes wires the HTTP routes: the GraphQL API, export, health, GraphiQL and the explorer.
func routes(st *graph.Store, log *slog.Logger, o resolvers.Options) http.Handler {
	return routesWith(resolvers.New(st, log), st, log, o)
}

// routesWith is routes with the API's resolver given, so that serve can close it (ending the
// load jobs it runs) before the store closes.
func routesWith(r *resolvers.Resolver, st *graph.Store, log *slog.Logger, o resolvers.Options) http.Handler {
	mux := http.NewServeMux()
	if o.Metrics == nil {
		o.Metrics = resolvers.NewMetrics(st)
	}
	mux.Handle("GET /metrics", o.Metrics.Handler()) // Prometheus text format
	mux.Handle("/graphql", resolvers.NewHandler(r, o))
	mux.Handle("GET /compare.csv", resolvers.CompareCSV(st, log))
	mux.Handle("GET /export", exportHandler(st, log))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"status":"ok","ready":true,"quads":%d}`+"\n", st.QuadCount())
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if f := st.Follow(); f.Following {
			status, ready := replicaReady(f)
			if !ready {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusServiceUnavailable)
			}
			fmt.Fprintf(w, `{"status":%q,"ready":%t,"quads":%d,"readOnly":%t,"commit":%d,"storeCommit":%d,"commitsBehind":%d,"lagSeconds":%.3f}`+"\n",
				status, ready, st.QuadCount(), st.ReadOnly(), f.Commit, f.StoreCommit, f.Behind, f.Lag.Seconds())
			return
		}
		fmt.Fprintf(w, `{"status":"ready","ready":true,"quads":%d,"readOnly":%t}`+"\n", st.QuadCount(), st.ReadOnly())
	})
	mux.Handle("/", explorerHandler())
	return mux
}

// A replica (PostgreSQL store) is not ready while its read model has been behind the store for
// longer than replicaReadyLag, or when it could not read the store's state for replicaStoreSilent.
const (
	replicaReadyLag    = 2 * time.Second
	replicaStoreSilent = 5 * time.Second
)

// replicaReady says whether a replica of a shared store is ready: its read model is at the
// store's newest commit, or behind it for at most replicaReadyLag, and the store answers.
func replicaReady(f graph.FollowStatus) (status string, ready bool) {
	switch {
	case f.SincePoll > replicaStoreSilent:
		return "store unreachable", false
	case f.Behind > 0 && f.Lag > replicaReadyLag:
		return "catching up", false
	}
	return "ready", true
}

// securityHeaders sets the headers every response carries: a Content-Security-Policy that
// allows no inline script and no framing, nosniff, no referrer. Inline styles are allowed
// (style-src 'unsafe-inline'): GraphiQL and the explorer's graph view set style attributes
// from script; scripts, objects and frames are not.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
	"connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

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
