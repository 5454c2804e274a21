package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"kring/graph"
)

func cmdBatch(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("batch", "batch [--data DIR] list | show ID | rollback [--dry-run] [--reason WHY] [--by NAME] ID", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	dry := fs.Bool("dry-run", false, "rollback: show what would be removed; write nothing")
	reason := fs.String("reason", "", "rollback: why (kept in the audit log, kring log)")
	by := fs.String("by", getenv("USER"), "rollback: who rolls back (kept in the audit log)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring batch: say list, show ID or rollback ID"}
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	switch {
	case pos[0] == "list" && len(pos) == 1:
		bs, err := st.Batches(ctx)
		if err != nil {
			return err
		}
		for _, b := range bs {
			fmt.Fprintf(stdout, "%-30s %s  %6d quads  %s\n", graph.ShortID(b.ID), b.LoadedAt, b.QuadCount, deref(b.Description))
		}
		return nil
	case pos[0] == "show" && len(pos) == 2:
		b, err := st.Batch(ctx, pos[1])
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			ID          string            `json:"id"`
			Description string            `json:"description,omitempty"`
			LoadedBy    string            `json:"loadedBy,omitempty"`
			LoadedAt    string            `json:"loadedAt"`
			Files       []graph.BatchFile `json:"files"`
			Quads       int               `json:"quads"`
			Counts      []graph.TypeCount `json:"counts"`
		}{b.ID, deref(b.Description), deref(b.LoadedBy), b.LoadedAt, b.Files, b.QuadCount, b.Counts})
	case pos[0] == "rollback" && len(pos) == 2:
		rep, err := st.RollbackAs(ctx, graph.RollbackRequest{Batch: pos[1], DryRun: *dry, Author: *by, Reason: *reason})
		if err != nil {
			return err
		}
		if rep.DryRun {
			fmt.Fprintf(stdout, "%s: would remove %d quads (dry run, nothing written)\n", graph.ShortID(rep.Batch), rep.Removed)
		} else {
			fmt.Fprintf(stdout, "%s: rolled back, %d quads removed\n", graph.ShortID(rep.Batch), rep.Removed)
		}
		return nil
	}
	fs.Usage()
	return &exitError{code: 2, msg: fmt.Sprintf("kring batch: unknown subcommand %q", strings.Join(pos, " "))}
}
