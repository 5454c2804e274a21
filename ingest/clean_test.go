package ingest_test

import (
	"context"
	"strings"
	"testing"

	"kring/graph/graphtest"
	"kring/ingest"
)

// TestControlCharacters: a control character in a field of any input format rejects the load
// with file:line:column: field and what it is; tab, newline and CRLF line ends are fine.
func TestControlCharacters(t *testing.T) {
	bib := func(title string) string {
		return "@article{a1,\n  author = {Peeters, An},\n  title = {" + title + "},\n  journal = {Social Networks},\n  year = {2020}\n}\n"
	}
	ris := func(title string) string {
		return "TY  - JOUR\r\nAU  - Peeters, An\r\nTI  - " + title + "\r\nJO  - Social Networks\r\nPY  - 2020\r\nER  - \r\n"
	}
	csl := func(title string) string {
		return `[{"id": "a1", "type": "article-journal", "title": "` + title + `", "author": [{"family": "Peeters", "given": "An"}], "issued": {"date-parts": [[2020]]}}]`
	}
	sheet := "source\tsubject\toutcome\tnote\ns1\tmethod/m1\toutcome/o1\tok\n"
	kb := func(title string) string {
		return "format: kring-batch/1\nbatch:\n  id: ctl\nsources:\n  - id: source/ctl\n    type: GREY_BE\n    title: " + title + "\n    status: CANDIDATE\n"
	}
	tests := []struct {
		name, file, data string
		want             []string // the problems, as file:line:column: field: message
	}{
		{"bibtex NUL", "a.bib", bib("Net\x00works"), []string{"a.bib:3:15: title: control character U+0000 (NUL) is not allowed: remove it"}},
		{"bibtex ESC", "a.bib", bib("\x1b[31mred"), []string{"a.bib:3:12: title: control character U+001B (ESC) is not allowed: remove it"}},
		{"bibtex DEL in key", "a.bib", strings.Replace(bib("x"), "a1", "a\x7f1", 1), []string{"a.bib:1:11: key: control character U+007F (DEL) is not allowed: remove it"}},
		{"bibtex C1", "a.bib", bib("caf\u0085e"), []string{"a.bib:3:15: title: control character U+0085 (NEL) is not allowed: remove it"}},
		{"bibtex U+2028", "a.bib", bib("one\u2028two"), []string{"a.bib:3:15: title: character U+2028 (LINE SEPARATOR) is not allowed: remove it"}},
		{"bibtex lone CR", "a.bib", bib("one\rtwo"), []string{"a.bib:3:15: title: control character U+000D (CR) not followed by a newline is not allowed: use LF or CRLF line ends"}},
		{"bibtex tab and newline", "a.bib", bib("one\ttwo\n  three"), nil},
		{"bibtex CRLF", "a.bib", strings.ReplaceAll(bib("x"), "\n", "\r\n"), nil},
		{"bibtex macro", "a.bib", "@string{bad = \"x\x00y\"}\n" + strings.Replace(bib("x"), "{x}", "bad", 1), []string{
			"a.bib:1:17: control character U+0000 (NUL) is not allowed: remove it",
			"a.bib:4:3: title: control character U+0000 (NUL) is not allowed: remove it (from a @string macro or crossref)"}},
		{"ris NUL", "a.ris", ris("Net\x00works"), []string{"a.ris:3:10: TI: control character U+0000 (NUL) is not allowed: remove it"}},
		{"ris C1 in continuation", "a.ris", strings.Replace(ris("x"), "JO  -", "  more\u009b\r\nJO  -", 1), []string{"a.ris:4:7: TI: control character U+009B (C1 control) is not allowed: remove it"}},
		{"ris CRLF", "a.ris", ris("Networks"), nil},
		{"csl-json escaped NUL", "a.json", csl(`Net\u0000works`), []string{"a.json:1:42: title: control character U+0000 (NUL) is not allowed: remove it"}},
		{"csl-json raw DEL", "a.json", csl("Net\x7fworks"), []string{"a.json:1:42: title: control character U+007F (DEL) is not allowed: remove it"}},
		{"csl-json escaped ESC in a name", "a.json", strings.Replace(csl("x"), `"An"`, `"A\u001bn"`, 1), []string{"a.json:1:56: author: control character U+001B (ESC) is not allowed: remove it"}},
		{"coding sheet", "s.tsv", strings.Replace(sheet, "ok", "o\x00k", 1), []string{"s.tsv:2:26: note: control character U+0000 (NUL) is not allowed: remove it"}},
		{"kb plain scalar", "k.yaml", kb("bad\u0085title"), []string{"k.yaml:7:15: title: control character U+0085 (NEL) is not allowed: remove it"}},
		{"kb escaped", "k.yaml", kb(`"bad\x1btitle"`), []string{"k.yaml:7:12: title: control character U+001B (ESC) is not allowed: remove it"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := graphtest.NewMemory(t)
			rep, _ := ingest.Load(context.Background(), st, []ingest.File{{Name: tc.file, Data: []byte(tc.data)}}, ingest.Options{SourceType: "GREY_BE"})
			var got []string
			for _, p := range rep.Problems {
				if strings.Contains(p.Message, "is not allowed") {
					got = append(got, p.String())
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("control problems:\n got %q\nwant %q\n(all problems: %v)", got, tc.want, rep.Problems)
			}
			if len(tc.want) > 0 && !rep.Rejected() {
				t.Errorf("not rejected")
			}
		})
	}
}

func TestCleanFileName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"lit.bib", "lit.bib"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\an\lit.bib`, "lit.bib"},
		{"a\x00b\x1b[31m\tc.bib", "a\uFFFDb\uFFFD[31m\uFFFDc.bib"},
		{"<b>x</b>.bib", "b>.bib"},
		{"<i onclick=x>.bib", "<i onclick=x>.bib"},
		{"  ", "upload"},
		{"dir/..", "upload"},
		{"bad\xffutf8.bib", "bad\uFFFDutf8.bib"},
		{strings.Repeat("é", 250) + ".ris", strings.Repeat("é", 195) + "….ris"},
	} {
		if got := ingest.CleanFileName(tc.in); got != tc.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
