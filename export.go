package main

import (
	"context"
	"io"

	"kring/graph"
)

// cmdExport writes the store (or one batch) as linked data.
func cmdExport(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "export [--data DIR] [--format nquads|jsonld] [--batch ID] > FILE", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	format := fs.String("format", graph.FormatNQuads, "nquads or jsonld")
	batch := fs.String("batch", "", "export only this batch")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring export: no arguments expected; the export goes to standard output"}
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.Export(ctx, stdout, *format, *batch)
}
