package ingest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
)

func TestParseBibTeXBad(t *testing.T) {
	refs, err := parseLitFixture(t, ParseBibTeX, "bad.bib")
	checkRefsParsed(t, "bad.bib", refs, err)
	if diff := cmp.Diff([]string{"pinto2006"}, refKeys(refs)); diff != "" {
		t.Errorf("records returned (-want +got):\n%s", diff)
	}
	p := func(line, col int, field, msg string) graph.Problem {
		return graph.Problem{File: "bad.bib", Line: line, Column: col, Field: field, Message: msg}
	}
	want := []graph.Problem{
		p(17, 3, "title", `missing ',' after the value of "title"`),
		p(26, 15, "title", "unbalanced braces: missing '}'"),
		p(34, 13, "journal", `undefined @string macro "jscp"`),
		p(35, 3, "year", `invalid year "199O": want four digits`),
		p(44, 3, "crossref", `crossref target "duck1988" not found`),
		p(45, 3, "doi", `invalid doi "10.1002"`),
		p(48, 1, "key", `duplicate citation key "pinto2006" (first at line 3)`),
	}
	if diff := cmp.Diff(want, litProblems(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestParseBibTeXSyntax checks the problems reported for small broken inputs.
func TestParseBibTeXSyntax(t *testing.T) {
	tests := []struct {
		name string
		in   string
		keys []string
		want []string // Problem.String() of each problem
	}{
		{
			name: "entry not closed at end of file",
			in:   "@article{a, title = {T}, year = 2001,\n",
			want: []string{"t.bib:1:1: entry is not closed: missing '}'"},
		},
		{
			name: "entry not closed before next entry",
			in:   "@article{a, title = {T}\n@book{b, title = {U}}\n",
			keys: []string{"b"},
			want: []string{"t.bib:1:1: entry is not closed: missing '}'"},
		},
		{
			name: "missing key",
			in:   "@article{title = {T}, year = 2001}\n@misc{, title = {U}}",
			want: []string{"t.bib:1:10: key: missing citation key", "t.bib:2:7: key: missing citation key"},
		},
		{
			name: "missing equals",
			in:   "@misc{a,\n  title {T},\n  year = 2001}\n",
			want: []string{"t.bib:2:9: title: expected '=' after field name"},
		},
		{
			name: "missing value",
			in:   "@misc{a, title = , year = 2001}",
			want: []string{"t.bib:1:18: title: missing value"},
		},
		{
			name: "quoted value not closed",
			in:   "@misc{a, title = \"T\n}\n@misc{b}",
			keys: []string{"b"},
			want: []string{`t.bib:1:18: title: unbalanced braces: missing closing '"'`},
		},
		{
			name: "duplicate field",
			in:   "@misc{a, title = {T}, Title = {U}}",
			want: []string{"t.bib:1:23: title: duplicate field (first at line 1)"},
		},
		{
			name: "bad month and date",
			in:   "@misc{a, month = {Brumaire}, date = {2018-14}}",
			want: []string{
				`t.bib:1:10: month: invalid month "Brumaire"`,
				`t.bib:1:30: date: invalid date "2018-14": want YYYY, YYYY-MM or YYYY-MM-DD`,
			},
		},
		{
			name: "stray and in names",
			in:   "@misc{a, author = {Kal, D. and and Smith, J.}, editor = {A, B, C, D}}",
			want: []string{
				"t.bib:1:10: author: empty name in list (stray 'and')",
				`t.bib:1:48: editor: too many commas in name "A, B, C, D"`,
			},
		},
		{
			name: "type without brace",
			in:   "@article title = {T}\n@misc{b}",
			keys: []string{"b"},
			want: []string{"t.bib:1:9: expected '{' after @article"},
		},
		{
			name: "unbalanced string and preamble",
			in:   "@string{x = {abc}\n@preamble{ \"a\" \n@misc{b, title = x}",
			keys: []string{"b"},
			want: []string{
				"t.bib:1:1: entry is not closed: missing '}'",
				"t.bib:2:1: unbalanced braces: block is not closed before the next entry",
			},
		},
		{
			name: "text between entries and stray at signs are ignored",
			in:   "Mail me at someone@example.org.\n@comment without braces\n@misc{b}\n@comment{unclosed @misc{c}",
			keys: []string{"b", "c"},
		},
		{
			name: "parentheses and concatenation",
			in:   "@string(pre = \"Social \")\n@misc(b, title = pre # {Support} # \" \" # 2002, year = \"2002\")",
			keys: []string{"b"},
		},
		{
			name: "junk after string value",
			in:   "@string{x = {a} junk}\n@misc{b}",
			keys: []string{"b"},
			want: []string{`t.bib:1:17: expected '}', found "junk}"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := ParseBibTeX("t.bib", strings.NewReader(tt.in))
			checkRefsParsed(t, "t.bib", refs, err)
			if diff := cmp.Diff(tt.keys, refKeys(refs)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			checkProblems(t, err, tt.want)
		})
	}
}

func TestParseBibTeXFields(t *testing.T) {
	in := `@String{pub = "Movisie"}
@InBook{tier2015,
  author = {M. van der Tier and {Movisie} and Potting, Jr., Marjolein and others},
  title = {Een maatje voor iedereen?},
  year = {n.d.},
  date = {2015-06-01},
  month = jun,
  publisher = pub,
  isbn = {978-90-8869-117-1},
  howpublished = {\url{https://www.movisie.nl/publicatie/maatje-iedereen}},
  doi = {https://doi.org/10.1234/abc\_def\%2Fy},
  keywords = {maatjes, vrijwilligers; {\'e}l{\` + "`" + `e}ve},
  issue = {Spring},
  langid = {ngerman},
}`
	refs, err := ParseBibTeX("f.bib", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Reference{{
		Key:   "tier2015",
		Type:  "chapter",
		Title: "Een maatje voor iedereen?",
		Authors: []Name{
			{Given: "M.", Particle: "van der", Family: "Tier"},
			{Literal: "Movisie"},
			{Family: "Potting", Suffix: "Jr.", Given: "Marjolein"},
		},
		Year: 2015, Month: 6,
		Issue:     "Spring",
		Publisher: "Movisie",
		ISBN:      "978-90-8869-117-1",
		URL:       "https://www.movisie.nl/publicatie/maatje-iedereen",
		DOI:       "10.1234/abc_def/y",
		Language:  "de",
		Keywords:  []string{"maatjes", "vrijwilligers", "élève"},
		Extra: map[string][]string{
			"year":         {"n.d."},
			"howpublished": {`\url{https://www.movisie.nl/publicatie/maatje-iedereen}`},
		},
		File: "f.bib", Line: 2,
	}}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseBibName(t *testing.T) {
	tests := []struct {
		in   string
		want Name
	}{
		{"Hogan, B. E.", Name{Family: "Hogan", Given: "B. E."}},
		{"B.~E. Hogan", Name{Family: "Hogan", Given: "B. E."}},
		{"Nicola Mead", Name{Family: "Mead", Given: "Nicola"}},
		{"de Jong, Gideon", Name{Family: "Jong", Particle: "de", Given: "Gideon"}},
		{"Gideon de Jong", Name{Family: "Jong", Particle: "de", Given: "Gideon"}},
		{"van der Tier, M.", Name{Family: "Tier", Particle: "van der", Given: "M."}},
		{"M. van der Tier", Name{Family: "Tier", Particle: "van der", Given: "M."}},
		{"Ludwig von Mises", Name{Family: "Mises", Particle: "von", Given: "Ludwig"}},
		{"von Mises, Ludwig", Name{Family: "Mises", Particle: "von", Given: "Ludwig"}},
		{"Van Robaeys, Bart", Name{Family: "Van Robaeys", Given: "Bart"}},
		{"Van der Tier, M.", Name{Family: "Tier", Particle: "Van der", Given: "M."}},
		{"{Van Robaeys}, Bart", Name{Family: "Van Robaeys", Given: "Bart"}},
		{"{Lyssens-Danneboom}, Vicky", Name{Family: "Lyssens-Danneboom", Given: "Vicky"}},
		{"Jean de la Fontaine", Name{Family: "Fontaine", Particle: "de la", Given: "Jean"}},
		{"{Nederlands Jeugdinstituut}", Name{Literal: "Nederlands Jeugdinstituut"}},
		{"{{Movisie}}", Name{Literal: "Movisie"}},
		{"{\\'E}mile Durkheim", Name{Family: "Durkheim", Given: "Émile"}},
		{"Maja Dekovi{\\'c}", Name{Family: "Deković", Given: "Maja"}},
		{"{\\'e}mile de Bruin", Name{Family: "Bruin", Particle: "émile de"}},
		{"{van} Gogh, V.", Name{Family: "van Gogh", Given: "V."}},
		{"King, Jr., Martin Luther", Name{Family: "King", Suffix: "Jr.", Given: "Martin Luther"}},
		{"Plato", Name{Family: "Plato"}},
		{"\\\"Ozt\\\"urk, A.", Name{Family: "Öztürk", Given: "A."}},
	}
	for _, tt := range tests {
		got, msg := parseBibName(tt.in)
		if msg != "" {
			t.Errorf("parseBibName(%q): %s", tt.in, msg)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseBibName(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestSplitBibAnd(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"A and B", []string{"A ", " B"}},
		{"A AND B\nand C", []string{"A ", " B\n", " C"}},
		{"{Research and Training} and Sand, A.", []string{"{Research and Training} ", " Sand, A."}},
		{"Anderson, K.", []string{"Anderson, K."}},
		{"  ", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitBibAnd(tt.in)); diff != "" {
			t.Errorf("splitBibAnd(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestDecodeLaTeX(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{\'e}`, "é"},
		{`\'{e}`, "é"},
		{`\'e`, "é"},
		{`{\"\i}`, "ï"},
		{`ge\"{\i}soleerden`, "geïsoleerden"},
		{`\"{\i}`, "ï"},
		{`\^{o}\` + "`a", "ôà"},
		{`\~n \=a \.z \u{g} \H{o} \k{a} \r{u} \d{s} \b{b}`, "ñ ā ż ğ ő ą ů ṣ ḇ"},
		{`Fran\c{c}ois Fran\c cois`, "François François"},
		{`\v{S}koda \v s`, "Škoda š"},
		{`Stra\ss e {\ss}`, "Straße ß"},
		{`{\o}ster {\O} {\ae} {\AE} {\oe} {\aa} {\AA} {\l}{\L}`, "øster Ø æ Æ œ å Å łŁ"},
		{`Research \& Training, 50\% \$5 \#1 a\_b \{x\}`, "Research & Training, 50% $5 #1 a_b {x}"},
		{`381--440`, "381–440"},
		{`this---that`, "this—that"},
		{`a-b`, "a-b"},
		{`B.~E. Hogan`, "B. E. Hogan"},
		{`{{Case}} {Protected {Nested}}`, "Case Protected Nested"},
		{"  many \n\t spaces  ", "many spaces"},
		{`\emph{Kwartiermaken} and \textit{more} \textbf{bold}`, "Kwartiermaken and more bold"},
		{`\noopsort{a}Zebra`, "Zebra"},
		{`\href{https://x.org}{link}`, "link"},
		{"``quoted'' text", "“quoted” text"},
		{`$\alpha$ level`, "alpha level"},
		{`\LaTeX{} and \unknown`, "LaTeX and unknown"},
		{`\textendash\ \textemdash`, "– —"},
		{`\'{}`, "'"},
		{`trailing \`, "trailing"},
		{`\'`, "'"},
		{`\"{}{\i}`, "\"ı"},
		{`{\'{\'{\'{e}}}}`, "é\u0301\u0301"},
		{`plain text`, "plain text"},
	}
	for _, tt := range tests {
		if got := decodeLaTeX(tt.in); got != tt.want {
			t.Errorf("decodeLaTeX(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseBibTeX(f *testing.F) {
	for _, name := range []string{"overlap.bib", "quirks.bib", "bad.bib"} {
		data := readLitFixture(f, name)
		f.Add(data)
		// Single entries too: the fuzzer minimises what it finds in O(n²) time, so small seeds
		// let it explore much more in a short run.
		for _, entry := range bytes.SplitAfter(data, []byte("\n}\n")) {
			f.Add(entry)
		}
	}
	f.Add([]byte("@misc{a, author = {{\\'E}mile and others}, title = \"x\" # y}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := ParseBibTeX("fuzz.bib", bytes.NewReader(data))
		checkRefsParsed(t, "fuzz.bib", refs, err)
	})
}
