package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"

	"kring/graph"
)

// File is one input of a load: its name (as the user gave it; problems name it) and content.
type File struct {
	Name string
	Data []byte
}

// Options control a load.
type Options struct {
	// DryRun checks everything and reports what would change, writing nothing.
	DryRun bool
	// SkipInvalid leaves out literature records and coding-sheet rows that have a problem
	// (listed in Report.Skipped) and loads the rest. Batch files (YAML) and linked data are
	// always all-or-nothing.
	SkipInvalid bool
	// Description and LoadedBy describe the batch (a YAML batch keeps its own description
	// unless Description is set).
	Description string
	LoadedBy    string
	// SourceType is the SourceType code of references the importer cannot classify (books,
	// chapters, reports, ...); without it they are problems (in a dry run: listed in
	// Report.NeedsSourceType, see there).
	SourceType string
	// SourceTypes are SourceType codes of single literature records, by "file:line" (the file
	// name as given, the line the record starts on, as problems and Report.NeedsSourceType name
	// them); they take precedence over SourceType. A key that names no literature record is a
	// problem.
	SourceTypes map[string]string
	// Status is the status of imported references and coded rows (CANDIDATE when empty).
	Status string
	// Progress, when set, is told how the load advances.
	Progress func(Progress)
}

// Progress is one step of a load.
type Progress struct {
	Phase string // PhaseRead, PhaseCheck or PhaseWrite
	File  string // the file being read, in PhaseRead
	Done  int
	Total int
}

// Load phases.
const (
	PhaseRead  = "read"
	PhaseCheck = "check"
	PhaseWrite = "write"
)

// File kinds.
const (
	KindKB         = "kb"          // a Kring batch file (YAML): one batch per file
	KindLinkedData = "linked-data" // N-Quads or JSON-LD: the batches its graph names say
	KindLiterature = "literature"  // BibTeX, RIS, CSL-JSON and coding sheets: one batch together
)

