package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
)

// loadKB loads the bundled knowledge base (kb/) into a memory store.
func loadKB(t *testing.T) *graph.Store {
	t.Helper()
	files, err := ingest.BundleFiles(os.DirFS("../kb"), "kb/")
	if err != nil {
		t.Fatal(err)
	}
	st := graphtest.NewMemory(t)
	if _, err := ingest.LoadBundle(context.Background(), st, files, "test"); err != nil {
		t.Fatalf("the bundled KB does not load: %v", err)
	}
	return st
}

// work is what a bibliography must give back of a source.
func work(r *graph.SourceRecord) string {
	var b strings.Builder
	for _, f := range []string{"type", "title", "year", "authors", "container", "volume", "issue", "pages", "publisher", "doi", "isbn", "url", "language"} {
		v := r.Fields[f]
		if f == "doi" {
			v = ingest.NormalizeDOI(r.Str("doi"))
		}
		if v == nil {
			v = ""
		}
		fmt.Fprintf(&b, "%s=%v\n", f, v)
	}
	return b.String()
}

// TestBibliographyRoundTrip: the bundled KB's sources written as BibTeX, RIS and CSL-JSON and
// loaded into an empty store without a source type give back every work: same ids, and the same
// type, title, year, authors, container, volume, issue, pages, publisher, DOI, ISBN, URL and
// language. It prints how many sources were written and how many came back identical.
func TestBibliographyRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := loadKB(t)
	srcs, err := st.SourceRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) < 100 {
		t.Fatalf("only %d sources in the bundled KB", len(srcs))
	}
	types := map[string]bool{}
	for i := range srcs {
		types[srcs[i].Str("type")] = true
	}
	for _, format := range ingest.BibliographyFormats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := ingest.WriteBibliography(&buf, format, srcs); err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			if err := ingest.WriteBibliography(&again, format, srcs); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Fatalf("two writes differ (err %v)", err)
			}
			name := map[string]string{ingest.FormatBibTeX: "kring.bib", ingest.FormatRIS: "kring.ris", ingest.FormatCSLJSON: "kring.json"}[format]
			if got := ingest.DetectFormat(name, buf.Bytes()); got != format {
				t.Fatalf("DetectFormat(%s) = %q", name, got)
			}
			empty := graphtest.NewMemory(t)
			if _, err := ingest.Load(ctx, empty, []ingest.File{{Name: name, Data: buf.Bytes()}}, ingest.Options{LoadedBy: "test"}); err != nil {
				t.Fatalf("re-import without a source type: %v", err)
			}
			back, err := empty.SourceRecords(ctx)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string]*graph.SourceRecord{}
			for i := range back {
				byID[back[i].ID] = &back[i]
			}
			same := 0
			for i := range srcs {
				want := work(&srcs[i])
				b, ok := byID[srcs[i].ID]
				if !ok {
					t.Errorf("%s: not found after re-import", srcs[i].ID)
					continue
				}
				if got := work(b); got != want {
					t.Errorf("%s differs after re-import:\n got %s\nwant %s", srcs[i].ID, got, want)
					continue
				}
				same++
			}
			if len(back) != len(srcs) {
				t.Errorf("%d sources after re-import; want %d", len(back), len(srcs))
			}
			t.Logf("%s: %d sources (%d source types) written, %d re-imported, %d identical", format, len(srcs), len(types), len(back), same)
		})
	}
}

