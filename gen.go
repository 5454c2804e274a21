package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"kring/ingest"
)

// cmdGen writes a deterministic synthetic knowledge base into the store, for benchmarks.
func cmdGen(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("gen", "gen --scale small|large [--data DIR] [--backend bolt|memory]", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	scale := fs.String("scale", "small", "size: small or large (≈ 2,000 methods, 50,000 sources, 200,000 claims)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	sc, ok := ingest.Scales[*scale]
	if !ok {
		names := make([]string, 0, len(ingest.Scales))
		for n := range ingest.Scales {
			names = append(names, n)
		}
		sort.Strings(names)
		return &exitError{code: 2, msg: fmt.Sprintf("kring gen: unknown scale %q (want %s)", *scale, strings.Join(names, " or "))}
	}
	sf.noStarter = true
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	cs := ingest.Generate(sc)
	gen := time.Since(start)
	rep, err := st.Apply(ctx, cs, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d nodes generated in %s; %d quads written in %s (store now %d quads)\n",
		cs.BatchID, len(cs.Nodes), gen.Round(time.Millisecond), rep.Added, (time.Since(start) - gen).Round(time.Millisecond), st.QuadCount())
	return nil
}