// Load reads files and loads them into the store:
//
//   - every YAML batch file as its own batch, in the order given;
//   - N-Quads and JSON-LD files (an export) as the batches their graph names say;
//   - all literature files (BibTeX .bib, RIS .ris, CSL-JSON .json, coding sheets .csv/.tsv)
//     together as one batch, lit-<first 12 hex digits of the SHA-256 of their contents>, so that
//     loading the same files again changes nothing. References that are the same work (same
//     DOI, or same title, year and first author) are merged, within the load and with the
//     sources already stored, whose ids they then take; coding-sheet rows become claim-bearing
//     nodes citing them.
//
// Every file is read and checked before anything is written, and each batch is written in one
// transaction. When a batch is rejected, the batches before it stay written (the report says
// which). Problems name file, line and field (the column name, in coding sheets); with
// SkipInvalid the literature records and rows that have one are left out and listed, and the
// rest is loaded. Load returns the report together with a *graph.ValidationError when the load
// was rejected.
func Load(ctx context.Context, st *graph.Store, files []File, o Options) (*Report, error) {
	rep := newReport(o.DryRun)
	size := 0
	for _, f := range files {
		size += len(f.Data)
	}
	if size >= bigInput {
		defer tightGC()()
	}
	status := string(graph.Candidate)
	if o.Status != "" {
		status = graph.NormalizeCode(o.Status)
		if !graph.ValidCode("Status", status) {
			return rep, fmt.Errorf("ingest: status %q (want CONFIRMED, INFERRED or CANDIDATE): %w", o.Status, graph.ErrInvalid)
		}
	}
	if o.SourceType != "" {
		o.SourceType = graph.NormalizeCode(o.SourceType)
		if !graph.ValidCode("SourceType", o.SourceType) {
			return rep, fmt.Errorf("ingest: source type %q is not a SourceType code%s: %w", o.SourceType,
				didYouMean(o.SourceType, graph.Vocabularies["SourceType"]), graph.ErrInvalid)
		}
	}
	if len(o.SourceTypes) > 0 {
		types := make(map[string]string, len(o.SourceTypes))
		var bad graph.Problems
		for k, v := range o.SourceTypes {
			code := graph.NormalizeCode(v)
			if !graph.ValidCode("SourceType", code) {
				file, line := splitRecordKey(k)
				bad.Addf(file, line, 0, "sourceType", "%q is not a SourceType code%s", v, didYouMean(code, graph.Vocabularies["SourceType"]))
			}
			types[k] = code
		}
		if len(bad) > 0 {
			rep.Problems = bad.Sorted()
			return rep, graph.Problems(rep.Problems).Err()
		}
		o.SourceTypes = types
	}
	progress := func(p Progress) {
		if o.Progress != nil {
			o.Progress(p)
		}
	}

	// Read everything first: a malformed file rejects the load before the store is touched.
	var (
		kbs      []*graph.Changeset
		quadSets []*graph.QuadSet
		lit      []litInput
		fatal    graph.Problems // problems that reject the load whatever the options
		records  graph.Problems // problems with single records or rows
	)
	for i, f := range files {
		progress(Progress{Phase: PhaseRead, File: f.Name, Done: i, Total: len(files)})
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		format := DetectFormat(f.Name, f.Data)
		switch format {
		case FormatKB:
			cs, err := ReadKB(f.Name, bytes.NewReader(f.Data))
			if err != nil {
				if !addProblems(&fatal, err) {
					return rep, err
				}
				continue
			}
			kbs = append(kbs, cs)
		case graph.FormatNQuads, graph.FormatJSONLD:
			qs, err := graph.ReadQuads(f.Name, bytes.NewReader(f.Data), format)
			if err != nil {
				if !addProblems(&fatal, err) {
					return rep, err
				}
				continue
			}
			quadSets = append(quadSets, qs)
		case FormatBibTeX, FormatRIS, FormatCSLJSON:
			parse := map[string]func(string, *bytes.Reader) ([]Reference, error){
				FormatBibTeX:  func(n string, r *bytes.Reader) ([]Reference, error) { return ParseBibTeX(n, r) },
				FormatRIS:     func(n string, r *bytes.Reader) ([]Reference, error) { return ParseRIS(n, r) },
				FormatCSLJSON: func(n string, r *bytes.Reader) ([]Reference, error) { return ParseCSLJSON(n, r) },
			}[format]
			refs, err := parse(f.Name, bytes.NewReader(f.Data))
			if err != nil && !addProblems(&records, err) {
				return rep, err
			}
			lit = append(lit, litInput{file: f, refs: refs})
		case FormatSheet:
			rows, ps := readSheet(f.Name, f.Data)
			for _, p := range ps {
				if p.Line <= 1 { // the header: the sheet cannot be read at all
					fatal = append(fatal, p)
				} else {
					records = append(records, p)
				}
			}
			lit = append(lit, litInput{file: f, rows: rows})
		default:
			fatal.Addf(f.Name, 0, 0, "", "unsupported file type %q: give .yaml (Kring batch), .bib, .ris, .json (CSL-JSON), .csv or .tsv (coding sheet), .nq or .jsonld (linked data)", filepath.Ext(f.Name))
		}
	}
	progress(Progress{Phase: PhaseRead, Done: len(files), Total: len(files)})
	if len(fatal) > 0 || (len(records) > 0 && !o.SkipInvalid) {
		rep.Problems = graph.Problems(append(append(rep.Problems, fatal...), records...)).Sorted()
		return rep, graph.Problems(rep.Problems).Err()
	}
	rep.Skipped = append(rep.Skipped, records...)

	// Write, batch by batch.
	for _, cs := range kbs {
		if o.Description != "" {
			cs.Description = o.Description
		}
		if cs.LoadedBy == "" {
			cs.LoadedBy = o.LoadedBy
		}
		progress(Progress{Phase: PhaseWrite, File: cs.Pos.File})
		items, err := addedItems(ctx, st, cs.Nodes)
		if err != nil {
			return rep, err
		}
		gr, err := st.Apply(ctx, cs, o.DryRun)
		if err != nil {
			return rep, rep.reject(err)
		}
		br := batchReport(gr, KindKB, cs.Files)
		br.Items = items
		rep.Batches = append(rep.Batches, br)
	}
	for _, qs := range quadSets {
		progress(Progress{Phase: PhaseWrite, File: qs.File})
		grs, err := st.ApplyQuads(ctx, qs, o.DryRun)
		if err != nil {
			return rep, rep.reject(err)
		}
		for _, gr := range grs {
			rep.Batches = append(rep.Batches, batchReport(gr, KindLinkedData, nil))
		}
	}
	if len(lit) > 0 {
		if err := loadLiterature(ctx, st, lit, o, status, rep, progress); err != nil {
			return rep.normalize(), err
		}
	}
	return rep.normalize(), nil
}

