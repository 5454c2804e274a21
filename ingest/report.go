package ingest

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"kring/graph"
)

// Report says what a load did (or, in a dry run, would do). The CLI prints it (as text or
// JSON) and the loadBatch mutation returns it.
type Report struct {
	DryRun bool `json:"dryRun"`
	// Batches are the batches written (or, in a dry run, checked), in order.
	Batches []*BatchReport `json:"batches"`
	// Skipped are the records and rows left out (with SkipInvalid), and why.
	Skipped []graph.Problem `json:"skipped"`
	// Problems are why the load was rejected; empty when it was not.
	Problems []graph.Problem `json:"problems"`
	// Merged are the literature records that are the same work as an earlier record of the load
	// or a stored source, and were merged into it.
	Merged []Merge `json:"merged"`
	// Notes are remarks that need no action (a renamed id, nothing left to load).
	Notes []graph.Problem `json:"notes"`
	// NeedsSourceType are, in a dry run, the literature records that need a SourceType the
	// files do not give (books, chapters, reports): the dry run gave them a provisional one, so
	// that the rest of the diff is computed; a load (not a dry run) without a type for each of
	// them is rejected (Options.SourceType, Options.SourceTypes).
	NeedsSourceType []RecordNeed `json:"needsSourceType"`
}

// RecordNeed is a literature record that needs a value its file lacks.
type RecordNeed struct {
	File  string `json:"file"`
	Line  int    `json:"line"`
	Title string `json:"title"`
	// EntryType is the record's kind as read (book, chapter, report, misc, ...).
	EntryType string `json:"entryType"`
	// Suggested is a SourceType code proposed for it (suggestSourceType), or "".
	Suggested string `json:"suggested"`
	// Source is the id the record's work gets.
	Source string `json:"source"`
}

// Item is a node a batch adds (not in the store before).
type Item struct {
	Type  graph.NodeType `json:"type"`
	ID    string         `json:"id"`
	Label string         `json:"label"` // title, label or claim text; "" when none
}

// MaxItems is how many added nodes per type a batch report lists (BatchReport.Items); the
// per-type counts (Types) are complete.
const MaxItems = 200

// BatchReport is what one batch of a load changed.
type BatchReport struct {
	Batch string `json:"batch"`
	// Kind is KindKB, KindLinkedData or KindLiterature.
	Kind  string            `json:"kind"`
	Files []graph.BatchFile `json:"files"`
	// Written is true when the batch was written (false in a dry run and when nothing changed).
	Written  bool `json:"written"`
	NoChange bool `json:"noChange"`
	// Quads added, removed, and stated but already stored.
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
	// Types is the diff per node type.
	Types []*TypeDiff `json:"types"`
	// Items are the nodes the batch adds, in batch order, at most MaxItems per type.
	Items []Item `json:"items"`
}

// TypeDiff counts, for one node type, the nodes a batch states that are new, that existed and
// change, that existed already as stated; the literature records merged into another
// (Duplicate); the records and rows rejected for contradicting stored facts (Conflict); and the
// nodes left out with SkipInvalid.
type TypeDiff struct {
	Type      graph.NodeType `json:"type"`
	New       int            `json:"new"`
	Updated   int            `json:"updated"`
	Unchanged int            `json:"unchanged"`
	Duplicate int            `json:"duplicate"`
	Conflict  int            `json:"conflict"`
	Skipped   int            `json:"skipped"`
}

// Merge is one literature record merged into a work.
type Merge struct {
	Source string `json:"source"` // the work's id
	Record string `json:"record"` // "file:line" of the merged record
	With   string `json:"with"`   // the record it merged with ("file:line"), or "stored, from <batches>"
	Rule   string `json:"rule"`   // the matching rule: RuleDOI or RuleTitleYearAuthor
}

func newReport(dry bool) *Report {
	return &Report{DryRun: dry, Batches: []*BatchReport{}, Skipped: []graph.Problem{}, Problems: []graph.Problem{}, Merged: []Merge{}, Notes: []graph.Problem{}, NeedsSourceType: []RecordNeed{}}
}