// TestBibliographyEscapes: values with the characters each format must escape come back as they
// were, through our own parsers, and a corporate author and a particle stay as they are.
func TestBibliographyEscapes(t *testing.T) {
	ctx := context.Background()
	src := graph.SourceRecord{ID: "kring:source/odd-2020", Fields: map[string]any{
		"type":      "GREY_BE",
		"title":     `Braces {x}, 50% & $5 #1 a_b ~ ^ back\slash -- ''quoted'' and "double" – café`,
		"authors":   []any{"van der Berg, Jan", "Vlaams Instituut voor Armoede en Welzijn", "Smith, John, Jr."},
		"year":      int64(2020),
		"publisher": "Odisee & KU Leuven",
		"url":       "https://example.org/a_b?c=d&e=50%25",
		"pages":     "12-34",
	}}
	for _, format := range ingest.BibliographyFormats {
		var buf bytes.Buffer
		if err := ingest.WriteBibliography(&buf, format, []graph.SourceRecord{src}); err != nil {
			t.Fatal(err)
		}
		name := map[string]string{ingest.FormatBibTeX: "x.bib", ingest.FormatRIS: "x.ris", ingest.FormatCSLJSON: "x.json"}[format]
		st := graphtest.NewMemory(t)
		if _, err := ingest.Load(ctx, st, []ingest.File{{Name: name, Data: buf.Bytes()}}, ingest.Options{}); err != nil {
			t.Fatalf("%s: %v\n%s", format, err, buf.String())
		}
		back, err := st.SourceRecords(ctx)
		if err != nil || len(back) != 1 {
			t.Fatalf("%s: %d sources, %v", format, len(back), err)
		}
		if got, want := work(&back[0]), work(&src); got != want {
			t.Errorf("%s:\n got %s\nwant %s\nfile:\n%s", format, got, want, buf.String())
		}
		if back[0].ID != src.ID {
			t.Errorf("%s: id %s; want %s", format, back[0].ID, src.ID)
		}
	}
}

