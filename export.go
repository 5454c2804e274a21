package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"kring/graph"
	"kring/ingest"
	"kring/resolvers"
)

// exportFormat is one format of `kring export` and GET /export.
type exportFormat struct {
	name, contentType, file string
	// batch: the format can be limited to one batch (the linked-data formats).
	batch bool
}

// exportFormats are the formats, in the order the usage lists them.
var exportFormats = []exportFormat{
	{graph.FormatNQuads, "application/n-quads; charset=utf-8", "kring.nq", true},
	{graph.FormatJSONLD, "application/ld+json; charset=utf-8", "kring.jsonld", true},
	{graph.FormatGraphML, "application/graphml+xml; charset=utf-8", "kring.graphml", false},
	{ingest.FormatBibTeX, "application/x-bibtex; charset=utf-8", "kring.bib", false},
	{ingest.FormatRIS, "application/x-research-info-systems; charset=utf-8", "kring.ris", false},
	{"csljson", "application/vnd.citationstyles.csl+json; charset=utf-8", "kring-csl.json", false},
	{"matrix-csv", "text/csv; charset=utf-8", "kring-matrix.csv", false},
	{"catalogue-csv", "text/csv; charset=utf-8", "kring-catalogus.csv", false},
}

// exportFormatNames lists the format names for usage and errors.
func exportFormatNames() string {
	var names []string
	for _, f := range exportFormats {
		names = append(names, f.name)
	}
	return strings.Join(names, "|")
}

// findExportFormat returns the format called name ("" is N-Quads; "csl-json" is csljson).
func findExportFormat(name string) (exportFormat, error) {
	switch name {
	case "":
		name = graph.FormatNQuads
	case ingest.FormatCSLJSON:
		name = "csljson"
	}
	for _, f := range exportFormats {
		if f.name == name {
			return f, nil
		}
	}
	return exportFormat{}, fmt.Errorf("graph: export: format %q (want %s): %w", name, exportFormatNames(), graph.ErrInvalid)
}

// exportParams are the choices of an export besides its format.
type exportParams struct {
	batch         string // nquads, jsonld: only this batch
	rows, columns string // matrix-csv: the axes (WORK_MODEL × OUTCOME_DOMAIN when empty)
	lang          string // matrix-csv, catalogue-csv: NL (default) or EN
}

// values returns the parameters as the query of GET /export.
func (p exportParams) values(format string) url.Values {
	v := url.Values{"format": {format}}
	for k, x := range map[string]string{"batch": p.batch, "rows": p.rows, "columns": p.columns, "lang": p.lang} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// writeExport writes the store in format f: what `kring export` and GET /export give.
func writeExport(ctx context.Context, st *graph.Store, w io.Writer, f exportFormat, p exportParams) error {
	if p.batch != "" && !f.batch {
		return fmt.Errorf("graph: export: a batch goes with %s and %s only: %w", graph.FormatNQuads, graph.FormatJSONLD, graph.ErrInvalid)
	}
	lang := graph.NL
	switch strings.ToUpper(p.lang) {
	case "", "NL":
	case "EN":
		lang = graph.EN
	default:
		return fmt.Errorf("graph: export: lang %q (want NL or EN): %w", p.lang, graph.ErrInvalid)
	}
	switch f.name {
	case graph.FormatNQuads, graph.FormatJSONLD:
		return st.Export(ctx, w, f.name, p.batch)
	case graph.FormatGraphML:
		return st.ExportGraphML(ctx, w)
	case ingest.FormatBibTeX, ingest.FormatRIS, "csljson":
		srcs, err := st.SourceRecords(ctx)
		if err != nil {
			return err
		}
		return ingest.WriteBibliography(w, f.name, srcs)
	case "matrix-csv", "catalogue-csv":
		var table string
		var err error
		if f.name == "matrix-csv" {
			rows, cols := graph.Axis(strings.ToUpper(p.rows)), graph.Axis(strings.ToUpper(p.columns))
			if rows == "" {
				rows = graph.AxisWorkModel
			}
			if cols == "" {
				cols = graph.AxisOutcomeDomain
			}
			table, err = resolvers.MatrixCSV(ctx, st, rows, cols, lang)
		} else {
			table, err = resolvers.CatalogueCSV(ctx, st, lang)
		}
		if err != nil {
			return err
		}
		// A byte-order mark, so that spreadsheets read the accents right (as /compare.csv).
		_, err = io.WriteString(w, "\ufeff"+table)
		return err
	}
	return fmt.Errorf("graph: export: format %q: %w", f.name, graph.ErrInvalid)
}

// cmdExport writes the store (or one batch) as linked data, the graph as GraphML, the
// bibliography as BibTeX, RIS or CSL-JSON, or the matrix or catalogue as CSV.
func cmdExport(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "export [--data DIR | --url URL] [--format "+exportFormatNames()+"] [--batch ID] [--rows AXIS --columns AXIS] [--lang NL|EN] > FILE", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	var rm remote
	rm.register(fs, getenv, false)
	format := fs.String("format", graph.FormatNQuads, exportFormatNames())
	var p exportParams
	fs.StringVar(&p.batch, "batch", "", "export only this batch (nquads, jsonld)")
	fs.StringVar(&p.rows, "rows", "", "matrix-csv: the rows' axis (default WORK_MODEL)")
	fs.StringVar(&p.columns, "columns", "", "matrix-csv: the columns' axis (default OUTCOME_DOMAIN)")
	fs.StringVar(&p.lang, "lang", "", "matrix-csv, catalogue-csv: NL (default) or EN")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring export: no arguments expected; the export goes to standard output"}
	}
	f, err := findExportFormat(*format)
	if err != nil {
		return &exitError{code: 2, msg: "kring export: " + strings.TrimPrefix(err.Error(), "graph: export: ")}
	}
	if rm.url == "" {
		st, url, err := openOrFind(ctx, "export", sf.open, stderr)
		if err != nil {
			return err
		}
		if st != nil {
			defer st.Close()
			return writeExport(ctx, st, stdout, f, p)
		}
		rm.url = url
	}
	return rm.export(ctx, stdout, p.values(f.name))
}

// exportHandler serves GET /export?format=...: what `kring export` writes, with batch, rows,
// columns and lang as its flags (published content only, like the API's anonymous reads). The
// answer is a download (Content-Disposition: attachment) named after the format.
func exportHandler(st *graph.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f, err := findExportFormat(q.Get("format"))
		if err == nil {
			ew := &exportWriter{w: w, ct: f.contentType, file: f.file}
			err = writeExport(r.Context(), st, ew, f, exportParams{batch: q.Get("batch"), rows: q.Get("rows"), columns: q.Get("columns"), lang: q.Get("lang")})
			if err == nil {
				return
			}
			if ew.started {
				log.Warn("export cut short", "err", err)
				return // the status is sent; the client sees a truncated body
			}
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
	file    string
	started bool
}

func (e *exportWriter) Write(p []byte) (int, error) {
	if !e.started {
		e.started = true
		e.w.Header().Set("Content-Type", e.ct)
		e.w.Header().Set("Content-Disposition", `attachment; filename="`+e.file+`"`)
	}
	return e.w.Write(p)
}
