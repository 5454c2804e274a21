package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
)

// The -update flag rewrites golden files. Other golden tests of the package may define it too;
// it is defined here only when no one has yet.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
}

// updateGoldens reports whether -update was given.
func updateGoldens() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// litDir holds the reference-manager export fixtures and their goldens.
const litDir = "testdata/literature"

// refParser is the common signature of ParseBibTeX, ParseRIS and ParseCSLJSON.
type refParser func(file string, r io.Reader) ([]Reference, error)

// readLitFixture returns the content of a fixture in testdata/literature.
func readLitFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(litDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// parseLitFixture parses a fixture, naming it by its base name.
func parseLitFixture(tb testing.TB, parse refParser, name string) ([]Reference, error) {
	tb.Helper()
	return parse(name, bytes.NewReader(readLitFixture(tb, name)))
}

// checkLitGolden compares refs with testdata/literature/<name>.golden.json, or rewrites that file
// under -update.
func checkLitGolden(t *testing.T, name string, refs []Reference) {
	t.Helper()
	path := filepath.Join(litDir, name+".golden.json")
	got, err := json.MarshalIndent(refs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if updateGoldens() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var want []Reference
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("%s mismatch (-want +got); run go test -update if the change is right:\n%s", name, diff)
	}
}

// TestGoldens parses every well-formed fixture without problems and compares the records with
// their goldens.
func TestGoldens(t *testing.T) {
	tests := []struct {
		name  string
		parse refParser
		n     int
	}{
		{"overlap.bib", ParseBibTeX, 8},
		{"overlap.ris", ParseRIS, 7},
		{"overlap.json", ParseCSLJSON, 7},
		{"quirks.bib", ParseBibTeX, 13},
		{"endnote.ris", ParseRIS, 7},
		{"zotero.json", ParseCSLJSON, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := parseLitFixture(t, tt.parse, tt.name)
			if err != nil {
				t.Fatalf("unexpected problems: %v", err)
			}
			if len(refs) != tt.n {
				t.Errorf("got %d records, want %d", len(refs), tt.n)
			}
			checkLitGolden(t, tt.name, refs)
		})
	}
}

// TestOverlapDedup reads the three overlapping exports (the same works with DOIs spelled
// bare, as URLs, with doi: and in other case, and works without a DOI whose titles differ in
// punctuation and diacritics) and checks how many distinct works their union holds.
func TestOverlapDedup(t *testing.T) {
	const want = 13
	keys := map[string][]string{} // DedupKey -> "file:line" of each record
	for _, f := range []struct {
		name  string
		parse refParser
	}{{"overlap.bib", ParseBibTeX}, {"overlap.ris", ParseRIS}, {"overlap.json", ParseCSLJSON}} {
		refs, err := parseLitFixture(t, f.parse, f.name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range refs {
			k := r.DedupKey()
			keys[k] = append(keys[k], r.File)
		}
	}
	if len(keys) != want {
		t.Errorf("union of the overlap files has %d distinct works, want %d:", len(keys), want)
		for k, files := range keys {
			t.Logf("  %s: %v", k, files)
		}
	}
	// The works that are in more than one file, with the files they are in.
	wantShared := map[string][]string{
		"doi:10.1016/s0272-7358(01)00102-7":                                       {"overlap.bib", "overlap.ris"},
		"doi:10.1192/bjp.bp.109.064089":                                           {"overlap.bib", "overlap.json"},
		"doi:10.1186/1471-2458-11-647":                                            {"overlap.ris", "overlap.json"},
		"doi:10.1177/1088868310377394":                                            {"overlap.bib", "overlap.json"},
		"tyf:kwetsbaar verbonden de duo methodiek in vlaanderen|2018|van robaeys": {"overlap.bib", "overlap.ris", "overlap.json"},
		"tyf:eigen kracht conferenties voor groepen in de openbare geestelijke gezondheidszorg|2012|de jong":                      {"overlap.bib", "overlap.json"},
		"tyf:vrijwillige inzet bij sociaal geisoleerden met multiproblematiek mogelijkheden voorwaarden en rollen|2013|machielse": {"overlap.bib", "overlap.ris"},
		"tyf:wat werkt bij het versterken van het sociale netwerk van gezinnen|2015|bartelink":                                    {"overlap.ris", "overlap.json"},
	}
	for k, files := range wantShared {
		if diff := cmp.Diff(files, keys[k]); diff != "" {
			t.Errorf("files holding %s (-want +got):\n%s", k, diff)
		}
	}
}

// checkRefsParsed is the property every parse must have, whatever the input: records name their
// file and a line, DOIs are normalised, and the error is a *graph.ValidationError whose problems
// name the file and a line.
func checkRefsParsed(t *testing.T, file string, refs []Reference, err error) {
	t.Helper()
	for i, r := range refs {
		if r.File != file || r.Line < 1 {
			t.Errorf("record %d: File %q Line %d, want File %q and Line >= 1", i, r.File, r.Line, file)
		}
		if r.DOI != "" && NormalizeDOI(r.DOI) != r.DOI {
			t.Errorf("record %d: DOI %q is not normalised", i, r.DOI)
		}
	}
	if err == nil {
		return
	}
	var ve *graph.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("error %T %v is not a *graph.ValidationError", err, err)
	}
	if len(ve.Problems) == 0 {
		t.Errorf("validation error without problems")
	}
	for _, p := range ve.Problems {
		if p.File != file || p.Line < 1 || p.Message == "" {
			t.Errorf("problem %+v: want File %q, Line >= 1 and a message", p, file)
		}
	}
	if _, err := json.Marshal(refs); err != nil {
		t.Errorf("records do not marshal: %v", err)
	}
}

