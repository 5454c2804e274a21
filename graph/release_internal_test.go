package graph

import (
	"context"
	"errors"
	"strings"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// A release whose content was damaged in the quad store (a chunk lost, or one changed) is
// refused when read and reported by Verify, never served as if it were the release.
func TestReleaseDamageIsDetected(t *testing.T) {
	ctx := context.Background()
	for _, damage := range []string{"lost", "changed"} {
		t.Run(damage, func(t *testing.T) {
			st, err := Open(ctx, Config{Backend: BackendMemory})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			cs := &Changeset{BatchID: "b1", Nodes: []NodeSpec{{Type: TypeSource, ID: "source/s", Pos: Pos{File: "t", Line: 1}, Fields: []FieldValue{
				{Name: "type", Value: "PRESS"}, {Name: "title", Value: "T"}, {Name: "status", Value: "CONFIRMED"}}}}}
			if _, err := st.Apply(ctx, cs, false); err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateRelease(ctx, "r", "", "t"); err != nil {
				t.Fatal(err)
			}
			r, err := st.readRelease(ctx, "r", true)
			if err != nil || len(r.chunks) != 1 {
				t.Fatalf("release: %v, %d chunks", err, len(r.chunks))
			}
			old := quad.Quad{Subject: contentIRI("r"), Predicate: predIRI(relChunk), Object: quad.String(r.chunks[0]), Label: releasesLabel}
			tx := &cgraph.Transaction{Deltas: []cgraph.Delta{{Quad: old, Action: cgraph.Delete}}}
			if damage == "changed" {
				nw := old
				changed := strings.Replace(r.chunks[0], `"sT"`, `"sU"`, 1) // the title: still valid JSON
				if changed == r.chunks[0] {
					t.Fatalf("no title in the chunk: %s", r.chunks[0])
				}
				nw.Object = quad.String(changed)
				tx.Deltas = append(tx.Deltas, cgraph.Delta{Quad: nw, Action: cgraph.Add})
			}
			if err := st.applyTx(tx); err != nil {
				t.Fatal(err)
			}
			if _, err := st.PinRelease(ctx, "r"); !errors.Is(err, ErrUnavailable) {
				t.Errorf("PinRelease of a damaged release: %v; want ErrUnavailable", err)
			}
			if _, err := st.Verify(ctx); err == nil {
				t.Error("Verify passed a damaged release")
			}
		})
	}
}
