package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"kring/graph"
)

// A coding sheet is a CSV or TSV file (UTF-8, a byte-order mark is tolerated) with a header row;
// the delimiter (tab, semicolon or comma) is taken from the header. One row is one coded finding
// of one source about one method or initiative; README.md ("Coding sheets") documents the
// columns.

// sheetColumns are the columns a coding sheet may have, in documentation order.
var sheetColumns = []string{
	"source", "subject", "status", "note", "lang",
	"workModel", "basis",
	"actorTypes",
	"outcome", "outcomeDomain", "outcomeLabel", "claim", "direction", "design", "n", "effectSize", "effectMetric", "timeframe", "population", "text", "locator",
	"preconditions",
	"strengths", "weaknesses", "stakeholderGroup",
	"criterion", "value",
}

// claimColumns are the columns that describe an outcome claim.
var claimColumns = []string{"claim", "direction", "design", "n", "effectSize", "effectMetric", "timeframe", "population", "text", "locator", "outcomeDomain", "outcomeLabel"}

// sheetCell is one non-empty cell.
type sheetCell struct {
	value string
	pos   graph.Pos
}

// sheetRow is one data row: its line and its non-empty cells by column name.
type sheetRow struct {
	file  string
	line  int
	cells map[string]sheetCell
	bad   bool // a cell holds a control character
}

func (r *sheetRow) get(col string) (string, graph.Pos, bool) {
	c, ok := r.cells[col]
	return c.value, c.pos, ok
}

// normColumn folds a header cell for matching: case, spaces, '_' and '-' do not matter.
func normColumn(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.TrimSpace(s)))
}

// sniffDelimiter picks the delimiter of a header line: tab, semicolon or comma, whichever occurs
// most (tab wins ties, then semicolon).
func sniffDelimiter(header []byte) rune {
	best, bestN := ',', 0
	for _, d := range []rune{'\t', ';', ','} {
		if n := bytes.Count(header, []byte(string(d))); n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// readSheet reads a coding sheet into rows. Problems (bad CSV, unknown or repeated columns, a
// missing source or subject column) are returned with file, line and column name.
func readSheet(file string, data []byte) ([]sheetRow, graph.Problems) {
	var ps graph.Problems
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		ps.Addf(file, line, 0, "", "not UTF-8: save the sheet as UTF-8 (CSV UTF-8 in Excel, or TSV)")
		return nil, ps
	}
	header := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		header = data[:i]
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(header)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err == io.EOF {
		ps.Addf(file, 1, 0, "", "empty sheet: the first row names the columns (%s, ...)", strings.Join(sheetColumns[:4], ", "))
		return nil, ps
	}
	if err != nil {
		ps.Addf(file, 1, 0, "", "%s", csvError(err))
		return nil, ps
	}
	known := map[string]string{}
	for _, c := range sheetColumns {
		known[normColumn(c)] = c
	}
	cols := make([]string, len(head))
	seen := map[string]bool{}
	for i, h := range head {
		line, col := cr.FieldPos(i)
		name, ok := known[normColumn(h)]
		if j, r := badRune(h); j >= 0 {
			l, c := advance(line, col, h[:j])
			ps.Addf(file, l, c, "", "column name: %s", controlMessage(r))
			continue
		}
		switch {
		case strings.TrimSpace(h) == "":
			continue
		case !ok:
			ps.Addf(file, line, col, h, "unknown column%s (columns: %s)", didYouMean(h, sheetColumns), strings.Join(sheetColumns, ", "))
			continue
		case seen[name]:
			ps.Addf(file, line, col, name, "column given twice")
			continue
		}
		seen[name] = true
		cols[i] = name
	}
	for _, req := range []string{"source", "subject"} {
		if !seen[req] {
			ps.Addf(file, 1, 0, req, "missing column: every row names its %s", req)
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	var rows []sheetRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				ps.Addf(file, pe.StartLine, 0, "", "%s", csvError(err))
				if len(ps) >= 100 {
					break
				}
				continue
			}
			ps.Addf(file, 0, 0, "", "%s", csvError(err))
			break
		}
		line, _ := cr.FieldPos(0)
		row := sheetRow{file: file, line: line, cells: map[string]sheetCell{}}
		for i, v := range rec {
			if j, r := badRune(v); j >= 0 {
				fl, fc := cr.FieldPos(i)
				l, c := advance(fl, fc, v[:j])
				name := ""
				if i < len(cols) {
					name = cols[i]
				}
				ps.Addf(file, l, c, name, "%s", controlMessage(r))
				row.bad = true
				continue
			}
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if i >= len(cols) {
				_, col := cr.FieldPos(i)
				ps.Addf(file, line, col, "", "more cells than columns (%d): %q", len(cols), v)
				continue
			}
			if cols[i] == "" {
				continue
			}
			_, col := cr.FieldPos(i)
			row.cells[cols[i]] = sheetCell{value: v, pos: graph.Pos{File: file, Line: line, Column: col}}
		}
		if len(row.cells) == 0 || row.bad {
			continue // an empty row, or one with a control character (a problem)
		}
		rows = append(rows, row)
	}
	return rows, ps
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func csvError(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "not valid CSV: " + pe.Err.Error()
	}
	return "not valid CSV: " + err.Error()
}

