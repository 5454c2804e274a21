package main

import (
	"context"
	"fmt"
	"io"
)

// cmdVerify checks that a data directory's parts agree (graph.Store.VerifyAll): it opens the
// store read-only, so that it sees a stale snapshot or search index as it is.
func cmdVerify(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", "verify [--data DIR]", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring verify: no arguments expected"}
	}
	sf.readOnly = true
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.VerifyAll(ctx)
	if err != nil {
		return err
	}
	from := "every quad"
	if rep.FromSnapshot {
		from = "the snapshot"
	}
	fmt.Fprintf(stdout, "%s: %d quads in Cayley, read model from %s, %d search documents\n", sf.data, rep.Quads, from, rep.Documents)
	if rep.OK() {
		fmt.Fprintln(stdout, "ok: Cayley, the read model, the search index and the snapshot agree")
		return nil
	}
	for _, d := range rep.Differences {
		fmt.Fprintln(stdout, "differs: "+d)
	}
	return &exitError{code: 1, msg: fmt.Sprintf("kring verify: %d difference(s) in %s", len(rep.Differences), sf.data)}
}