// bigInput is the input size (bytes) from which a load runs with a tighter garbage collector.
const bigInput = 8 << 20

var gcMu struct {
	sync.Mutex
	n   int // big loads running
	old int // the GC percent before the first
}

// tightGC makes the garbage collector run when the heap has grown by half (GOGC=50) rather than
// doubled, until the returned func is called: a big batch is one transaction whose live data
// (read model, Cayley's and bbolt's transaction state) is most of the heap, and doubling it is
// what would otherwise set the peak. Measured with kring load of 100,000 BibTeX entries: peak
// RSS 1.99 GB in 85 s at GOGC=50, 1.66 GB in 110 s at 25 (load 1.9× a raw Cayley write of the
// same quads: too slow), 3.77 GB in 89 s before (GOGC=100, before the other savings).
func tightGC() func() {
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcMu.n == 0 {
		gcMu.old = debug.SetGCPercent(50)
		if gcMu.old >= 0 && gcMu.old < 50 {
			debug.SetGCPercent(gcMu.old) // already tighter (GOGC set lower, or off)
		}
	}
	gcMu.n++
	return func() {
		gcMu.Lock()
		defer gcMu.Unlock()
		if gcMu.n--; gcMu.n == 0 {
			debug.SetGCPercent(gcMu.old)
		}
	}
}

// Input formats, as DetectFormat names them.
const (
	FormatKB      = "kring-batch"
	FormatBibTeX  = "bibtex"
	FormatRIS     = "ris"
	FormatCSLJSON = "csl-json"
	FormatSheet   = "coding-sheet"
)

// DetectFormat names the format of a file from its extension (and, for .json, its content:
// CSL-JSON is an array, JSON-LD an object with @context, @graph or @id); "" when unsupported.
func DetectFormat(name string, data []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return FormatKB
	case ".bib", ".bibtex", ".biblatex":
		return FormatBibTeX
	case ".ris":
		return FormatRIS
	case ".csv", ".tsv", ".tab":
		return FormatSheet
	case ".nq", ".nquads":
		return graph.FormatNQuads
	case ".jsonld":
		return graph.FormatJSONLD
	case ".json":
		head := bytes.TrimSpace(bytes.TrimPrefix(data[:min(len(data), 4096)], []byte("\uFEFF")))
		if len(head) > 0 && head[0] == '{' && (bytes.Contains(head, []byte(`"@context"`)) || bytes.Contains(head, []byte(`"@graph"`)) || bytes.Contains(head, []byte(`"@id"`))) {
			return graph.FormatJSONLD
		}
		return FormatCSLJSON
	}
	return ""
}

// addProblems appends the problems of a *graph.ValidationError; false when err is another error.
func addProblems(ps *graph.Problems, err error) bool {
	var ve *graph.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	*ps = append(*ps, ve.Problems...)
	return true
}

// litInput is one literature file as read.
type litInput struct {
	file File
	refs []Reference
	rows []sheetRow
}

