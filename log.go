package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"kring/graph"
)

// auditLogQuery asks a running server for the audit log (one page of up to 500 entries).
const auditLogQuery = `query Log($kind: AuditKind, $actor: String, $after: String) {
  auditLog(first: 500, after: $after, kind: $kind, actor: $actor) {
    pageInfo { hasNextPage endCursor }
    edges { node { id kind actor at reason target field lang old new summary quads revertedBy } }
  }
}`

func cmdLog(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("log", "log [--data DIR | --url URL --token T] [--kind load|edit|revert|rollback|release] [--actor NAME] [--json]", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	var rm remote
	rm.register(fs, getenv, true)
	kind := fs.String("kind", "", "only writes of this kind: load, edit, revert, rollback or release")
	actor := fs.String("actor", "", "only writes by this token name (or --by name of a load)")
	asJSON := fs.Bool("json", false, "print the entries as JSON (one array)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring log: takes no arguments"}
	}
	f := graph.AuditFilter{Actor: *actor}
	if *kind != "" {
		f.Kind = graph.AuditKind(strings.ToUpper(*kind))
		ok := false
		for _, k := range graph.AuditKinds {
			ok = ok || k == f.Kind
		}
		if !ok {
			return &exitError{code: 2, msg: fmt.Sprintf("kring log: --kind %q: want load, edit, revert, rollback or release", *kind)}
		}
	}
	var entries []graph.AuditEntry
	if rm.url == "" {
		sf.readOnly = true
		sf.noStarter = true
		st, url, err := openOrFind(ctx, "log", sf.open, stderr)
		if err != nil {
			return err
		}
		if st != nil {
			defer st.Close()
			if entries, err = st.AuditLog(ctx, f); err != nil {
				return err
			}
		}
		rm.url = url
	}
	if entries == nil && rm.url != "" {
		if entries, err = remoteAuditLog(ctx, &rm, f); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if entries == nil {
			entries = []graph.AuditEntry{}
		}
		return enc.Encode(entries)
	}
	for _, e := range entries {
		who := e.Actor
		if who == "" {
			who = "-"
		}
		fmt.Fprintf(stdout, "%s  %-8s  %-12s  %s", e.At, e.Kind, who, e.Summary)
		if e.Reason != "" {
			fmt.Fprintf(stdout, "  — %s", e.Reason)
		}
		if e.RevertedBy != "" {
			fmt.Fprintf(stdout, "  [reverted by %s]", graph.ShortID(e.RevertedBy))
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// remoteAuditLog pages through a server's audit log.
func remoteAuditLog(ctx context.Context, rm *remote, f graph.AuditFilter) ([]graph.AuditEntry, error) {
	out := []graph.AuditEntry{}
	vars := map[string]any{}
	if f.Kind != "" {
		vars["kind"] = f.Kind
	}
	if f.Actor != "" {
		vars["actor"] = f.Actor
	}
	for {
		body, _ := json.Marshal(map[string]any{"query": auditLogQuery, "variables": vars})
		_, answer, err := rm.graphQL(ctx, body)
		if err != nil {
			return nil, err
		}
		var resp struct {
			Data *struct {
				AuditLog struct {
					PageInfo struct {
						HasNextPage bool
						EndCursor   *string
					}
					Edges []struct{ Node graph.AuditEntry }
				}
			}
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal(answer, &resp); err != nil {
			return nil, fmt.Errorf("server at %s: %w", rm.url, err)
		}
		if len(resp.Errors) > 0 {
			e := resp.Errors[0]
			hint := ""
			if e.Extensions.Code == "UNAUTHENTICATED" || e.Extensions.Code == "FORBIDDEN" {
				hint = " (the audit log needs a CURATOR or ADMIN token: --token or KRING_TOKEN)"
			}
			return nil, &exitError{code: 1, msg: fmt.Sprintf("kring log: %s: %s%s", e.Extensions.Code, e.Message, hint)}
		}
		if resp.Data == nil {
			return nil, fmt.Errorf("server at %s: no data", rm.url)
		}
		for _, e := range resp.Data.AuditLog.Edges {
			out = append(out, e.Node)
		}
		pi := resp.Data.AuditLog.PageInfo
		if !pi.HasNextPage || pi.EndCursor == nil {
			return out, nil
		}
		vars["after"] = *pi.EndCursor
	}
}