// TestBibliographyKeywordOnly: an importer that keeps only the keywords (Zotero turns BibTeX
// keywords and RIS KW into tags and writes them back; it drops unknown BibTeX fields, and its
// CSL-JSON export keeps note but not tags) still carries the source type: the BibTeX file without
// its kring-source-type fields, and the CSL-JSON file without keyword, load back the same types.
func TestBibliographyKeywordOnly(t *testing.T) {
	ctx := context.Background()
	srcs, err := loadKB(t).SourceRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	strip := map[string]*regexp.Regexp{
		ingest.FormatBibTeX:  regexp.MustCompile(`(?m)^  kring-source-type = \{[A-Z_]+\},?\n`),
		ingest.FormatCSLJSON: regexp.MustCompile(`(?m)^    "keyword": "[^"]*",\n`),
	}
	for format, re := range strip {
		var buf bytes.Buffer
		if err := ingest.WriteBibliography(&buf, format, srcs); err != nil {
			t.Fatal(err)
		}
		data := re.ReplaceAll(buf.Bytes(), nil)
		if bytes.Equal(data, buf.Bytes()) {
			t.Fatalf("%s: nothing stripped", format)
		}
		name := map[string]string{ingest.FormatBibTeX: "k.bib", ingest.FormatCSLJSON: "k.json"}[format]
		st := graphtest.NewMemory(t)
		if _, err := ingest.Load(ctx, st, []ingest.File{{Name: name, Data: data}}, ingest.Options{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		back, _ := st.SourceRecords(ctx)
		types := map[string]string{}
		for i := range back {
			types[back[i].ID] = back[i].Str("type")
		}
		for i := range srcs {
			if got := types[srcs[i].ID]; got != srcs[i].Str("type") {
				t.Errorf("%s: %s: type %q; want %q", format, srcs[i].ID, got, srcs[i].Str("type"))
			}
		}
	}
}

// TestBibTeXSpec: every entry of the KB's BibTeX export is @type{key, field = {value}, ...} with
// the fields the BibTeX specification requires for its type, balanced braces, and unique keys.
func TestBibTeXSpec(t *testing.T) {
	srcs, err := loadKB(t).SourceRecords(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ingest.WriteBibliography(&buf, ingest.FormatBibTeX, srcs); err != nil {
		t.Fatal(err)
	}
	head := regexp.MustCompile(`^@([a-z]+)\{([^,\s{}]+),$`)
	field := regexp.MustCompile(`^  ([a-z-]+) = \{(.*)\},?$`)
	keys := map[string]bool{}
	entries := strings.Split(buf.String(), "\n@")
	counts := map[string]int{}
	for i, e := range entries[1:] {
		lines := strings.Split(strings.TrimSpace("@"+e), "\n")
		m := head.FindStringSubmatch(lines[0])
		if m == nil {
			t.Fatalf("entry %d: bad head %q", i+1, lines[0])
		}
		typ, key := m[1], m[2]
		counts[typ]++
		if keys[key] {
			t.Errorf("key %s twice", key)
		}
		keys[key] = true
		if lines[len(lines)-1] != "}" {
			t.Errorf("%s: does not end with }", key)
		}
		have := map[string]bool{}
		for _, l := range lines[1 : len(lines)-1] {
			fm := field.FindStringSubmatch(l)
			if fm == nil {
				t.Errorf("%s: bad field line %q", key, l)
				continue
			}
			have[fm[1]] = true
			depth := 0
			for j := 0; j < len(fm[2]); j++ {
				switch fm[2][j] {
				case '\\':
					j++
				case '{':
					depth++
				case '}':
					depth--
				}
				if depth < 0 {
					break
				}
			}
			if depth != 0 {
				t.Errorf("%s: unbalanced braces in %s", key, fm[1])
			}
		}
		req := ingest.BibTeXRequired(typ)
		if req == nil {
			t.Errorf("%s: entry type @%s is not one the writer uses", key, typ)
		}
		for _, f := range req {
			if !have[f] {
				t.Errorf("%s: @%s without the required field %s", key, typ, f)
			}
		}
		if !have["kring-source-type"] || !have["keywords"] {
			t.Errorf("%s: source type not carried", key)
		}
	}
	if len(keys) != len(srcs) {
		t.Errorf("%d entries; want %d", len(keys), len(srcs))
	}
	t.Logf("entry types: %v", counts)
}

// TestRISSpec: the KB's RIS export follows the RIS specification's layout: every line is a
// two-character tag (capital letter, then capital letter or digit), two spaces, a hyphen and a
// space, then the value; every record starts with TY and a known type and ends with ER.
func TestRISSpec(t *testing.T) {
	srcs, err := loadKB(t).SourceRecords(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ingest.WriteBibliography(&buf, ingest.FormatRIS, srcs); err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^([A-Z][A-Z0-9])  - (.*)$`)
	types := map[string]bool{"JOUR": true, "CHAP": true, "BOOK": true, "RPRT": true, "THES": true, "ELEC": true, "GEN": true}
	records, inRecord := 0, false
	for i, l := range strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n") {
		if l == "" {
			if inRecord {
				t.Fatalf("line %d: blank line inside a record", i+1)
			}
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %d: %q is not TAG  - value", i+1, l)
		}
		switch {
		case m[1] == "TY":
			if inRecord {
				t.Fatalf("line %d: TY inside a record", i+1)
			}
			if !types[m[2]] {
				t.Errorf("line %d: type %q", i+1, m[2])
			}
			inRecord = true
			records++
		case !inRecord:
			t.Fatalf("line %d: %s outside a record", i+1, m[1])
		case m[1] == "ER":
			if m[2] != "" {
				t.Errorf("line %d: ER with a value", i+1)
			}
			inRecord = false
		case m[2] == "":
			t.Errorf("line %d: empty %s", i+1, m[1])
		}
	}
	if inRecord || records != len(srcs) {
		t.Errorf("%d records (last open: %v); want %d", records, inRecord, len(srcs))
	}
}

// TestCSLJSONSchema: the KB's CSL-JSON export validates against the CSL-JSON schema
// (testdata/csl-data.json, vendored from citation-style-language/schema): the keys and value
// types of each item are checked by hand against the schema's properties (no JSON-schema library
// is a dependency).
func TestCSLJSONSchema(t *testing.T) {
	srcs, err := loadKB(t).SourceRecords(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ingest.WriteBibliography(&buf, ingest.FormatCSLJSON, srcs); err != nil {
		t.Fatal(err)
	}
	checkCSLSchema(t, buf.Bytes(), len(srcs))
}

// cslSchema is the part of csl-data.json the check uses.
type cslSchema struct {
	Items struct {
		Properties map[string]struct {
			Type  any      `json:"type"`
			Enum  []string `json:"enum"`
			Ref   string   `json:"$ref"`
			Items *struct {
				Ref string `json:"$ref"`
			} `json:"items"`
		} `json:"properties"`
		Required             []string `json:"required"`
		AdditionalProperties *bool    `json:"additionalProperties"`
	} `json:"items"`
	Definitions map[string]json.RawMessage `json:"definitions"`
}

func checkCSLSchema(t *testing.T, data []byte, want int) {
	t.Helper()
	raw, err := os.ReadFile("testdata/csl-data.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema cslSchema
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	if len(schema.Items.Properties) < 50 || len(schema.Items.Required) == 0 {
		t.Fatalf("schema not read: %d properties, required %v", len(schema.Items.Properties), schema.Items.Required)
	}
	var items []map[string]any
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatalf("not a JSON array of objects: %v", err)
	}
	if len(items) != want {
		t.Fatalf("%d items; want %d", len(items), want)
	}
	ids := map[any]bool{}
	for i, it := range items {
		for _, req := range schema.Items.Required {
			if _, ok := it[req]; !ok {
				t.Errorf("item %d: required %q missing", i, req)
			}
		}
		if ids[it["id"]] {
			t.Errorf("item %d: id %v twice", i, it["id"])
		}
		ids[it["id"]] = true
		for k, v := range it {
			p, ok := schema.Items.Properties[k]
			if !ok {
				t.Errorf("item %d: %q is not a CSL-JSON property", i, k)
				continue
			}
			if p.Enum != nil {
				s, _ := v.(string)
				found := false
				for _, e := range p.Enum {
					found = found || e == s
				}
				if !found {
					t.Errorf("item %d: %s %v is not one of the schema's values", i, k, v)
				}
			}
			switch {
			case p.Items != nil && p.Items.Ref == "#/definitions/name-variable":
				list, ok := v.([]any)
				if !ok {
					t.Errorf("item %d: %s is not an array", i, k)
				}
				for _, n := range list {
					m, ok := n.(map[string]any)
					if !ok || (m["family"] == nil && m["literal"] == nil) {
						t.Errorf("item %d: %s: bad name %v", i, k, n)
					}
					for nk, nv := range m {
						if _, isStr := nv.(string); !isStr || !map[string]bool{"family": true, "given": true, "suffix": true, "literal": true, "non-dropping-particle": true, "dropping-particle": true}[nk] {
							t.Errorf("item %d: %s: name part %s=%v", i, k, nk, nv)
						}
					}
				}
			case p.Ref == "#/definitions/date-variable":
				m, ok := v.(map[string]any)
				parts, _ := m["date-parts"].([]any)
				if !ok || len(parts) == 0 {
					t.Errorf("item %d: %s: bad date %v", i, k, v)
				}
				for _, dp := range parts {
					l, _ := dp.([]any)
					if len(l) < 1 || len(l) > 3 {
						t.Errorf("item %d: %s: date part %v", i, k, dp)
					}
				}
			default:
				if !typeAllows(p.Type, v) {
					t.Errorf("item %d: %s = %v: schema type %v", i, k, v, p.Type)
				}
			}
		}
	}
}

// typeAllows reports whether a JSON value has one of the schema's types ("string", or a list
// such as ["string", "number"]).
func typeAllows(typ any, v any) bool {
	kind := "object"
	switch v.(type) {
	case string:
		kind = "string"
	case float64:
		kind = "number"
	case bool:
		kind = "boolean"
	case []any:
		kind = "array"
	}
	switch tt := typ.(type) {
	case string:
		return tt == kind || (tt == "number" && kind == "number")
	case []any:
		for _, x := range tt {
			if x == kind {
				return true
			}
		}
	}
	return false
}

// TestBibliographyRandomRoundTrip: 400 generated sources with the characters each format must
// escape (LaTeX specials, unbalanced braces, dashes and quote ligatures, accents, emoji), name
// particles, suffixes, corporate authors and names with "and", through each format and our
// parsers: every work comes back as it was.
func TestBibliographyRandomRoundTrip(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(13, 4))
	pieces := []string{"Buddy", "werking", "{", "}", `\`, "%", "&", "$", "#", "_", "~", "^", "--", "---", "''", "``", `"`, "'", "@", ",", ";", ":",
		"é", "ë", "ß", "ø", "Ł", "–", "—", "“", "”", "€", "😀", "a-b", "x/y", "(1)", "[2]", "and", "AND", "=", "<b>", "100%", "C++"}
	phrase := func(n int) string {
		var ws []string
		for i := 0; i < n; i++ {
			ws = append(ws, pieces[r.IntN(len(pieces))])
		}
		return strings.Join(ws, " ")
	}
	families := []string{"Jansen", "van der Berg", "de Jong", "Van Robaeys", "Müller", "O'Brien", "Smith-Jones", "d'Alembert", "Tom and Jerry", "Núñez"}
	givens := []string{"Jan", "A. B.", "Marie-Claire", "Ève", "Jo and Co", ""}
	corporate := []string{"Vlaams Instituut voor Armoede & Welzijn", "Odisee", "Movisie {NL}", "Agentschap Opgroeien and Partners"}
	types := graph.Vocabularies["SourceType"]
	var srcs []graph.SourceRecord
	for i := 0; i < 400; i++ {
		// Each title is its own (works with the same title, year and first author are merged).
		f := map[string]any{"type": types[r.IntN(len(types))], "title": fmt.Sprintf("%s W%d", phrase(1+r.IntN(8)), i)}
		var authors []any
		for k := r.IntN(4); k > 0; k-- {
			switch r.IntN(5) {
			case 0:
				authors = append(authors, corporate[r.IntN(len(corporate))])
			case 1:
				authors = append(authors, families[r.IntN(len(families))]+", "+givens[r.IntN(len(givens)-1)]+", Jr.")
			default:
				a := families[r.IntN(len(families))]
				if g := givens[r.IntN(len(givens))]; g != "" {
					a += ", " + g
				}
				authors = append(authors, a)
			}
		}
		if len(authors) > 0 {
			f["authors"] = authors
		}
		if r.IntN(4) > 0 {
			f["year"] = int64(1950 + r.IntN(77))
		}
		opt := func(name, v string) {
			if r.IntN(2) == 0 {
				f[name] = v
			}
		}
		opt("container", phrase(1+r.IntN(4)))
		opt("volume", fmt.Sprint(1+r.IntN(99)))
		opt("issue", fmt.Sprint(1+r.IntN(12)))
		opt("pages", fmt.Sprintf("%d-%d", 1+r.IntN(100), 101+r.IntN(100)))
		opt("publisher", phrase(1+r.IntN(3)))
		opt("doi", fmt.Sprintf("10.%d/abc_%d(x)%d", 1000+r.IntN(9000), i, r.IntN(99)))
		opt("isbn", "978-90-"+fmt.Sprint(100000+r.IntN(899999))+"-"+fmt.Sprint(10+r.IntN(89))) // 13 digits
		opt("url", fmt.Sprintf("https://example.org/p_%d?q=a&b=50%%25#frag", i))
		opt("language", []string{"nl", "en", "fr", "de"}[r.IntN(4)])
		srcs = append(srcs, graph.SourceRecord{ID: fmt.Sprintf("kring:source/gen-%d", i), Fields: f})
	}
	for _, format := range ingest.BibliographyFormats {
		var buf bytes.Buffer
		if err := ingest.WriteBibliography(&buf, format, srcs); err != nil {
			t.Fatal(err)
		}
		name := map[string]string{ingest.FormatBibTeX: "r.bib", ingest.FormatRIS: "r.ris", ingest.FormatCSLJSON: "r.json"}[format]
		st := graphtest.NewMemory(t)
		if _, err := ingest.Load(ctx, st, []ingest.File{{Name: name, Data: buf.Bytes()}}, ingest.Options{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		back, err := st.SourceRecords(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]*graph.SourceRecord{}
		for i := range back {
			byID[back[i].ID] = &back[i]
		}
		same, shown := 0, 0
		for i := range srcs {
			b, ok := byID[srcs[i].ID]
			if ok && work(b) == work(&srcs[i]) {
				same++
				continue
			}
			if shown++; shown <= 5 {
				got := "(missing)"
				if ok {
					got = work(b)
				}
				t.Errorf("%s: %s:\n got %s\nwant %s", format, srcs[i].ID, got, work(&srcs[i]))
			}
		}
		t.Logf("%s: %d generated, %d identical after re-import", format, len(srcs), same)
	}
}
