package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"kring/graph"
	"kring/ingest"
)

const loadSynopsis = "load [--data DIR | --url URL --token T] [--dry-run] [--json] [--skip-invalid] [--source-type CODE] [--source-type-for FILE:LINE=CODE]... [--status STATUS] [--description TEXT] [--by NAME] FILE..."

// cmdLoad loads batch files, literature exports, coding sheets and linked data (ingest.Load).
func cmdLoad(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", loadSynopsis, stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	var rm remote
	rm.register(fs, getenv, true)
	dry := fs.Bool("dry-run", false, "check and show what would change (new, updated, unchanged, duplicate, conflict per type); write nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	skip := fs.Bool("skip-invalid", false, "leave out literature records and coding-sheet rows that have a problem, list them, and load the rest")
	sourceType := fs.String("source-type", "", "SourceType of references that cannot be classified (books, chapters, reports): e.g. GREY_NL or GREY_BE")
	perRecord := recordTypes{}
	fs.Var(perRecord, "source-type-for", "FILE:LINE=CODE: SourceType of the record starting at that line of that file (repeatable; over --source-type); a dry run lists the records that need one")
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
	var files []ingest.File
	var unreadable []graph.Problem
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			unreadable = append(unreadable, graph.Problem{File: n, Message: fmt.Sprintf("cannot read: %v", errors.Unwrap(err))})
			continue
		}
		files = append(files, ingest.File{Name: n, Data: data})
	}
	if len(unreadable) > 0 {
		return reportLoadProblems(stderr, &ingest.Report{Problems: unreadable})
	}
	o := ingest.Options{
		DryRun: *dry, SkipInvalid: *skip, Description: *desc, LoadedBy: *by,
		SourceType: *sourceType, Status: *status,
	}
	if len(perRecord) > 0 {
		o.SourceTypes = perRecord
	}
	var rep *ingest.Report
	if rm.url != "" {
		// Through the API: the batch is loaded by the token's holder (LoadedBy is its name).
		if rep, err = rm.load(ctx, files, o, stderr); err != nil {
			return err
		}
	} else {
		st, err := sf.open(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		pp := newProgressPrinter(stderr)
		o.Progress = pp.update
		rep, err = ingest.Load(ctx, st, files, o)
		pp.done()
		var ve *graph.ValidationError
		if err != nil && !errors.As(err, &ve) {
			return err
		}
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
	if len(rep.NeedsSourceType) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("kring load: %d record(s) need a source type (listed above): give --source-type CODE or --source-type-for FILE:LINE=CODE", len(rep.NeedsSourceType))}
	}
	return nil
}

// recordTypes collects --source-type-for FILE:LINE=CODE.
type recordTypes map[string]string

func (r recordTypes) String() string { return "" }

func (r recordTypes) Set(v string) error {
	rec, code, ok := strings.Cut(v, "=")
	i := strings.LastIndexByte(rec, ':')
	if !ok || i <= 0 || strings.TrimLeft(rec[i+1:], "0123456789") != "" || i == len(rec)-1 {
		return fmt.Errorf("want FILE:LINE=CODE, got %q", v)
	}
	if !graph.ValidCode("SourceType", graph.NormalizeCode(code)) {
		return fmt.Errorf("%q: want one of %s", code, strings.Join(graph.Vocabularies["SourceType"], ", "))
	}
	r[rec] = graph.NormalizeCode(code)
	return nil
}

// reportLoadProblems prints why a load was rejected and says what was (not) written.
func reportLoadProblems(w io.Writer, rep *ingest.Report) error {
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

func (p *progressPrinter) update(pr ingest.Progress) {
	var what string
	switch pr.Phase {
	case ingest.PhaseRead:
		if pr.File == "" {
			return
		}
		what = fmt.Sprintf("reading %s (%d/%d)", pr.File, pr.Done+1, pr.Total)
	case ingest.PhaseCheck:
		what = "checking"
		if pr.Done > 0 {
			what = fmt.Sprintf("checking again without what was left out (round %d)", pr.Done+1)
		}
	case ingest.PhaseWrite:
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
	if pr.Phase == ingest.PhaseRead && pr.Total > 0 {
		done = width * (pr.Done + 1) / (pr.Total + 2)
	} else if pr.Phase == ingest.PhaseCheck {
		done = width * 3 / 4
	} else if pr.Phase == ingest.PhaseWrite {
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
