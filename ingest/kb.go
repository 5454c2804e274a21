package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"kring/graph"
)

// KBFormat is the value of the "format" key of a Kring batch file.
const KBFormat = "kring-batch/1"

// ReadKB reads a Kring batch file (YAML, see docs/batch-format.md) into a changeset. Every
// problem is reported with file, line, column and field; nothing is returned on error.
func ReadKB(file string, r io.Reader) (*graph.Changeset, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	var ps graph.Problems
	var doc yaml.Node
	// Raw control characters: YAML rejects some with an unclear message and takes others (NEL,
	// U+2028) for line breaks. Each is replaced by U+FFFD for parsing and reported with the key
	// of the value it is in.
	type hit struct {
		line, col int
		r         rune
	}
	var hits []hit
	parsed := data
	if i, _ := badRune(string(data)); i >= 0 {
		var b strings.Builder
		src := string(data)
		line, col, last := 1, 1, 0
		for off := 0; off < len(src); {
			j, r := badRune(src[off:])
			if j < 0 {
				break
			}
			off += j
			line, col = advance(line, col, src[last:off])
			hits = append(hits, hit{line, col, r})
			b.WriteString(src[last:off])
			b.WriteString("\uFFFD")
			off += utf8.RuneLen(r)
			last = off
			col++
		}
		b.WriteString(src[last:])
		parsed = []byte(b.String())
	}
	if err := yaml.Unmarshal(parsed, &doc); err != nil {
		line := 0
		msg := err.Error()
		// yaml.v3 says "yaml: line N: ..."
		if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
			if n, tail, ok := strings.Cut(rest, ":"); ok {
				line, _ = strconv.Atoi(n)
				msg = strings.TrimSpace(tail)
			}
		}
		ps.Addf(file, line, 0, "", "not valid YAML: %s", msg)
		return nil, ps.Err()
	}
	sum := sha256.Sum256(data)
	cs := &graph.Changeset{Files: []graph.BatchFile{{Name: CleanFileName(file), SHA256: hex.EncodeToString(sum[:])}}, Pos: graph.Pos{File: file, Line: 1}}
	if len(doc.Content) == 0 {
		ps.Addf(file, 1, 0, "", "empty file")
		return nil, ps.Err()
	}
	root := doc.Content[0]
	for k, h := range hits {
		if k == maxControlProblems {
			ps.Addf(file, 0, 0, "", "%d more control characters not listed", len(hits)-k)
			break
		}
		ps.Addf(file, h.line, h.col, keyAt(root, h.line, h.col, ""), "%s", controlMessage(h.r))
	}
	if len(ps) > 0 {
		return nil, ps.Err()
	}
	if root.Kind != yaml.MappingNode {
		ps.Addf(file, root.Line, root.Column, "", "expected a mapping with format, batch and sections")
		return nil, ps.Err()
	}
	rd := kbReader{file: file, ps: &ps, cs: cs}
	rd.checkControls(root, "")
	if len(ps) > 0 {
		return nil, ps.Err()
	}
	sawFormat := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "format":
			sawFormat = true
			if v.Value != KBFormat {
				ps.Addf(file, v.Line, v.Column, "format", "unsupported format %q (want %q)", v.Value, KBFormat)
			}
		case "batch":
			rd.batch(v)
		default:
			spec := graph.TypeBySection(k.Value)
			if spec == nil {
				ps.Addf(file, k.Line, k.Column, k.Value, "unknown section%s", didYouMean(k.Value, sectionNames()))
				continue
			}
			if v.Kind != yaml.SequenceNode {
				if v.Tag != "!!null" {
					ps.Addf(file, v.Line, v.Column, k.Value, "expected a list")
				}
				continue
			}
			for _, item := range v.Content {
				rd.node(spec, item, "", k.Value)
			}
		}
	}
	if !sawFormat {
		ps.Addf(file, root.Line, root.Column, "format", "missing (add `format: %s`)", KBFormat)
	}
	if cs.BatchID == "" {
		ps.Addf(file, root.Line, root.Column, "batch.id", "missing: every batch file names its batch")
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return cs, nil
}

type kbReader struct {
	file string
	ps   *graph.Problems
	cs   *graph.Changeset
}

// checkControls reports every key and scalar value (YAML escapes decoded) that holds a character
// a field may not hold (see badRune), at the node's line and column, with the key it is under.
func (rd *kbReader) checkControls(n *yaml.Node, field string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			name := k.Value
			if j, r := badRune(k.Value); j >= 0 {
				rd.ps.Addf(rd.file, k.Line, k.Column, field, "key: %s", controlMessage(r))
				name = field
			}
			rd.checkControls(v, name)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			rd.checkControls(c, field)
		}
	case yaml.ScalarNode:
		if j, r := badRune(n.Value); j >= 0 {
			line, col := n.Line, n.Column
			if n.Style == 0 && !strings.Contains(n.Value[:j], "\n") {
				col += utf8.RuneCountInString(n.Value[:j]) // a plain scalar stands as written
			}
			rd.ps.Addf(rd.file, line, col, field, "%s", controlMessage(r))
		}
	}
}

// keyAt returns the key of the last value that starts at or before line, col (the one a
// character there belongs to).
func keyAt(n *yaml.Node, line, col int, field string) string {
	before := func(m *yaml.Node) bool { return m.Line < line || m.Line == line && m.Column <= col }
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if !before(k) {
				break
			}
			field = keyAt(v, line, col, k.Value)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if !before(c) {
				break
			}
			field = keyAt(c, line, col, field)
		}
	}
	return field
}