// splitList splits a ';'-separated cell.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// rowContext is what turning rows into nodes needs to know.
type rowContext struct {
	sources  *sourceIndex
	outcomes map[string]string // stored outcome ids (short) → domain code
	status   string            // default status
	claimIDs map[string]bool   // claim ids given out in this load
	created  map[string]string // outcomes rows of this load create → domain
	// stored returns a stored node's type and fields (graph.Store.StoredFields).
	stored func(id string) (graph.NodeType, map[string]any, error)
}

// keepStored makes a row that restates a stored node (another source for an existing
// work-model assignment, say) keep the node's status and basis where the row only gives the
// defaults: the row adds its source, and contradicts the stored node only where it says so.
func (rc *rowContext) keepStored(ns *graph.NodeSpec, status, basis bool) {
	if rc.stored == nil || (!status && !basis) {
		return
	}
	id, err := graph.NodeID(ns)
	if err != nil {
		return
	}
	t, fields, err := rc.stored(id)
	if err != nil || t != ns.Type {
		return
	}
	for i, f := range ns.Fields {
		if (f.Name == "status" && status) || (f.Name == "basis" && basis) {
			if v, ok := fields[f.Name]; ok {
				ns.Fields[i].Value = v
			}
		}
	}
}

// rowNodes turns one coding-sheet row into its nodes. Problems name the row's file, line and
// column; a row with a problem has no nodes.
func (rc *rowContext) rowNodes(r *sheetRow) ([]graph.NodeSpec, graph.Problems) {
	var ps graph.Problems
	rowPos := graph.Pos{File: r.file, Line: r.line}
	problem := func(col string, format string, args ...any) {
		_, pos, ok := r.get(col)
		if !ok {
			pos = rowPos
		}
		ps.Addf(r.file, r.line, pos.Column, col, format, args...)
	}
	// Where every cell stood: the problems of the store then name the column.
	cell := func(col string) (string, graph.Pos) {
		v, pos, _ := r.get(col)
		return v, pos
	}

	// Sources.
	srcCell, srcPos := cell("source")
	var sources []any
	var firstSource string
	if srcCell == "" {
		problem("source", "missing: every row names its source (citation key, DOI or source id)")
	}
	for _, ref := range splitList(srcCell) {
		e, msg := rc.sources.resolve(ref)
		if msg != "" {
			problem("source", "%s", msg)
			continue
		}
		sources = appendUnique(sources, e.id)
		if firstSource == "" {
			firstSource = e.id
		}
	}
	// Subject.
	subj, subjPos := cell("subject")
	switch {
	case subj == "":
		problem("subject", "missing: every row names the method or initiative it codes (method/... or initiative/...)")
	default:
		short := graph.ShortID(subj)
		if !strings.HasPrefix(short, "method/") && !strings.HasPrefix(short, "initiative/") {
			problem("subject", "%q is not a method or initiative id (method/<slug> or initiative/<slug>)", subj)
		}
		subj = short
	}
	status, statusPos := cell("status")
	defaultStatus := status == ""
	if defaultStatus {
		status, statusPos = rc.status, rowPos
	}
	note, notePos := cell("note")
	lang, _ := cell("lang")
	lang = strings.ToLower(lang)
	switch lang {
	case "", "nl", "en":
	default:
		problem("lang", "%q: text is nl or en", lang)
	}
	text := func(s string) any {
		if lang == "en" {
			return map[string]any{"en": s}
		}
		return s
	}
	if len(ps) > 0 {
		return nil, ps
	}

	var nodes []graph.NodeSpec
	defaultBasis := false
	node := func(t graph.NodeType, id string, kv ...any) {
		ns := graph.NodeSpec{Type: t, ID: id, Pos: rowPos}
		if id == "" || t == graph.TypeOutcomeClaim {
			ns.Fields = append(ns.Fields, graph.FieldValue{Name: "subject", Value: subj, Pos: subjPos})
		}
		for i := 0; i+2 < len(kv); i += 3 {
			ns.Fields = append(ns.Fields, graph.FieldValue{Name: kv[i].(string), Value: kv[i+1], Pos: kv[i+2].(graph.Pos)})
		}
		ns.Fields = append(ns.Fields,
			graph.FieldValue{Name: "status", Value: status, Pos: statusPos},
			graph.FieldValue{Name: "sources", Value: sources, Pos: srcPos})
		if note != "" {
			ns.Fields = append(ns.Fields, graph.FieldValue{Name: "note", Value: note, Pos: notePos})
		}
		rc.keepStored(&ns, defaultStatus, defaultBasis)
		nodes = append(nodes, ns)
	}
	stakeholder, stakeholderPos := cell("stakeholderGroup")
	statedBy := func() []any {
		if stakeholder == "" {
			return nil
		}
		return []any{"statedBy", stakeholder, stakeholderPos}
	}

	if wm, pos := cell("workModel"); wm != "" {
		basis, basisPos := cell("basis")
		if basis == "" {
			basis, basisPos, defaultBasis = "CURATOR", rowPos, true
		}
		node(graph.TypeAssignment, "", "workModel", graph.ShortID(wm), pos, "basis", basis, basisPos)
	} else if _, _, ok := r.get("basis"); ok {
		problem("basis", "a basis needs a workModel")
	}
	if at, pos := cell("actorTypes"); at != "" {
		for _, code := range splitList(at) {
			node(graph.TypeInvolvement, "", "type", code, pos)
		}
	}
	if oc, ocPos := cell("outcome"); oc != "" {
		oid := graph.ShortID(oc)
		if !strings.HasPrefix(oid, "outcome/") {
			problem("outcome", "%q is not an outcome id (outcome/<slug>)", oc)
		}
		domain, domainPos := cell("outcomeDomain")
		if stored, ok := rc.outcomes[oid]; ok {
			if domain != "" && graph.NormalizeCode(domain) != stored {
				problem("outcomeDomain", "conflict: %s domain differs: %s (stored) vs %s (this row)", oid, stored, graph.NormalizeCode(domain))
				ps[len(ps)-1].Err = &graph.ConflictError{Type: graph.TypeOutcome, ID: oid, Field: "domain"}
			}
		} else if _, ok := rc.created[oid]; ok && domain == "" {
			// created by an earlier row of this load
		} else if domain == "" {
			var ids []string
			for id := range rc.outcomes {
				ids = append(ids, id)
			}
			problem("outcome", "%s does not exist%s: give outcomeDomain (and outcomeLabel) to create it", oid, didYouMean(oid, sortedStrings(ids)))
		} else {
			label, labelPos := cell("outcomeLabel")
			if label == "" {
				label, labelPos = strings.ReplaceAll(strings.TrimPrefix(oid, "outcome/"), "-", " "), rowPos
			}
			// Created by the row; a curator reviews the label (hence the row's status). Every
			// row that gives the domain states the outcome, so that it stays when one row is
			// left out; the specs are merged.
			if _, ok := rc.created[oid]; !ok {
				rc.created[oid] = graph.NormalizeCode(domain)
			}
			nodes = append(nodes, graph.NodeSpec{Type: graph.TypeOutcome, ID: oid, Pos: rowPos, Fields: []graph.FieldValue{
				{Name: "label", Value: text(label), Pos: labelPos},
				{Name: "domain", Value: domain, Pos: domainPos},
				{Name: "status", Value: status, Pos: statusPos},
				{Name: "sources", Value: sources, Pos: srcPos},
			}})
		}
		id, _ := cell("claim")
		if id == "" {
			slug := graph.Slugify(strings.TrimPrefix(firstSource, "source/") + "-" + subj[strings.IndexByte(subj, '/')+1:] + "-" + strings.TrimPrefix(oid, "outcome/"))
			id = "claim/" + slug
			for i := 2; rc.claimIDs[id]; i++ {
				id = fmt.Sprintf("claim/%s-%d", slug, i)
			}
		} else if id = graph.ShortID(id); rc.claimIDs[id] {
			problem("claim", "%s is given to another row", id)
		}
		rc.claimIDs[id] = true
		var kv []any
		kv = append(kv, "outcome", oid, ocPos)
		for _, c := range []struct{ col, field string }{
			{"direction", "direction"}, {"design", "design"}, {"n", "n"}, {"effectSize", "effectSize"},
			{"effectMetric", "effectMetric"}, {"timeframe", "timeframe"}, {"population", "population"}, {"text", "text"}, {"locator", "locator"},
		} {
			v, pos := cell(c.col)
			if v == "" {
				continue
			}
			var val any = v
			switch c.col {
			case "effectSize":
				if !strings.Contains(v, ".") {
					val = strings.Replace(v, ",", ".", 1) // a decimal comma, as Dutch spreadsheets write it
				}
			case "population", "text":
				val = text(v)
			}
			kv = append(kv, c.field, val, pos)
		}
		if _, _, ok := r.get("direction"); !ok {
			problem("direction", "missing: an outcome claim says in which direction the outcome moved (POSITIVE, NONE, NEGATIVE, MIXED)")
		}
		node(graph.TypeOutcomeClaim, id, kv...)
	} else {
		for _, c := range claimColumns {
			if _, _, ok := r.get(c); ok {
				problem(c, "%s belongs to an outcome claim: give the outcome", c)
			}
		}
	}
	if pre, pos := cell("preconditions"); pre != "" {
		for _, p := range splitList(pre) {
			node(graph.TypeRequirement, "", append([]any{"precondition", graph.ShortID(p), pos}, statedBy()...)...)
		}
	}
	for _, kc := range []struct{ col, kind string }{{"strengths", "STRENGTH"}, {"weaknesses", "WEAKNESS"}} {
		if v, pos := cell(kc.col); v != "" {
			node(graph.TypeCharacteristic, "", append([]any{"kind", kc.kind, pos, "text", text(v), pos}, statedBy()...)...)
		}
	}
	crit, critPos := cell("criterion")
	val, valPos := cell("value")
	if crit != "" || val != "" {
		kv := []any{}
		if crit != "" {
			kv = append(kv, "criterion", crit, critPos)
		}
		if val != "" {
			kv = append(kv, "value", val, valPos)
		}
		if stakeholder != "" {
			kv = append(kv, "stakeholderGroup", stakeholder, stakeholderPos)
		}
		node(graph.TypeAssessment, "", kv...)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	if len(nodes) == 0 {
		ps.Addf(r.file, r.line, 0, "", "the row codes nothing: give a workModel, actorTypes, an outcome, preconditions, strengths, weaknesses or a criterion")
		return nil, ps
	}
	return nodes, nil
}

func appendUnique(list []any, s string) []any {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func sortedStrings(ss []string) []string {
	out := append([]string(nil), ss...)
	sort.Strings(out)
	return out
}
