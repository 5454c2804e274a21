package ingest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
)

// refTitles returns the titles of refs in order.
func refTitles(refs []Reference) []string {
	var titles []string
	for _, r := range refs {
		titles = append(titles, r.Title)
	}
	return titles
}

func TestParseRISBad(t *testing.T) {
	refs, err := parseLitFixture(t, ParseRIS, "bad.ris")
	checkRefsParsed(t, "bad.ris", refs, err)
	if diff := cmp.Diff([]string{"Stress and social support: In search of optimal matching"}, refTitles(refs)); diff != "" {
		t.Errorf("records returned (-want +got):\n%s", diff)
	}
	p := func(line int, field, msg string) graph.Problem {
		return graph.Problem{File: "bad.ris", Line: line, Field: field, Message: msg}
	}
	want := []graph.Problem{
		p(12, "", "line outside a record: a record starts with TY"),
		p(17, "", `malformed tag line "PY - 2004": want "TAG  - value" (two spaces, dash, space)`),
		p(21, "TY", `unknown reference type "JOURNAL"`),
		p(29, "AU", `name ", Tine" has no family name before the comma`),
		p(31, "PY", `invalid year "20O6": want YYYY or YYYY/MM/DD/`),
		p(32, "DA", `invalid date "2006/13/01": want YYYY/MM/DD`),
		p(33, "DO", `invalid doi "10.9999"`),
		p(36, "ER", "record is not closed with ER before the next TY at line 40"),
		p(40, "ER", "record has no ER end tag before the end of the file"),
	}
	if diff := cmp.Diff(want, litProblems(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestParseRISRecords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Reference
		errs []string
	}{
		{
			name: "continuation lines, repeated tags, PY and DA, pages, ISSN and ISBN",
			in: "\r\n\r\nTY  - CHAP\r\nID  - gottlieb1988\r\nT1  - Support interventions:\r\n  a typology\r\n" +
				"TI  - Second title\r\nA1  - Gottlieb, Benjamin H.\r\nAU  - Nederlands Jeugdinstituut\r\n" +
				"ED  - Duck, S. W.\r\nA2  - de Wit, J., Jr.\r\nA2  - \r\nBT  - Handbook of personal relationships\r\n" +
				"PY  - 1988///\r\nDA  - 1988/06/01/\r\nSP  - 519\r\nEP  - 541\r\nSN  - ISBN 0-471-91813-0\r\n" +
				"SN  - 0022-4537\r\nUR  - https://doi.org/10.1234/5678\r\nUR  - https://example.org/2\r\n" +
				"KW  - support\r\nKW  - networks\r\nsecond keyword line\r\nLA  - English\r\nAB  - First\r\nN2  - Second\r\n" +
				"ZZ  - unknown tag\r\nER  -\r\n",
			want: []Reference{{
				Key: "gottlieb1988", Type: "chapter", Title: "Support interventions: a typology",
				Authors: []Name{{Family: "Gottlieb", Given: "Benjamin H."}, {Literal: "Nederlands Jeugdinstituut"}},
				Editors: []Name{{Family: "Duck", Given: "S. W."}, {Family: "Wit", Particle: "de", Given: "J.", Suffix: "Jr."}},
				Year:    1988, Month: 6,
				Container: "Handbook of personal relationships",
				Pages:     "519-541",
				ISBN:      "ISBN 0-471-91813-0",
				URL:       "https://doi.org/10.1234/5678",
				DOI:       "10.1234/5678",
				Language:  "en",
				Abstract:  "First",
				Keywords:  []string{"support", "networks", "second keyword line"},
				Extra: map[string][]string{
					"TI": {"Second title"}, "SN": {"0022-4537"}, "UR": {"https://example.org/2"},
					"N2": {"Second"}, "ZZ": {"unknown tag"},
				},
				File: "t.ris", Line: 3,
			}},
		},
		{
			name: "book title from BT, DA only, single page",
			in:   "TY  - BOOK\nBT  - Kwetsbaar verbonden\nDA  - 2018/05\nSP  - 12\nER  - \nTY  - GEN\nEP  - 7\nJA  - Abbr\nJO  - Journal\nER  - \n",
			want: []Reference{
				{Type: "book", Title: "Kwetsbaar verbonden", Year: 2018, Month: 5, Pages: "12", File: "t.ris", Line: 1},
				{Type: "misc", Pages: "7", Container: "Journal", Extra: map[string][]string{"JA": {"Abbr"}}, File: "t.ris", Line: 6},
			},
		},
		{
			name: "problems",
			in:   "ER  - \nTY  - \nER  - \nTY  - JOUR\nPY  -2018\nER  - \nTY  - JOUR\npy  - 2018\nER  - \nAU  - Stray, A.\nmore stray\n",
			errs: []string{
				"t.ris:1: ER: tag outside a record: a record starts with TY",
				"t.ris:2: TY: missing reference type",
				`t.ris:5: malformed tag line "PY  -2018": want "TAG  - value" (two spaces, dash, space)`,
				`t.ris:8: malformed tag line "py  - 2018": want "TAG  - value" (two spaces, dash, space)`,
				"t.ris:10: AU: tag outside a record: a record starts with TY",
			},
		},
		{
			name: "malformed outside",
			in:   "TY - JOUR\n",
			errs: []string{`t.ris:1: malformed line outside a record: want "TAG  - value"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := ParseRIS("t.ris", strings.NewReader(tt.in))
			checkRefsParsed(t, "t.ris", refs, err)
			if diff := cmp.Diff(tt.want, refs); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			checkProblems(t, err, tt.errs)
		})
	}
}

func TestParseRISDate(t *testing.T) {
	tests := []struct {
		in          string
		year, month int
		ok          bool
	}{
		{"2018", 2018, 0, true},
		{"2018///", 2018, 0, true},
		{"2018/05/12", 2018, 5, true},
		{"2018/05/12/Spring", 2018, 5, true},
		{"2018/05//", 2018, 5, true},
		{"2018-05-12", 2018, 5, true},
		{"2018/5", 2018, 5, true},
		{"2018/13/01", 0, 0, false},
		{"2018/05/40", 0, 0, false},
		{"2018/May", 0, 0, false},
		{"18///", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		y, m, ok := parseRISDate(tt.in)
		if y != tt.year || m != tt.month || ok != tt.ok {
			t.Errorf("parseRISDate(%q) = %d, %d, %v; want %d, %d, %v", tt.in, y, m, ok, tt.year, tt.month, tt.ok)
		}
	}
}

func FuzzParseRIS(f *testing.F) {
	for _, name := range []string{"overlap.ris", "endnote.ris", "bad.ris"} {
		data := readLitFixture(f, name)
		f.Add(data)
		// Single records too: small seeds minimise fast, so a short run explores more.
		for _, rec := range bytes.SplitAfter(data, []byte("ER  - ")) {
			f.Add(rec)
		}
	}
	f.Add([]byte("TY  - JOUR\nAU  - ,\nPY  - 2018/\n  cont\nER  -"))
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := ParseRIS("fuzz.ris", bytes.NewReader(data))
		checkRefsParsed(t, "fuzz.ris", refs, err)
	})
}

// TestEndNoteFixtureEncoding guards the fixture's point: it must keep its byte-order mark and CRLF
// line ends (a .gitattributes text=auto would silently normalise them).
func TestEndNoteFixtureEncoding(t *testing.T) {
	data := readLitFixture(t, "endnote.ris")
	if !bytes.HasPrefix(data, []byte("\uFEFF")) || !bytes.Contains(data, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("endnote.ris must start with a UTF-8 byte-order mark and use CRLF line ends throughout")
	}
}
