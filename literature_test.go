package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kring/ingest"
)

const litDir = "ingest/testdata/literature"

// countSources asks the API how many sources the store holds.
func countSources(t *testing.T, env map[string]string) int {
	t.Helper()
	code, out, stderr := runCLI(t, env, "", "query", "--no-starter", `{ sources(first: 500) { totalCount } }`)
	if code != 0 {
		t.Fatalf("query: exit %d: %s %s", code, out, stderr)
	}
	var resp struct {
		Data struct{ Sources struct{ TotalCount int } }
	}
	if err := json.Unmarshal([]byte(out), &resp); err != nil {
		t.Fatal(err)
	}
	return resp.Data.Sources.TotalCount
}

func exportAll(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, out, stderr := runCLI(t, env, "", append([]string{"export"}, args...)...)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	return out
}

// TestLoadLiteratureCLI is the "done means", through the CLI on bolt: a BibTeX, a RIS
// and a CSL-JSON export that overlap give exactly the distinct works; loading them again changes
// nothing; a malformed file is rejected with its name and line and the store is unchanged.
func TestLoadLiteratureCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KRING_DATA": filepath.Join(dir, "data")}
	files := []string{filepath.Join(litDir, "overlap.bib"), filepath.Join(litDir, "overlap.ris"), filepath.Join(litDir, "overlap.json")}

	// Without a type for books and reports, the load is rejected and names the records.
	code, _, stderr := runCLI(t, env, "", append([]string{"load"}, files...)...)
	if code != 1 || !strings.Contains(stderr, "overlap.bib:44: type: cannot tell which kind of source a book is") || !strings.Contains(stderr, "nothing was written") {
		t.Fatalf("load without --source-type: exit %d; stderr:\n%s", code, stderr)
	}

	code, out, stderr := runCLI(t, env, "", append([]string{"load", "--source-type", "GREY_BE"}, files...)...)
	if code != 0 || !strings.Contains(out, ": loaded") {
		t.Fatalf("load: exit %d\n%s\n%s", code, out, stderr)
	}
	if got := countSources(t, env); got != 13 {
		t.Errorf("sources = %d; want 13", got)
	}
	before := exportAll(t, env)

	code, out, _ = runCLI(t, env, "", append([]string{"load", "--source-type", "GREY_BE"}, files...)...)
	if code != 0 || !strings.Contains(out, "unchanged (already loaded)") || !strings.Contains(out, "0 added, 0 removed") {
		t.Errorf("second load: exit %d; want unchanged:\n%s", code, out)
	}

	bad := filepath.Join(litDir, "bad.json")
	code, out, stderr = runCLI(t, env, "", "load", "--source-type", "GREY_BE", files[0], bad)
	if code != 1 || !strings.Contains(stderr, bad+":") || !strings.Contains(stderr, "nothing was written") {
		t.Errorf("malformed file: exit %d; stderr:\n%s", code, stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(line, "kring load:") {
			continue
		}
		if !strings.HasPrefix(line, bad+":") || strings.HasPrefix(line, bad+": ") {
			t.Errorf("problem %q does not name %s and a line", line, bad)
		}
	}
	if after := exportAll(t, env); after != before {
		t.Errorf("a rejected load changed the store")
	}
}

// TestLoadSkipInvalidCLI: --skip-invalid loads the valid rows and lists the others; --json gives
// the same report as the mutation.
func TestLoadSkipInvalidCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KRING_DATA": filepath.Join(dir, "data")}
	if code, _, stderr := runCLI(t, env, "", "load", "kb/starter.yaml"); code != 0 {
		t.Fatalf("load starter: %s", stderr)
	}
	sheet := "ingest/testdata/load/errors.tsv"
	code, out, stderr := runCLI(t, env, "", "load", "--json", "--skip-invalid", "--source-type", "GREY_BE", filepath.Join(litDir, "overlap.bib"), sheet)
	if code != 0 {
		t.Fatalf("load --skip-invalid: exit %d: %s", code, stderr)
	}
	var rep ingest.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if len(rep.Skipped) != 7 || len(rep.Batches) != 1 || !rep.Batches[0].Written {
		t.Errorf("report: %d skipped, batches %+v; want 7 skipped and one written batch", len(rep.Skipped), rep.Batches)
	}
	for _, p := range rep.Skipped {
		if p.File != sheet || p.Line < 2 || p.Field == "" {
			t.Errorf("skipped %v: want the sheet, the row's line and the column", p)
		}
	}
}

