package graph

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
)

// FormatGraphML is the graph as GraphML (Gephi, yEd, Cytoscape, NetworkX read it).
const FormatGraphML = "graphml"

// GraphML layout: one directed graph; one node per typed node of the store except batches
// (provenance, not content), and one edge per link between two such nodes (a reference field:
// a claim's sources, an assignment's work model, a method's target groups, a concept's broader
// concept, ...), labelled with its predicate. Node ids are n0, n1, ... in Kring id order (a Kring
// id holds '/', which the schema's NMTOKEN ids do not allow), edge ids e0, e1, ... in the order
// of their source node, predicate and target. The data keys:
//
//	node: label (the Dutch name, label, title, code, text or description, else the English
//	      one, else the Kring id), label_en, type, status, kring_id
//	edge: label (the predicate), predicate
//
// "label" is the attribute Gephi and yEd show. The output is the same for the same store state.

// graphMLLabelFields are the fields that name a node, best first.
var graphMLLabelFields = []string{"name", "label", "title", "code", "text", "description"}

// graphMLKeys are the data keys, in declaration order: id, for, attr.name.
var graphMLKeys = [][3]string{
	{"label", "node", "label"}, {"label_en", "node", "label_en"}, {"type", "node", "type"},
	{"status", "node", "status"}, {"kring_id", "node", "kring_id"},
	{"elabel", "edge", "label"}, {"predicate", "edge", "predicate"},
}

// ExportGraphML writes the graph as GraphML 1.0 (see the layout above).
func (s *Store) ExportGraphML(ctx context.Context, w io.Writer) error {
	ix, err := s.index(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(ix.nodes))
	for id, n := range ix.nodes {
		if n.typ != TypeBatch {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	num := make(map[string]int, len(ids))
	for i, id := range ids {
		num[id] = i
	}
	bw := bufio.NewWriter(w)
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	bw.WriteString(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	for _, k := range graphMLKeys {
		fmt.Fprintf(bw, `  <key id="%s" for="%s" attr.name="%s" attr.type="string"/>`+"\n", k[0], k[1], k[2])
	}
	bw.WriteString(`  <graph id="kring" edgedefault="directed">` + "\n")
	data := func(key, v string) {
		if v != "" {
			fmt.Fprintf(bw, `      <data key="%s">%s</data>`+"\n", key, esc(v))
		}
	}
	for i, id := range ids {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		n := ix.nodes[id]
		nl, en := graphMLLabel(n)
		short := ShortID(id)
		if nl == "" {
			nl = short
		}
		fmt.Fprintf(bw, `    <node id="n%d">`+"\n", i)
		data("label", nl)
		data("label_en", en)
		data("type", string(n.typ))
		data("status", n.str("status"))
		data("kring_id", short)
		bw.WriteString("    </node>\n")
	}
	e := 0
	for _, id := range ids {
		type link struct{ p, o string }
		var links []link
		ix.nodes[id].eachLink(false, func(p, other string) {
			if _, ok := num[other]; ok {
				links = append(links, link{p, other})
			}
		})
		sort.Slice(links, func(i, j int) bool {
			if links[i].p != links[j].p {
				return links[i].p < links[j].p
			}
			return links[i].o < links[j].o
		})
		for i, l := range links {
			if i > 0 && l == links[i-1] {
				continue
			}
			fmt.Fprintf(bw, `    <edge id="e%d" source="n%d" target="n%d">`+"\n", e, num[id], num[l.o])
			data("elabel", l.p)
			data("predicate", l.p)
			bw.WriteString("    </edge>\n")
			e++
		}
	}
	bw.WriteString("  </graph>\n</graphml>\n")
	return bw.Flush()
}

// graphMLLabel returns a node's Dutch and English label: its first naming field that has a value.
func graphMLLabel(n *node) (nl, en string) {
	spec := TypeOf(n.typ)
	for _, name := range graphMLLabelFields {
		if spec == nil {
			break
		}
		f := spec.FieldByName(name)
		if f == nil {
			continue
		}
		if f.Kind == TextField {
			t := n.text(f.Predicate())
			nl, en = t.NL, t.EN
		} else {
			nl = n.str(f.Predicate())
		}
		if nl == "" {
			nl = en
		}
		if nl != "" {
			return nl, en
		}
	}
	return "", ""
}