func (rd *kbReader) batch(v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		rd.ps.Addf(rd.file, v.Line, v.Column, "batch", "expected a mapping with id and description")
		return
	}
	rd.cs.Pos = graph.Pos{File: rd.file, Line: v.Line, Column: v.Column}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		switch k.Value {
		case "id":
			rd.cs.BatchID = strings.TrimPrefix(graph.ShortID(val.Value), "batch/")
			rd.cs.Pos = graph.Pos{File: rd.file, Line: val.Line, Column: val.Column}
		case "description":
			raw, err := decode(val)
			if err != nil {
				rd.ps.Addf(rd.file, val.Line, val.Column, "batch.description", "%v", err)
				continue
			}
			switch d := raw.(type) {
			case string:
				rd.cs.Description = d
			case map[string]any:
				nl, _ := d["nl"].(string)
				en, _ := d["en"].(string)
				rd.cs.Description = strings.TrimSpace(nl + " / " + en)
				rd.cs.Description = strings.Trim(rd.cs.Description, " /")
			}
		case "loadedBy":
			rd.cs.LoadedBy = val.Value
		default:
			rd.ps.Addf(rd.file, k.Line, k.Column, "batch."+k.Value, "unknown field (batch takes id, description, loadedBy)")
		}
	}
}

// node reads one list item of a section (or a nested child list) into NodeSpecs.
func (rd *kbReader) node(spec *graph.TypeSpec, item *yaml.Node, parent, where string) {
	pos := graph.Pos{File: rd.file, Line: item.Line, Column: item.Column}
	if item.Kind != yaml.MappingNode {
		rd.ps.Addf(rd.file, item.Line, item.Column, where, "expected a mapping (one %s)", spec.Type)
		return
	}
	ns := graph.NodeSpec{Type: spec.Type, Pos: pos}
	if parent != "" {
		ns.Fields = append(ns.Fields, graph.FieldValue{Name: "subject", Value: parent, Pos: pos})
	}
	type pending struct {
		child *graph.Child
		list  *yaml.Node
	}
	var children []pending
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		fpos := graph.Pos{File: rd.file, Line: v.Line, Column: v.Column}
		if k.Value == "id" {
			ns.ID = v.Value
			continue
		}
		if c := spec.ChildByName(k.Value); c != nil {
			if v.Kind != yaml.SequenceNode {
				rd.ps.Addf(rd.file, v.Line, v.Column, k.Value, "expected a list")
				continue
			}
			children = append(children, pending{c, v})
			continue
		}
		// Hogan's three axes are written as one mapping.
		if k.Value == "hogan" && spec.FieldByName("hoganFormat") != nil && v.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(v.Content); j += 2 {
				hk, hv := v.Content[j], v.Content[j+1]
				name := "hogan" + strings.ToUpper(hk.Value[:min(1, len(hk.Value))]) + hk.Value[min(1, len(hk.Value)):]
				ns.Fields = append(ns.Fields, graph.FieldValue{Name: name, Value: hv.Value, Pos: graph.Pos{File: rd.file, Line: hv.Line, Column: hv.Column}})
			}
			continue
		}
		raw, err := decode(v)
		if err != nil {
			rd.ps.Addf(rd.file, v.Line, v.Column, k.Value, "%v", err)
			continue
		}
		if raw == nil {
			continue // an empty field is no field
		}
		ns.Fields = append(ns.Fields, graph.FieldValue{Name: k.Value, Value: raw, Pos: fpos})
	}
	if parent == "" && ns.ID == "" && spec.Type != graph.TypeConcept {
		rd.ps.Addf(rd.file, item.Line, item.Column, "id", "missing (every %s needs an id such as %q)", spec.Type, spec.Kind+"/some-slug")
		return
	}
	rd.cs.Nodes = append(rd.cs.Nodes, ns)
	self := ns.ID
	for _, p := range children {
		cspec := graph.TypeOf(p.child.Type)
		for _, it := range p.list.Content {
			rd.node(cspec, it, self, p.child.Name)
		}
	}
}

// decode turns a YAML value into plain Go values (string, int, float64, bool, []any, map).
func decode(v *yaml.Node) (any, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		switch v.Tag {
		case "!!null":
			return nil, nil
		case "!!int":
			n, err := strconv.ParseInt(v.Value, 0, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a whole number", v.Value)
			}
			return n, nil
		case "!!float":
			f, err := strconv.ParseFloat(v.Value, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a number", v.Value)
			}
			return f, nil
		case "!!bool":
			var b bool
			if err := v.Decode(&b); err != nil {
				return nil, fmt.Errorf("%q is not true or false", v.Value)
			}
			return b, nil
		}
		return v.Value, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(v.Content))
		for _, c := range v.Content {
			x, err := decode(c)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(v.Content); i += 2 {
			x, err := decode(v.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[v.Content[i].Value] = x
		}
		return out, nil
	case yaml.AliasNode:
		return decode(v.Alias)
	}
	return nil, fmt.Errorf("unsupported YAML value")
}

func sectionNames() []string {
	out := []string{"format", "batch"}
	for _, t := range graph.Types {
		if t.Section != "" {
			out = append(out, t.Section)
		}
	}
	return out
}

func didYouMean(got string, candidates []string) string {
	if s := graph.Suggest(got, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
