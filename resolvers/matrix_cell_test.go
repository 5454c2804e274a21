package resolvers_test

import (
	"testing"

	"kring/resolvers"
)

// TestMatrixCell: Matrix.cell(row, column) answers exactly the entry of Matrix.cells with those
// keys (the explorer opens one cell without asking for every cell's claims), and null for a gap.
func TestMatrixCell(t *testing.T) {
	h := resolvers.NewHandler(resolvers.New(starter(t), nil), resolvers.Options{})
	type cell struct {
		Row, Column          string
		ClaimCount, ViaCount int
		Claims               struct{ Nodes []struct{ ID string } }
	}
	var all struct {
		Matrix struct {
			Cells    []cell
			GapCells []struct{ Row, Column string }
		}
	}
	anQuery(t, h, `{ matrix(rows: WORK_MODEL, columns: OUTCOME_DOMAIN) {
		cells { row column claimCount viaCount claims(first: 100) { nodes { id } } }
		gapCells { row column } } }`, nil, &all)
	if len(all.Matrix.Cells) == 0 || len(all.Matrix.GapCells) == 0 {
		t.Fatalf("matrix: %d cells, %d gaps; want both", len(all.Matrix.Cells), len(all.Matrix.GapCells))
	}
	const q = `query($row: ID!, $column: ID!) { matrix(rows: WORK_MODEL, columns: OUTCOME_DOMAIN) {
		cell(row: $row, column: $column) { row column claimCount viaCount claims(first: 100) { nodes { id } } } } }`
	for _, want := range all.Matrix.Cells {
		var one struct{ Matrix struct{ Cell *cell } }
		anQuery(t, h, q, map[string]any{"row": want.Row, "column": want.Column}, &one)
		got := one.Matrix.Cell
		if got == nil || got.Row != want.Row || got.Column != want.Column || got.ClaimCount != want.ClaimCount ||
			got.ViaCount != want.ViaCount || len(got.Claims.Nodes) != len(want.Claims.Nodes) {
			t.Errorf("cell(%s, %s) = %+v; want %+v", want.Row, want.Column, got, want)
			continue
		}
		for i := range want.Claims.Nodes {
			if got.Claims.Nodes[i].ID != want.Claims.Nodes[i].ID {
				t.Errorf("cell(%s, %s) claim %d = %s; want %s", want.Row, want.Column, i, got.Claims.Nodes[i].ID, want.Claims.Nodes[i].ID)
			}
		}
	}
	gap := all.Matrix.GapCells[0]
	var none struct{ Matrix struct{ Cell *cell } }
	anQuery(t, h, q, map[string]any{"row": gap.Row, "column": gap.Column}, &none)
	if none.Matrix.Cell != nil {
		t.Errorf("cell(%s, %s) of a gap = %+v; want null", gap.Row, gap.Column, none.Matrix.Cell)
	}
}
