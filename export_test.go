package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kring/graph"
	"kring/ingest"
	"kring/resolvers"
)

// graphMLDoc is what the GraphML test reads of an export.
type graphMLDoc struct {
	Keys []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
	} `xml:"key"`
	Graph struct {
		Nodes []struct {
			ID   string `xml:"id,attr"`
			Data []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string `xml:"id,attr"`
			Source string `xml:"source,attr"`
			Target string `xml:"target,attr"`
			Data   []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

// TestExportGraphML: the shipped KB as GraphML is the same twice, validates against the GraphML
// 1.0 schema (xmllint, testdata/graphml), has one node per non-batch node with its type and
// label, and every edge joins two of its nodes and names its predicate.
func TestExportGraphML(t *testing.T) {
	ctx := context.Background()
	st := loadShippedKB(t)
	var a, b bytes.Buffer
	if err := st.ExportGraphML(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := st.ExportGraphML(ctx, &b); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("two exports differ (err %v)", err)
	}
	var doc graphMLDoc
	if err := xml.Unmarshal(a.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	srcs, err := st.SourceRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nodes := map[string]map[string]string{}
	byKring := map[string]string{}
	for _, n := range doc.Graph.Nodes {
		d := map[string]string{}
		for _, x := range n.Data {
			d[x.Key] = x.Value
		}
		if d["type"] == "" || d["label"] == "" || d["kring_id"] == "" {
			t.Errorf("node %s: data %v", n.ID, d)
		}
		if d["type"] == string(graph.TypeBatch) {
			t.Errorf("node %s is a batch", n.ID)
		}
		nodes[n.ID] = d
		byKring[d["kring_id"]] = n.ID
	}
	if len(nodes) != len(doc.Graph.Nodes) {
		t.Errorf("node ids repeat")
	}
	for _, s := range srcs {
		id, ok := byKring[graph.ShortID(s.ID)]
		if !ok {
			t.Errorf("source %s has no node", s.ID)
			continue
		}
		if nodes[id]["label"] != s.Str("title") || nodes[id]["type"] != string(graph.TypeSource) {
			t.Errorf("source %s: node %v", s.ID, nodes[id])
		}
	}
	// Methods and initiatives carry their Dutch name as label and their English one as label_en.
	ms, err := st.FindMethods(ctx, nil, nil)
	if err != nil || len(ms) == 0 {
		t.Fatalf("%d methods, %v", len(ms), err)
	}
	bilingual := 0
	for _, m := range ms {
		d := nodes[byKring[graph.ShortID(m.ID)]]
		if d["label"] != m.Name(graph.NL) || (d["label_en"] != "" && d["label_en"] != m.Name(graph.EN)) {
			t.Errorf("%s: label %q / %q; want %q / %q", m.ID, d["label"], d["label_en"], m.Name(graph.NL), m.Name(graph.EN))
		}
		if d["label_en"] != "" && d["label_en"] != d["label"] {
			bilingual++
		}
	}
	if bilingual == 0 {
		t.Errorf("no method has an English label distinct from its Dutch one")
	}
	preds := map[string]int{}
	for _, e := range doc.Graph.Edges {
		if nodes[e.Source] == nil || nodes[e.Target] == nil {
			t.Errorf("edge %s: %s -> %s: an endpoint is not a node", e.ID, e.Source, e.Target)
		}
		p := ""
		for _, x := range e.Data {
			if x.Key == "predicate" {
				p = x.Value
			}
		}
		if p == "" {
			t.Errorf("edge %s without a predicate", e.ID)
		}
		preds[p]++
	}
	if preds["source"] == 0 || len(doc.Graph.Edges) < len(srcs) {
		t.Errorf("%d edges, predicates %v", len(doc.Graph.Edges), preds)
	}
	t.Logf("%d nodes, %d edges, %d predicates", len(doc.Graph.Nodes), len(doc.Graph.Edges), len(preds))

	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (apt-get install libxml2-utils; .ci/run installs it): the GraphML schema check did not run")
	}
	file := filepath.Join(t.TempDir(), "kring.graphml")
	if err := os.WriteFile(file, a.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", "testdata/graphml/graphml.xsd", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "validates") {
		t.Fatalf("xmllint: %v\n%s", err, clipOut(out))
	}
	// The schema check can fail: an edge without its target is invalid.
	bad := bytes.Replace(a.Bytes(), []byte(` target="`), []byte(` targetx="`), 1)
	os.WriteFile(file, bad, 0o644)
	if out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", "testdata/graphml/graphml.xsd", file).CombinedOutput(); err == nil {
		t.Fatalf("xmllint accepts an edge without a target:\n%s", clipOut(out))
	}
}

func clipOut(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// TestExportEndpointFormats: GET /export answers every format with its content type and a
// download file name, the bibliography and graph exactly as the writers give them; bad
// parameters are 400.
func TestExportEndpointFormats(t *testing.T) {
	ctx := context.Background()
	st := loadShippedKB(t)
	h := newMux(st, slog.New(slog.NewTextHandler(io.Discard, nil)), resolvers.Options{})
	get := func(p string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		return rec
	}
	srcs, err := st.SourceRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ q, ct, file, contains string }{
		{"format=bibtex", "application/x-bibtex", "kring.bib", "kring-source-type = {"},
		{"format=ris", "application/x-research-info-systems", "kring.ris", "TY  - "},
		{"format=csljson", "application/vnd.citationstyles.csl+json", "kring-csl.json", `"type": "article-journal"`},
		{"format=graphml", "application/graphml+xml", "kring.graphml", "<graphml "},
		{"format=nquads", "application/n-quads", "kring.nq", "kring:source/"},
		{"format=jsonld", "application/ld+json", "kring.jsonld", "@id"},
		{"format=matrix-csv", "text/csv", "kring-matrix.csv", "rij,kolom"},
		{"format=matrix-csv&rows=METHOD&columns=OUTCOME_DOMAIN&lang=EN", "text/csv", "kring-matrix.csv", "row,column"},
		{"format=catalogue-csv", "text/csv", "kring-catalogus.csv", "naam,soort"},
		{"format=catalogue-csv&lang=en", "text/csv", "kring-catalogus.csv", "name,kind"},
	} {
		r := get("/export?" + tt.q)
		if r.Code != 200 || !strings.HasPrefix(r.Header().Get("Content-Type"), tt.ct) ||
			r.Header().Get("Content-Disposition") != `attachment; filename="`+tt.file+`"` || !strings.Contains(r.Body.String(), tt.contains) {
			t.Errorf("%s: %d %q %q, %d bytes", tt.q, r.Code, r.Header().Get("Content-Type"), r.Header().Get("Content-Disposition"), r.Body.Len())
		}
	}
	for format, name := range map[string]string{"bibtex": "bibtex", "ris": "ris", "csljson": "csl-json"} {
		var want bytes.Buffer
		if err := ingest.WriteBibliography(&want, name, srcs); err != nil {
			t.Fatal(err)
		}
		if r := get("/export?format=" + format); r.Body.String() != want.String() {
			t.Errorf("%s: the download is not what WriteBibliography writes", format)
		}
	}
	var want bytes.Buffer
	st.ExportGraphML(ctx, &want)
	if r := get("/export?format=graphml"); r.Body.String() != want.String() {
		t.Errorf("graphml: the download is not what ExportGraphML writes")
	}
	for _, q := range []string{"format=graphml&batch=x", "format=matrix-csv&rows=NOPE", "format=catalogue-csv&lang=fr", "format=docx"} {
		if r := get("/export?" + q); r.Code != 400 {
			t.Errorf("%s: %d %s; want 400", q, r.Code, r.Body.String())
		}
	}
}

// TestExportBibliographyCLI: `kring export --format bibtex|ris|csljson` on a data dir, loaded
// into another data dir without --source-type, gives the same number of sources; an unknown
// format is a usage error.
func TestExportBibliographyCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KRING_DATA": filepath.Join(dir, "data")}
	if code, _, stderr := runCLI(t, env, "", "load", "kb/starter.yaml"); code != 0 {
		t.Fatalf("load: exit %d: %s", code, stderr)
	}
	n := countSources(t, env)
	for _, f := range []struct{ format, file string }{{"bibtex", "x.bib"}, {"ris", "x.ris"}, {"csljson", "x.json"}} {
		out := exportAll(t, env, "--format", f.format)
		file := filepath.Join(dir, f.format+"-"+f.file)
		os.WriteFile(file, []byte(out), 0o644)
		env2 := map[string]string{"KRING_DATA": filepath.Join(dir, "data-"+f.format)}
		if code, _, stderr := runCLI(t, env2, "", "load", file); code != 0 {
			t.Fatalf("%s: load the export: exit %d: %s", f.format, code, stderr)
		}
		if got := countSources(t, env2); got != n {
			t.Errorf("%s: %d sources after re-import; want %d", f.format, got, n)
		}
	}
	if out := exportAll(t, env, "--format", "graphml"); !strings.Contains(out, "<graphml ") {
		t.Errorf("graphml: %.200s", out)
	}
	if code, _, stderr := runCLI(t, env, "", "export", "--format", "docx"); code != 2 || !strings.Contains(stderr, "bibtex") {
		t.Errorf("--format docx: exit %d: %s", code, stderr)
	}
}