// TestRollbackLiteratureCLI: a literature batch that a later batch cites cannot be rolled back;
// the refusal names the dependent batch. After the dependent batch goes, it can.
func TestRollbackLiteratureCLI(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KRING_DATA": filepath.Join(dir, "data")}
	code, out, stderr := runCLI(t, env, "", "load", "--json", filepath.Join(litDir, "overlap.bib"), "--source-type", "GREY_BE")
	if code != 0 {
		t.Fatalf("load: %s", stderr)
	}
	var rep ingest.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	lit := rep.Batches[0].Batch
	kb := filepath.Join(dir, "cites.yaml")
	os.WriteFile(kb, []byte(`format: kring-batch/1
batch: {id: cites-hogan}
methods:
  - id: method/m
    name: m
    status: CANDIDATE
    sources: [source/hogan2002]
`), 0o644)
	if code, _, stderr := runCLI(t, env, "", "load", kb); code != 0 {
		t.Fatalf("load cites.yaml: %s", stderr)
	}
	code, _, stderr = runCLI(t, env, "", "batch", "rollback", lit)
	if code != 1 || !strings.Contains(stderr, "later batches depend on it") || !strings.Contains(stderr, "batch/cites-hogan") || !strings.Contains(stderr, "method/m → source/hogan2002") {
		t.Errorf("rollback of a cited batch: exit %d; stderr:\n%s", code, stderr)
	}
	for _, id := range []string{"cites-hogan", lit} {
		if code, out, stderr := runCLI(t, env, "", "batch", "rollback", id); code != 0 || !strings.Contains(out, "rolled back") {
			t.Errorf("rollback %s: exit %d: %s %s", id, code, out, stderr)
		}
	}
	if got := countSources(t, env); got != 0 {
		t.Errorf("sources after rolling back = %d; want 0", got)
	}
}

// TestExportLoadCLI: kring export, then kring load of the export into another data directory,
// gives the same quads.
func TestExportLoadCLI(t *testing.T) {
	dir := t.TempDir()
	a := map[string]string{"KRING_DATA": filepath.Join(dir, "a")}
	b := map[string]string{"KRING_DATA": filepath.Join(dir, "b")}
	if code, _, stderr := runCLI(t, a, "", "load", "--source-type", "GREY_BE", filepath.Join(litDir, "overlap.bib"), filepath.Join(litDir, "overlap.ris")); code != 0 {
		t.Fatal(stderr)
	}
	for _, format := range []string{"nquads", "jsonld"} {
		file := filepath.Join(dir, "export."+map[string]string{"nquads": "nq", "jsonld": "jsonld"}[format])
		os.WriteFile(file, []byte(exportAll(t, a, "--format", format)), 0o644)
		if code, out, stderr := runCLI(t, b, "", "load", file); code != 0 {
			t.Fatalf("load %s: exit %d: %s %s", file, code, out, stderr)
		}
		if got, want := exportAll(t, b), exportAll(t, a); got != want {
			t.Errorf("%s: the reloaded export differs", format)
		}
	}
	if code, _, stderr := runCLI(t, a, "", "export", "--batch", "nope"); code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("export of an unknown batch: exit %d: %s", code, stderr)
	}
}

// TestLoadSourceTypeFor: a dry run lists the records that need a source type (exit 1, nothing
// written); --source-type-for FILE:LINE=CODE gives one record its type and the load succeeds.
func TestLoadSourceTypeFor(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KRING_DATA": filepath.Join(dir, "data")}
	bib := filepath.Join(litDir, "overlap.bib")
	code, out, stderr := runCLI(t, env, "", "load", "--dry-run", bib)
	if code != 1 || !strings.Contains(out, bib+":44: book \"Kwetsbaar verbonden. De duo-methodiek in Vlaanderen\"") || !strings.Contains(stderr, "1 record(s) need a source type") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, env, "", "load", "--source-type-for", bib+":44=BOOK", bib); code == 0 || !strings.Contains(stderr, "want one of") {
		t.Fatalf("bad code: exit %d\n%s", code, stderr)
	}
	code, out, stderr = runCLI(t, env, "", "load", "--json", "--source-type-for", bib+":44=grey_be", bib)
	if code != 0 || !strings.Contains(out, `"written": true`) {
		t.Fatalf("load: exit %d\n%s\n%s", code, out, stderr)
	}
}
