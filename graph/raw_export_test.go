package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/cayleygraph/cayley"
	cgraph "github.com/cayleygraph/cayley/graph"
)

// WriteRaw writes a quad set straight into the bbolt quad store in dir (created when needed),
// in one Cayley transaction, with none of the store's work (validation, diffing, read model,
// search index). It is the baseline the load benchmarks compare Store writes with; test code
// only (this file is compiled for the tests of package graph).
func WriteRaw(ctx context.Context, dir string, qs *QuadSet) error {
	opts := cgraph.Options{"no_bloom": true}
	if err := cgraph.InitQuadStore("bbolt", dir, opts); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
		return fmt.Errorf("graph: raw write: %w", err)
	}
	h, err := cayley.NewGraph("bbolt", dir, opts)
	if err != nil {
		return fmt.Errorf("graph: raw write: %w", err)
	}
	defer h.Close()
	if err := ctx.Err(); err != nil {
		return err
	}
	tx := cayley.NewTransaction()
	for _, q := range qs.quads {
		tx.AddQuad(q)
	}
	if err := h.ApplyTransaction(tx); err != nil {
		return fmt.Errorf("graph: raw write: %w", err)
	}
	return nil
}
