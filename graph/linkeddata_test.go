package graph_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kring/graph"
	"kring/graph/graphtest"
)

func exportString(t *testing.T, st *graph.Store, format, batch string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := st.Export(context.Background(), &buf, format, batch); err != nil {
		t.Fatalf("Export: %v", err)
	}
	return buf.String()
}

func TestExportAndApplyQuads(t *testing.T) {
	graphtest.ForEachBackend(t, func(t *testing.T, be graphtest.Backend) {
		ctx := context.Background()
		src := be.New(t)
		graphtest.MustApply(t, src, batch1())
		graphtest.MustApply(t, src, batch2())
		all := exportString(t, src, graph.FormatNQuads, "")
		if !strings.Contains(all, `<kring:source/s1> <kring:year> "2002"^^<http://www.w3.org/2001/XMLSchema#integer> <kring:batch/b1> .`) ||
			!strings.Contains(all, `<kring:method/buddy> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <kring:type/METHOD> <kring:batch/b1> .`) {
			t.Errorf("export lacks standard literals or rdf:type:\n%s", all)
		}
		for _, format := range []string{graph.FormatNQuads, graph.FormatJSONLD} {
			t.Run(format, func(t *testing.T) {
				qs, err := graph.ReadQuads("all", strings.NewReader(exportString(t, src, format, "")), format)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff([]string{"kring:batch/b1", "kring:batch/b2"}, sortedCopy(qs.Batches())); diff != "" {
					t.Errorf("batches (-want +got):\n%s", diff)
				}
				dst := be.New(t)
				reps, err := dst.ApplyQuads(ctx, qs, true)
				if err != nil || len(reps) != 2 || !dst.Empty() {
					t.Fatalf("dry run: %v, %d reports, empty %v", err, len(reps), dst.Empty())
				}
				if _, err := dst.ApplyQuads(ctx, qs, false); err != nil {
					t.Fatal(err)
				}
				if got := exportString(t, dst, graph.FormatNQuads, ""); got != all {
					t.Errorf("round trip differs:\n%s", cmp.Diff(all, got))
				}
				if _, err := dst.Verify(ctx); err != nil {
					t.Error(err)
				}
				reps, err = dst.ApplyQuads(ctx, qs, false)
				if err != nil || !reps[0].NoChange || !reps[1].NoChange {
					t.Errorf("applying again: %v %+v; want no change", err, reps)
				}
			})
		}
		if err := src.Export(ctx, &bytes.Buffer{}, graph.FormatNQuads, "nope"); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Export(unknown batch) = %v; want ErrNotFound", err)
		}
		if err := src.Export(ctx, &bytes.Buffer{}, "turtle", ""); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("Export(turtle) = %v; want ErrInvalid", err)
		}
		// Replacing a batch from a file: the file's content is the batch's content.
		one := exportString(t, src, graph.FormatNQuads, "b2")
		changed := strings.Replace(one, `"POSITIVE"`, `"MIXED"`, 1)
		qs, err := graph.ReadQuads("b2.nq", strings.NewReader(changed), graph.FormatNQuads)
		if err != nil {
			t.Fatal(err)
		}
		reps, err := src.ApplyQuads(ctx, qs, false)
		if err != nil || reps[0].Added != 1 || reps[0].Removed != 1 {
			t.Fatalf("replacing b2: %v %+v; want one quad swapped", err, reps)
		}
		c, _ := graph.Typed[*graph.OutcomeClaim](ctx, src, "claim/c1")
		if c.Direction != "MIXED" {
			t.Errorf("direction after replacing b2 = %s; want MIXED", c.Direction)
		}
	})
}