// checkProblems compares the problems of err, as "file:line:col: field: message" strings, with
// want.
func checkProblems(t *testing.T, err error, want []string) {
	t.Helper()
	var got []string
	for _, p := range litProblems(t, err) {
		got = append(got, p.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// litProblems returns the problems of a *graph.ValidationError (nil for a nil error).
func litProblems(t *testing.T, err error) []graph.Problem {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *graph.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %T %v is not a *graph.ValidationError", err, err)
	}
	return ve.Problems
}

// refKeys returns the keys of refs in order.
func refKeys(refs []Reference) []string {
	var keys []string
	for _, r := range refs {
		keys = append(keys, r.Key)
	}
	return keys
}

// litErrReader fails every read.
type litErrReader struct{}

func (litErrReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	for name, parse := range map[string]refParser{"bib": ParseBibTeX, "ris": ParseRIS, "json": ParseCSLJSON} {
		refs, err := parse("x."+name, litErrReader{})
		if refs != nil || !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("%s: got %v, %v; want no records and a validation error", name, refs, err)
		}
	}
}

func TestNormalizeLanguage(t *testing.T) {
	tests := map[string]string{
		"dutch": "nl", "Dutch": "nl", "nl-BE": "nl", "nl_NL": "nl", "english": "en", "en-US": "en",
		"eng": "en", "ngerman": "de", "French": "fr", "fr-BE": "fr", "Klingon": "Klingon",
		" x-y ": "x-y", "": "",
	}
	for in, want := range tests {
		if got := normalizeLanguage(in); got != want {
			t.Errorf("normalizeLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizePages(t *testing.T) {
	tests := map[string]string{
		"381--440": "381-440", "381–440": "381-440", "381 - 440": "381-440", "e1088": "e1088",
		"83ff": "83ff", " 5 -- 23 ": "5-23", "": "",
	}
	for in, want := range tests {
		if got := normalizePages(in); got != want {
			t.Errorf("normalizePages(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLooksLikeISBN(t *testing.T) {
	tests := map[string]bool{
		"0-19-512670-X":            true,
		"978-90-8869-117-1":        true,
		"9789088691171":            true,
		"ISBN 0-19-512670-X (pbk)": true,
		"0-19-512670-X; 0-19-5126": true,
		"0272-7358":                false,
		"1471-244X":                false,
		"0007-1250, 1472-1465":     false,
		"":                         false,
		"12345678901":              false,
	}
	for in, want := range tests {
		if got := looksLikeISBN(in); got != want {
			t.Errorf("looksLikeISBN(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseISODate(t *testing.T) {
	tests := []struct {
		in          string
		year, month int
		ok          bool
	}{
		{"2018", 2018, 0, true},
		{"2018-05", 2018, 5, true},
		{"2018-05-12", 2018, 5, true},
		{"2018/05", 2018, 5, true},
		{"2018-01/2018-12", 2018, 1, true},
		{"2018/2019", 2018, 0, true},
		{"2018/", 2018, 0, true},
		{"2018/..", 2018, 0, true},
		{"2018-13", 0, 0, false},
		{"2018-05-32", 0, 0, false},
		{"18-05", 0, 0, false},
		{"May 2018", 0, 0, false},
		{"", 0, 0, false},
		{"/2018", 0, 0, false},
	}
	for _, tt := range tests {
		y, m, ok := parseISODate(tt.in)
		if y != tt.year || m != tt.month || ok != tt.ok {
			t.Errorf("parseISODate(%q) = %d, %d, %v; want %d, %d, %v", tt.in, y, m, ok, tt.year, tt.month, tt.ok)
		}
	}
}
