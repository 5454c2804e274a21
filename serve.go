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
	"time"

	"kring/graph"
	"kring/resolvers"
)

// explorerFS is the built web explorer (explorer/dist, made by `make explorer`).
//
//go:embed all:explorer/dist
var explorerFS embed.FS

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