// unit is what is kept or left out together: one work (all the records merged into it) or one
// coding-sheet row.
type unit struct {
	entry   *srcEntry        // a work, or
	nodes   []graph.NodeSpec // a row's nodes
	row     graph.Pos        // the row
	dropped bool
}

func (u *unit) specs() []graph.NodeSpec {
	if u.entry != nil {
		return []graph.NodeSpec{u.entry.node()}
	}
	return u.nodes
}

// records names the records the unit stands for ("file:line").
func (u *unit) records() []graph.Pos {
	if u.entry != nil {
		var out []graph.Pos
		for _, r := range u.entry.records {
			out = append(out, graph.Pos{File: r.File, Line: r.Line})
		}
		return out
	}
	return []graph.Pos{u.row}
}

type recordKey struct {
	file string
	line int
}

// loadLiterature builds the literature batch, checks it (leaving out what has problems, with
// SkipInvalid) and writes it.
func loadLiterature(ctx context.Context, st *graph.Store, lit []litInput, o Options, status string, rep *Report, progress func(Progress)) error {
	var litFiles []graph.BatchFile
	var names []string
	sums := make([]string, 0, len(lit))
	for _, in := range lit {
		sum := sha256.Sum256(in.file.Data)
		litFiles = append(litFiles, graph.BatchFile{Name: CleanFileName(in.file.Name), SHA256: hex.EncodeToString(sum[:])})
		names = append(names, CleanFileName(in.file.Name))
		sums = append(sums, hex.EncodeToString(sum[:]))
	}
	// The batch id depends on the contents only (not on names or order): the same files make
	// the same batch.
	sort.Strings(sums)
	all := sha256.Sum256([]byte(strings.Join(sums, "\n")))
	batchID := "lit-" + hex.EncodeToString(all[:])[:12]
	desc := o.Description
	if desc == "" {
		desc = "Literature: " + strings.Join(names, ", ")
	}

	stored, err := st.SourceRecords(ctx)
	if err != nil {
		return err
	}
	si := newSourceIndex(stored, graph.BatchIRI(batchID))
	var (
		units    []*unit
		byRecord = map[recordKey]*unit{}
		problems graph.Problems // problems of records and rows left out
		counts   = map[graph.NodeType]*TypeDiff{}
	)
	count := func(t graph.NodeType) *TypeDiff {
		if counts[t] == nil {
			counts[t] = &TypeDiff{Type: t}
		}
		return counts[t]
	}
	conflicts := func(ps graph.Problems) {
		for _, p := range ps {
			var ce *graph.ConflictError
			if errors.As(p.Err, &ce) {
				count(ce.Type).Conflict++
			}
		}
	}
	// Works, in file order: the first record of a work decides its id.
	usedTypes := map[string]bool{}
	for _, in := range lit {
		for i := range in.refs {
			r := &in.refs[i]
			key := fmt.Sprintf("%s:%d", r.File, r.Line)
			fallback, provisional := o.SourceType, false
			if t, ok := o.SourceTypes[key]; ok {
				fallback = t
				usedTypes[key] = true
			}
			if fallback == "" && o.DryRun && needsSourceType(r) {
				// A dry run goes on with a provisional type (never written), so that the review
				// shows the rest of the diff; the record is listed as needing one.
				fallback, provisional = suggestSourceType(r), true
				if fallback == "" {
					fallback = "GREY_NL"
				}
			}
			res := si.add(r, fallback, status)
			if provisional && len(res.problems) == 0 && !res.merged && res.entry != nil && res.entry.stored == nil && res.entry.records[0] == r {
				rep.NeedsSourceType = append(rep.NeedsSourceType, RecordNeed{File: r.File, Line: r.Line, Title: r.Title,
					EntryType: r.Type, Suggested: suggestSourceType(r), Source: res.entry.id})
			}
			if len(res.problems) > 0 {
				problems = append(problems, res.problems...)
				conflicts(res.problems)
				continue
			}
			if res.note != "" {
				rep.Notes = append(rep.Notes, graph.Problem{File: r.File, Line: r.Line, Field: "id", Message: res.note})
			}
			e := res.entry
			if res.merged {
				count(graph.TypeSource).Duplicate++
				rep.Merged = append(rep.Merged, Merge{Source: e.id, Record: key, With: res.with, Rule: res.rule})
			}
			if e.unit == nil {
				e.unit = &unit{entry: e}
				units = append(units, e.unit)
			}
			byRecord[recordKey{r.File, r.Line}] = e.unit
		}
	}
	var unknown graph.Problems
	for k := range o.SourceTypes {
		if !usedTypes[k] {
			file, line := splitRecordKey(k)
			unknown.Addf(file, line, 0, "sourceType", "no literature record starts at %s", k)
		}
	}
	if len(unknown) > 0 {
		rep.Problems = graph.Problems(append(rep.Problems, unknown...)).Sorted()
		return graph.Problems(rep.Problems).Err()
	}
	// Coding-sheet rows.
	outcomes, err := st.Outcomes(ctx, nil)
	if err != nil {
		return err
	}
	rc := &rowContext{sources: si, outcomes: map[string]string{}, status: status, claimIDs: map[string]bool{}, created: map[string]string{},
		stored: func(id string) (graph.NodeType, map[string]any, error) { return st.StoredFields(ctx, id) }}
	for _, oc := range outcomes {
		// An outcome this batch created before is created again (restated), so that loading
		// the same sheet again changes nothing.
		if !containsStr(oc.BatchIDs, graph.BatchIRI(batchID)) {
			rc.outcomes[graph.ShortID(oc.ID)] = string(oc.Domain)
		}
	}
	for _, in := range lit {
		for i := range in.rows {
			row := &in.rows[i]
			nodes, ps := rc.rowNodes(row)
			if len(ps) > 0 {
				problems = append(problems, ps...)
				conflicts(ps)
				continue
			}
			u := &unit{nodes: nodes, row: graph.Pos{File: row.file, Line: row.line}}
			units = append(units, u)
			byRecord[recordKey{row.file, row.line}] = u
		}
	}

	// Check, leaving out what has problems, until the rest is clean; then write.
	var gr *graph.Report
	var items []Item
	for iter := 0; ; iter++ {
		progress(Progress{Phase: PhaseCheck, Done: iter})
		if err := ctx.Err(); err != nil {
			return err
		}
		var live []*unit
		for _, u := range units {
			if !u.dropped {
				live = append(live, u)
			}
		}
		nodes, mps := assemble(live)
		if len(mps) > 0 {
			for _, mp := range mps {
				mp.unit.dropped = true
				problems = append(problems, mp.problem)
				conflicts(graph.Problems{mp.problem})
			}
			continue
		}
		if len(nodes) == 0 {
			break
		}
		cs := &graph.Changeset{BatchID: batchID, Description: desc, LoadedBy: o.LoadedBy, Files: litFiles, Nodes: nodes,
			Pos: graph.Pos{File: lit[0].file.Name, Line: 1}}
		failing := len(problems) > 0 && !o.SkipInvalid
		// What the batch adds, asked before it is written.
		if items, err = addedItems(ctx, st, nodes); err != nil {
			return err
		}
		if !o.DryRun && !failing {
			progress(Progress{Phase: PhaseWrite, Done: 0, Total: 1})
		}
		gr, err = st.Apply(ctx, cs, o.DryRun || failing)
		if err == nil {
			break
		}
		var ve *graph.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		gr = nil
		var unplaced graph.Problems
		for _, p := range ve.Problems {
			u := byRecord[recordKey{p.File, p.Line}]
			if u == nil {
				unplaced = append(unplaced, p)
				continue
			}
			u.dropped = true
			problems = append(problems, p)
			conflicts(graph.Problems{p})
		}
		if len(unplaced) > 0 || iter >= 25 {
			rep.Problems = graph.Problems(append(append(rep.Problems, columnNames(problems, lit)...), unplaced...)).Sorted()
			return graph.Problems(rep.Problems).Err()
		}
		if failing {
			break
		}
	}
	problems = columnNames(problems, lit)
	rejected := len(problems) > 0 && !o.SkipInvalid
	if !rejected {
		rep.Skipped = graph.Problems(append(rep.Skipped, problems...)).Sorted()
	}
	for _, u := range units {
		if u.dropped && !rejected {
			for _, n := range u.specs() {
				count(n.Type).Skipped++
			}
		}
	}
	if gr != nil {
		// The diff per type; for a rejected load, of what would load without the problems.
		br := batchReport(gr, KindLiterature, litFiles)
		br.Items = items
		for _, td := range br.Types {
			if c := counts[td.Type]; c != nil {
				td.Duplicate, td.Conflict, td.Skipped = c.Duplicate, c.Conflict, c.Skipped
				delete(counts, td.Type)
			}
		}
		for _, c := range counts {
			br.Types = append(br.Types, c)
		}
		sort.Slice(br.Types, func(i, j int) bool { return br.Types[i].Type < br.Types[j].Type })
		if rejected {
			br.Written, br.NoChange = false, false
		}
		rep.Batches = append(rep.Batches, br)
	}
	if rejected {
		rep.Problems = graph.Problems(append(rep.Problems, problems...)).Sorted()
		return graph.Problems(rep.Problems).Err()
	}
	if gr == nil {
		rep.Notes = append(rep.Notes, graph.Problem{File: lit[0].file.Name, Message: "nothing to load: every record and row was left out"})
		return nil
	}
	progress(Progress{Phase: PhaseWrite, Done: 1, Total: 1})
	return nil
}