// normalize makes every list non-nil, so that JSON shows [] rather than null.
func (r *Report) normalize() *Report {
	for _, l := range []*[]graph.Problem{&r.Skipped, &r.Problems, &r.Notes} {
		if *l == nil {
			*l = []graph.Problem{}
		}
	}
	if r.Merged == nil {
		r.Merged = []Merge{}
	}
	if r.Batches == nil {
		r.Batches = []*BatchReport{}
	}
	if r.NeedsSourceType == nil {
		r.NeedsSourceType = []RecordNeed{}
	}
	for _, b := range r.Batches {
		if b.Items == nil {
			b.Items = []Item{}
		}
	}
	return r
}

// Rejected reports whether the load was rejected.
func (r *Report) Rejected() bool { return len(r.Problems) > 0 }

// reject records the problems of a store error and returns the error.
func (r *Report) reject(err error) error {
	var ve *graph.ValidationError
	if errors.As(err, &ve) {
		r.Problems = append(r.Problems, ve.Problems...)
	}
	return err
}

// batchReport turns a store report into a batch report.
func batchReport(gr *graph.Report, kind string, files []graph.BatchFile) *BatchReport {
	br := &BatchReport{Batch: graph.ShortID(gr.Batch), Kind: kind, Files: files, NoChange: gr.NoChange,
		Written: !gr.DryRun && !gr.NoChange, Added: gr.Added, Removed: gr.Removed, Unchanged: gr.Unchanged, Types: []*TypeDiff{}}
	if br.Files == nil {
		br.Files = []graph.BatchFile{}
	}
	byType := map[graph.NodeType]*TypeDiff{}
	get := func(t graph.NodeType) *TypeDiff {
		if byType[t] == nil {
			byType[t] = &TypeDiff{Type: t}
			br.Types = append(br.Types, byType[t])
		}
		return byType[t]
	}
	for _, tc := range gr.Total {
		get(tc.Type).Unchanged = tc.Count
	}
	for _, tc := range gr.New {
		d := get(tc.Type)
		d.New = tc.Count
		d.Unchanged -= tc.Count
	}
	for _, tc := range gr.Changed {
		d := get(tc.Type)
		d.Updated = tc.Count
		d.Unchanged -= tc.Count
	}
	sort.Slice(br.Types, func(i, j int) bool { return br.Types[i].Type < br.Types[j].Type })
	return br
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) {
	for _, b := range r.Batches {
		verb := "loaded"
		switch {
		case r.Rejected():
			verb = "checked (not written: the load was rejected)"
		case r.DryRun:
			verb = "dry run (nothing written)"
		case b.NoChange:
			verb = "unchanged (already loaded)"
		}
		fmt.Fprintf(w, "%s: %s\n", b.Batch, verb)
		for _, f := range b.Files {
			fmt.Fprintf(w, "  file %s (sha256 %s)\n", f.Name, f.SHA256)
		}
		fmt.Fprintf(w, "  quads: %d added, %d removed, %d unchanged\n", b.Added, b.Removed, b.Unchanged)
		if len(b.Types) > 0 {
			fmt.Fprintf(w, "  %-22s %6s %8s %10s %10s %9s %8s\n", "type", "new", "updated", "unchanged", "duplicate", "conflict", "skipped")
			for _, t := range b.Types {
				fmt.Fprintf(w, "  %-22s %6d %8d %10d %10d %9d %8d\n", t.Type, t.New, t.Updated, t.Unchanged, t.Duplicate, t.Conflict, t.Skipped)
			}
		}
	}
	if len(r.Merged) > 0 && len(r.Batches) > 0 {
		fmt.Fprintf(w, "merged (%d records are works already seen):\n", len(r.Merged))
		for _, m := range r.Merged {
			fmt.Fprintf(w, "  %s → %s (as %s, same %s)\n", m.Record, m.Source, m.With, ruleText[m.Rule])
		}
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "skipped (%d):\n", len(r.Skipped))
		for _, p := range r.Skipped {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	if len(r.NeedsSourceType) > 0 {
		fmt.Fprintf(w, "need a source type (%d; give --source-type CODE, or --source-type-for FILE:LINE=CODE per record):\n", len(r.NeedsSourceType))
		for _, n := range r.NeedsSourceType {
			s := ""
			if n.Suggested != "" {
				s = ", suggested " + n.Suggested
			}
			fmt.Fprintf(w, "  %s:%d: %s %q%s\n", n.File, n.Line, n.EntryType, n.Title, s)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

var ruleText = map[string]string{RuleDOI: "DOI", RuleTitleYearAuthor: "title, year and first author"}