func sortedCopy(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestApplyQuadsProblems: what a linked-data file says is checked against the schema table, and
// every problem names the line.
func TestApplyQuadsProblems(t *testing.T) {
	ctx := context.Background()
	const batch = "<kring:batch/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <kring:type/BATCH> <kring:batch/x> .\n" +
		"<kring:batch/x> <kring:loadedAt> \"2026-01-01T00:00:00Z\" <kring:batch/x> .\n"
	const method = "<kring:method/m> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <kring:type/METHOD> <kring:batch/x> .\n"
	for _, tt := range []struct {
		name, data string
		want       string // the first problem
	}{
		{"syntax", batch + "<kring:method/m> <kring:name> \"x\"@nl\n", "t.nq:3: not an N-Quads statement"},
		{"no label", batch + method + "<kring:method/m> <kring:name> \"x\"@nl .\n", "t.nq:4: method/m: the graph name must be the batch that states the quad (kring:batch/<id>), not no graph name"},
		{"no batch node", method + "<kring:method/m> <kring:name> \"x\"@nl <kring:batch/x> .\n", "t.nq: batch batch/x has no batch node in the file"},
		{"unknown type", batch + "<kring:method/m> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <kring:type/GADGET> <kring:batch/x> .\n", "t.nq:3: rdf:type: method/m: unknown type <kring:type/GADGET>"},
		{"id of another kind", batch + "<kring:outcome/m> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <kring:type/METHOD> <kring:batch/x> .\n", `t.nq:3: rdf:type: outcome/m is a METHOD, so its id should start with "method/"`},
		{"unknown field", batch + method + "<kring:method/m> <kring:nmae> \"x\"@nl <kring:batch/x> .\n", `t.nq:4: nmae: method/m: METHOD has no field nmae (did you mean "name"?)`},
		{"bad code", batch + method + "<kring:method/m> <kring:masiStrategy> \"SUPORT\" <kring:batch/x> .\n", `t.nq:4: masiStrategy: method/m: masiStrategy: "SUPORT" is not a MasiStrategy code (did you mean "SUPPORT"?)`},
		{"wrong literal", batch + method + "<kring:method/m> <kring:startYear> \"2011\" <kring:batch/x> .\n", `t.nq:4: startYear: method/m: startYear: "2011" is not an xsd:integer`},
		{"dangling", batch + method + "<kring:method/m> <kring:implements> <kring:method/none> <kring:batch/x> .\n", `t.nq:4: implements: method/m: implements: method/none is neither in the file nor in the store`},
		{"untyped", batch + "<kring:method/m> <kring:name> \"x\"@nl <kring:batch/x> .\n", "t.nq:3: method/m has no type"},
		{"blank node", batch + "_:b <kring:name> \"x\"@nl <kring:batch/x> .\n", "t.nq:3: blank nodes are not supported"},
		{"date", batch + method + "<kring:method/m> <kring:url> \"2020-01-01T00:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime> <kring:batch/x> .\n", "t.nq:4: date-time literals are not part of Kring's model"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := graphtest.NewMemory(t)
			qs, err := graph.ReadQuads("t.nq", strings.NewReader(tt.data), graph.FormatNQuads)
			if err == nil {
				_, err = st.ApplyQuads(ctx, qs, false)
			}
			var ve *graph.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error = %v; want a ValidationError", err)
			}
			if got := ve.Problems[0].String(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("first problem = %q; want it to start with %q (all: %v)", got, tt.want, ve.Problems)
			}
			if !st.Empty() {
				t.Errorf("a rejected file wrote quads")
			}
		})
	}
}

// TestApplyQuadsConflict: a file may not contradict another batch's single-valued facts.
func TestApplyQuadsConflict(t *testing.T) {
	graphtest.ForEachBackend(t, func(t *testing.T, be graphtest.Backend) {
		ctx := context.Background()
		st := be.New(t)
		graphtest.MustApply(t, st, batch1())
		data := "<kring:batch/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <kring:type/BATCH> <kring:batch/x> .\n" +
			"<kring:batch/x> <kring:loadedAt> \"2026-01-01T00:00:00Z\" <kring:batch/x> .\n" +
			"<kring:source/s1> <kring:title> \"Another title\" <kring:batch/x> .\n"
		qs, err := graph.ReadQuads("x.nq", strings.NewReader(data), graph.FormatNQuads)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.ApplyQuads(ctx, qs, false)
		var ve *graph.ValidationError
		if !errors.As(err, &ve) || !strings.HasPrefix(ve.Problems[0].String(), `x.nq:3: title: conflict: source/s1 title differs: "A review" (stored, from batch/b1) vs "Another title"`) {
			t.Errorf("error = %v; want a title conflict on line 3", err)
		}
	})
}

// TestReadQuadsRemoteContext: a JSON-LD file that names a remote context is refused instead of
// making the processor fetch it.
func TestReadQuadsRemoteContext(t *testing.T) {
	for _, doc := range []string{
		`{"@context": "https://example.org/ctx.jsonld", "@id": "kring:method/m"}`,
		`[{"@context": [{"x": "kring:x"}, "http://127.0.0.1:1/ctx"], "@id": "kring:method/m"}]`,
		`{"@graph": [{"@context": {"@import": "http://127.0.0.1:1/ctx"}, "@id": "kring:method/m"}]}`,
	} {
		_, err := graph.ReadQuads("x.jsonld", strings.NewReader(doc), graph.FormatJSONLD)
		var ve *graph.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Problems[0].Message, "remote contexts are not supported") {
			t.Errorf("ReadQuads(%s) = %v; want a refusal", doc, err)
		}
	}
}