// splitRecordKey splits "file:line" (the file may contain colons); line 0 when there is none.
func splitRecordKey(k string) (string, int) {
	i := strings.LastIndexByte(k, ':')
	if i < 0 {
		return k, 0
	}
	n, err := strconv.Atoi(k[i+1:])
	if err != nil || n < 1 {
		return k, 0
	}
	return k[:i], n
}

// addedItems lists the nodes of a batch that are not in the store, at most MaxItems per type,
// in batch order.
func addedItems(ctx context.Context, st *graph.Store, nodes []graph.NodeSpec) ([]Item, error) {
	out := []Item{}
	per := map[graph.NodeType]int{}
	seen := map[string]bool{}
	for i := range nodes {
		n := &nodes[i]
		if per[n.Type] >= MaxItems {
			continue
		}
		id, err := graph.NodeID(n)
		if err != nil || seen[id] {
			continue // the store reports a bad node
		}
		seen[id] = true
		if _, _, err := st.StoredFields(ctx, id); err == nil {
			continue
		} else if !errors.Is(err, graph.ErrNotFound) {
			return nil, err
		}
		per[n.Type]++
		out = append(out, Item{Type: n.Type, ID: graph.ShortID(id), Label: itemLabel(n)})
	}
	return out, nil
}

// itemLabel is what a node is called in a list: its title, label, claim or text (Dutch first).
func itemLabel(n *graph.NodeSpec) string {
	for _, name := range []string{"title", "label", "claim", "text"} {
		f, ok := n.Field(name)
		if !ok {
			continue
		}
		switch v := f.Value.(type) {
		case string:
			return v
		case map[string]any:
			for _, lang := range []string{"nl", "en"} {
				if s, ok := v[lang].(string); ok && s != "" {
					return s
				}
			}
		case map[string]string:
			for _, lang := range []string{"nl", "en"} {
				if v[lang] != "" {
					return v[lang]
				}
			}
		}
	}
	return ""
}

