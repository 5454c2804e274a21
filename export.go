package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"kring/graph"
)

// cmdExport writes the store (or one batch) as linked data.
func cmdExport(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "export [--data DIR | --url URL] [--format nquads|jsonld] [--batch ID] [--release NAME] > FILE", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	var rm remote
	rm.register(fs, getenv, false)
	format := fs.String("format", graph.FormatNQuads, "nquads or jsonld")
	batch := fs.String("batch", "", "export only this batch")
	release := fs.String("release", "", "export the exact content of this release (kring release list)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring export: no arguments expected; the export goes to standard output"}
	}
	if rm.url == "" {
		st, url, err := openOrFind(ctx, "export", sf.open, stderr)
		if err != nil {
			return err
		}
		if st != nil {
			defer st.Close()
			if *release != "" {
				if ctx, err = st.PinRelease(ctx, *release); err != nil {
					return err
				}
			}
			return st.Export(ctx, stdout, *format, *batch)
		}
		rm.url = url
	}
	return rm.export(ctx, stdout, *format, *batch, *release)
}

// exportHandler serves GET /export?format=nquads|jsonld&batch=ID&release=NAME: what `kring
// export` writes (published content only, like the API's anonymous reads).
func exportHandler(st *graph.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		format := r.URL.Query().Get("format")
		if format == "" {
			format = graph.FormatNQuads
		}
		ct := "application/n-quads; charset=utf-8"
		if format == graph.FormatJSONLD {
			ct = "application/ld+json; charset=utf-8"
		}
		ew := &exportWriter{w: w, ct: ct}
		ctx, err := r.Context(), error(nil)
		if rel := r.URL.Query().Get("release"); rel != "" {
			ctx, err = st.PinRelease(ctx, rel)
		}
		if err == nil {
			err = st.Export(ctx, ew, format, r.URL.Query().Get("batch"))
		}
		if err == nil {
			return
		}
		if ew.started {
			log.Warn("export cut short", "err", err)
			return // the status is sent; the client sees a truncated body
		}
		status := http.StatusInternalServerError
		switch {
		case errors.Is(err, graph.ErrInvalid):
			status = http.StatusBadRequest
		case errors.Is(err, graph.ErrNotFound):
			status = http.StatusNotFound
		default:
			log.Error("export", "err", err)
			err = errors.New("internal error")
		}
		http.Error(w, strings.TrimPrefix(err.Error(), "graph: "), status)
	})
}

// exportWriter sets the content type on the first write, so that an error before any output
// can still be answered with an error status.
type exportWriter struct {
	w       http.ResponseWriter
	ct      string
	started bool
}

func (e *exportWriter) Write(p []byte) (int, error) {
	if !e.started {
		e.started = true
		e.w.Header().Set("Content-Type", e.ct)
	}
	return e.w.Write(p)
}
