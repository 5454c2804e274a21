package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
)

func TestParseCSLJSONBad(t *testing.T) {
	refs, err := parseLitFixture(t, ParseCSLJSON, "bad.json")
	checkRefsParsed(t, "bad.json", refs, err)
	if diff := cmp.Diff([]string{"pinto2006"}, refKeys(refs)); diff != "" {
		t.Errorf("records returned (-want +got):\n%s", diff)
	}
	p := func(line int, field, msg string) graph.Problem {
		return graph.Problem{File: "bad.json", Line: line, Field: field, Message: msg}
	}
	want := []graph.Problem{
		p(11, "", "item 2 is not an object"),
		p(14, "type", `unknown item type "journal-article"`),
		p(15, "title", "expected a string, found an array"),
		p(16, "author", "expected an array of names, found a string"),
		p(17, "issued", `date-parts: expected numbers, found "nineteen ninety"`),
		p(23, "author", "name 1: given: expected a string, found a number"),
		p(23, "author", "name 2 is not an object"),
		p(24, "editor", "name 1 has no family name or literal"),
		p(25, "issued", `raw: invalid date "sometime"`),
		p(26, "DOI", `invalid doi "not-a-doi"`),
		p(27, "volume", "expected a string, found a boolean"),
		p(29, "type", "missing item type"),
		p(37, "issued", "date-parts: invalid month 13"),
	}
	if diff := cmp.Diff(want, litProblems(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestParseCSLJSONItems(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Reference
		errs []string
	}{
		{
			name: "names, dates, numbers, keywords, extra",
			in: "\uFEFF[{\"id\": 7, \"type\": \"chapter\", \"title\": \" A  title \",\n" +
				"\"author\": [{\"family\": \"Beethoven\", \"given\": \"Ludwig\", \"dropping-particle\": \"van\"}," +
				" {\"literal\": \"Movisie\", \"given\": \"ignored\"}, {\"family\": \"King\", \"given\": \"M. L.\", \"suffix\": \"Jr.\"}],\n" +
				"\"editor\": [{\"family\": \"Duck\", \"given\": null}],\n" +
				"\"issued\": {\"date-parts\": [[\"1988\", \"6\", \"1\"]]}, \"volume\": 3, \"issue\": \"2\", \"page\": 519,\n" +
				"\"URL\": \"https://dx.doi.org/10.1234/ABC\", \"keyword\": [\"a\", \" b \"], \"ISBN\": \"0-471-91813-0\",\n" +
				"\"language\": \"fr-BE\", \"publisher\": \"Wiley\", \"note\": null, \"custom\": {\"x\": [1, 2]}}]",
			want: []Reference{{
				Key: "7", Type: "chapter", Title: "A title",
				Authors: []Name{
					{Family: "Beethoven", Given: "Ludwig", Particle: "van"},
					{Literal: "Movisie"},
					{Family: "King", Given: "M. L.", Suffix: "Jr."},
				},
				Editors: []Name{{Family: "Duck"}},
				Year:    1988, Month: 6, Volume: "3", Issue: "2", Pages: "519",
				URL: "https://dx.doi.org/10.1234/ABC", DOI: "10.1234/abc", Keywords: []string{"a", "b"},
				ISBN: "0-471-91813-0", Language: "fr", Publisher: "Wiley",
				Extra: map[string][]string{"custom": {`{"x":[1,2]}`}},
				File:  "t.json", Line: 1,
			}},
		},
		{
			name: "literal and plain-string dates",
			in: "[\n  {\"type\": \"webpage\", \"issued\": {\"literal\": \"Spring 2018\"}},\n" +
				"  {\"type\": \"thesis\", \"issued\": \"2001-05\"},\n  {\"type\": \"report\", \"issued\": {\"date-parts\": [[]]}}\n]",
			want: []Reference{
				{Type: "webpage", Year: 2018, File: "t.json", Line: 2},
				{Type: "thesis", Year: 2001, Month: 5, File: "t.json", Line: 3},
				{Type: "report", File: "t.json", Line: 4},
			},
		},
		{
			name: "not an array",
			in:   "\n{\"type\": \"book\"}",
			errs: []string{"t.json:2: expected a JSON array of CSL items"},
		},
		{
			name: "syntax error keeps the items before it",
			in:   "[\n {\"type\": \"book\", \"title\": \"A\"},\n {\"type\": \"book\", \"title\": tru}\n]",
			want: []Reference{{Type: "book", Title: "A", File: "t.json", Line: 2}},
			errs: []string{"t.json:3: invalid JSON: invalid character '}' in literal true (expecting 'e')"},
		},
		{
			name: "truncated",
			in:   "[\n {\"type\": \"book\"",
			errs: []string{"t.json:2: invalid JSON: unexpected end of JSON input"},
		},
		{
			name: "empty input",
			in:   "",
			errs: []string{"t.json:1: invalid JSON: unexpected end of JSON input"},
		},
		{
			name: "data after the array",
			in:   "[]\n[]",
			errs: []string{"t.json:2: unexpected [ after the array of items"},
		},
		{
			name: "bad date objects",
			in:   "[{\"type\": \"book\", \"issued\": 2018}, {\"type\": \"book\", \"issued\": {\"season\": 1}},\n{\"type\": \"book\", \"issued\": {\"date-parts\": 2018}}, {\"type\": \"book\", \"issued\": {\"date-parts\": [[99]]}},\n{\"type\": \"book\", \"issued\": {\"raw\": 2018}}, {\"type\": \"book\", \"keyword\": 3},\n{\"type\": \"book\", \"author\": [null]}]",
			errs: []string{
				"t.json:1: issued: expected a date object, found a number",
				"t.json:1: issued: no date-parts, raw or literal",
				"t.json:2: issued: date-parts: expected an array of arrays",
				"t.json:2: issued: date-parts: invalid year 99",
				"t.json:3: issued: raw: expected a string, found a number",
				"t.json:3: keyword: expected a string, found a number",
				"t.json:4: author: name 1 is not an object",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := ParseCSLJSON("t.json", strings.NewReader(tt.in))
			checkRefsParsed(t, "t.json", refs, err)
			if diff := cmp.Diff(tt.want, refs); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			checkProblems(t, err, tt.errs)
		})
	}
}

func TestParseLooseDate(t *testing.T) {
	tests := []struct {
		in          string
		year, month int
		ok          bool
	}{
		{"2018-05-12", 2018, 5, true},
		{"May 2018", 2018, 5, true},
		{"12 Sept. 2018", 2018, 9, true},
		{"Spring 2018", 2018, 0, true},
		{"2018/2019", 2018, 0, true},
		{"sometime", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		y, m, ok := parseLooseDate(tt.in)
		if y != tt.year || m != tt.month || ok != tt.ok {
			t.Errorf("parseLooseDate(%q) = %d, %d, %v; want %d, %d, %v", tt.in, y, m, ok, tt.year, tt.month, tt.ok)
		}
	}
}

func FuzzParseCSLJSON(f *testing.F) {
	for _, name := range []string{"overlap.json", "zotero.json", "bad.json"} {
		data := readLitFixture(f, name)
		f.Add(data)
		// Single items too: small seeds minimise fast, so a short run explores more.
		var items []json.RawMessage
		if json.Unmarshal(data, &items) == nil {
			for _, item := range items {
				f.Add([]byte("[" + string(item) + "]"))
			}
		}
	}
	f.Add([]byte(`[{"type":"book","issued":{"date-parts":[["2018",1e3]]},"author":[{"family":1}]}, 3, [] ]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := ParseCSLJSON("fuzz.json", bytes.NewReader(data))
		checkRefsParsed(t, "fuzz.json", refs, err)
	})
}