// columnNames renames the fields of problems about coding-sheet cells to their column names
// (the store names schema fields: "type" for an actorTypes cell).
func columnNames(ps graph.Problems, lit []litInput) graph.Problems {
	cols := map[graph.Pos]string{}
	rows := map[recordKey]bool{}
	for _, in := range lit {
		for _, r := range in.rows {
			rows[recordKey{r.file, r.line}] = true
			for name, c := range r.cells {
				cols[c.pos] = name
			}
		}
	}
	for i, p := range ps {
		if name, ok := cols[graph.Pos{File: p.File, Line: p.Line, Column: p.Column}]; ok {
			ps[i].Field = name
		} else if rows[recordKey{p.File, p.Line}] && p.Field == "type" {
			ps[i].Field = "actorTypes"
		}
	}
	return ps
}

// mergeProblem is a problem of a unit found while merging node specs.
type mergeProblem struct {
	unit    *unit
	problem graph.Problem
}

// assemble collects the node specs of the units, merging specs the store would see as one node
// (two rows coding the same work-model assignment, actor involvement or new outcome): their
// sources are joined, notes joined, and any other field must agree.
func assemble(units []*unit) ([]graph.NodeSpec, []mergeProblem) {
	var out []graph.NodeSpec
	at := map[string]int{}
	from := map[string]*unit{}
	var mps []mergeProblem
	for _, u := range units {
		specs := u.specs()
		// Check every spec of the unit first: a unit is merged whole or not at all.
		var bad []graph.Problem
		for _, n := range specs {
			id, err := graph.NodeID(&n)
			if err != nil {
				continue
			}
			i, ok := at[id]
			if !ok {
				continue
			}
			have := out[i]
			for _, f := range n.Fields {
				if f.Name == "sources" || f.Name == "note" {
					continue
				}
				hf, ok := have.Field(f.Name)
				if ok && !reflect.DeepEqual(hf.Value, f.Value) {
					bad = append(bad, graph.Problem{File: f.Pos.File, Line: u.records()[0].Line, Column: f.Pos.Column, Field: f.Name,
						Message: fmt.Sprintf("conflict: %s %s differs: %s (%s:%d) vs %s (this row)", graph.ShortID(id), f.Name,
							formatValue(hf.Value), hf.Pos.File, from[id].records()[0].Line, formatValue(f.Value)),
						Err: &graph.ConflictError{Type: n.Type, ID: graph.ShortID(id), Field: f.Name}})
				}
			}
		}
		if len(bad) > 0 {
			for _, p := range bad {
				mps = append(mps, mergeProblem{unit: u, problem: p})
			}
			continue
		}
		for _, n := range specs {
			id, err := graph.NodeID(&n)
			if err != nil {
				out = append(out, n) // the store reports it
				continue
			}
			i, ok := at[id]
			if !ok {
				at[id] = len(out)
				from[id] = u
				n.Fields = append([]graph.FieldValue(nil), n.Fields...)
				out = append(out, n)
				continue
			}
			out[i] = mergeSpec(out[i], n)
		}
	}
	return out, mps
}

// mergeSpec adds b's sources, note and missing fields to a.
func mergeSpec(a, b graph.NodeSpec) graph.NodeSpec {
	fields := append([]graph.FieldValue(nil), a.Fields...)
	index := map[string]int{}
	for i, f := range fields {
		index[f.Name] = i
	}
	for _, f := range b.Fields {
		i, ok := index[f.Name]
		if !ok {
			index[f.Name] = len(fields)
			fields = append(fields, f)
			continue
		}
		switch f.Name {
		case "sources":
			list, _ := fields[i].Value.([]any)
			merged := append([]any(nil), list...)
			more, _ := f.Value.([]any)
			for _, s := range more {
				if str, ok := s.(string); ok {
					merged = appendUnique(merged, str)
				}
			}
			fields[i].Value = merged
		case "note":
			if have, _ := fields[i].Value.(string); have != f.Value {
				fields[i].Value = have + " / " + fmt.Sprint(f.Value)
			}
		}
	}
	a.Fields = fields
	return a
}
