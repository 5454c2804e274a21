package graph_test

import (
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
)

// TestExportEscapesControls: values holding control characters (stored before loaders refused
// them, or through graph.Apply) are exported escaped, never raw, in both formats, and read back
// as the same values.
func TestExportEscapesControls(t *testing.T) {
	title := "nul\x00 esc\x1b del\x7f nel\u0085 csi\u009b ls\u2028 tab\t é ✓"
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "ctl", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/ctl", "type", "GREY_BE", "title", title, "status", "CANDIDATE")}})
	for _, format := range []string{graph.FormatNQuads, graph.FormatJSONLD} {
		t.Run(format, func(t *testing.T) {
			out := exportString(t, st, format, "")
			for i, r := range out {
				if r < 0x20 && r != '\n' || r >= 0x7f && r <= 0x9f || r == '\u2028' || r == '\u2029' {
					t.Fatalf("raw U+%04X at byte %d of the export:\n%q", r, i, out)
				}
			}
			qs, err := graph.ReadQuads("x", strings.NewReader(out), format)
			if err != nil {
				t.Fatal(err)
			}
			dst := graphtest.NewMemory(t)
			if _, err := dst.ApplyQuads(t.Context(), qs, false); err != nil {
				t.Fatal(err)
			}
			if got := exportString(t, dst, format, ""); got != out {
				t.Errorf("round trip differs:\n%q\n%q", out, got)
			}
			if !strings.Contains(out, `nul\u0000 esc\u001B del\u007F nel\u0085 csi\u009B ls\u2028`) &&
				!strings.Contains(out, `nul\u0000 esc\u001b del\u007F nel\u0085 csi\u009B ls\u2028`) {
				t.Errorf("title not escaped as expected:\n%s", out)
			}
		})
	}
}
