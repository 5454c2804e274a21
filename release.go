package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"kring/graph"
)

// cmdRelease makes, lists and compares releases (frozen states of the whole knowledge base).
func cmdRelease(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := newFlagSet("release", "release [--data DIR | --url URL --token T] create NAME [--note TEXT] | list | diff FROM [TO] [--json]", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	var rm remote
	rm.register(fs, getenv, true)
	note := fs.String("note", "", "create: what the release is for")
	asJSON := fs.Bool("json", false, "list, diff: print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	var sub string
	if len(pos) > 0 {
		sub = pos[0]
	}
	switch {
	case sub == "create" && len(pos) == 2:
	case sub == "list" && len(pos) == 1:
	case sub == "diff" && (len(pos) == 2 || len(pos) == 3):
	default:
		fs.Usage()
		return &exitError{code: 2, msg: "kring release: say create NAME, list or diff FROM [TO]"}
	}
	if rm.url == "" {
		var st *graph.Store
		if sub == "create" {
			st, err = sf.open(ctx) // a write: a running server is asked with --url and an ADMIN token
		} else {
			st, rm.url, err = openOrFind(ctx, "release", sf.open, stderr)
		}
		if err != nil {
			return err
		}
		if st != nil {
			defer st.Close()
			return releaseLocal(ctx, st, sub, pos[1:], *note, getenv, *asJSON, stdout)
		}
	}
	return releaseRemote(ctx, &rm, sub, pos[1:], *note, *asJSON, stdout)
}

func releaseLocal(ctx context.Context, st *graph.Store, sub string, args []string, note string, getenv env, asJSON bool, stdout io.Writer) error {
	switch sub {
	case "create":
		by := "local"
		if u := getenv("USER"); u != "" {
			by = "local:" + u
		}
		r, err := st.CreateRelease(ctx, args[0], note, by)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "release %s: %d quads, sha256 %s\n", r.Name, r.Quads, r.Checksum)
		return nil
	case "list":
		rs, err := st.Releases(ctx)
		if err != nil {
			return err
		}
		return printReleases(stdout, rs, asJSON)
	}
	to := ""
	if len(args) == 2 {
		to = args[1]
	}
	d, err := st.ReleaseDiff(ctx, args[0], to)
	if err != nil {
		return err
	}
	out := diffOut{From: d.From, To: d.Target}
	conv := func(cs []*graph.TypeChange) []typeChangeOut {
		res := []typeChangeOut{}
		for _, c := range cs {
			tc := typeChangeOut{Type: string(c.Type), Count: c.Count}
			for _, it := range c.Items {
				tc.Items = append(tc.Items, changeItemOut{ID: it.ID, Type: string(it.Type), Label: it.Label(graph.NL), Fields: it.Fields})
			}
			res = append(res, tc)
		}
		return res
	}
	out.Added, out.Changed, out.Removed = conv(d.Added), conv(d.Changed), conv(d.Removed)
	return printDiff(stdout, &out, asJSON)
}

// The release diff as the CLI prints it (the API's shape, labels in Dutch).
type diffOut struct {
	From    string          `json:"from"`
	To      string          `json:"to,omitempty"`
	Added   []typeChangeOut `json:"added"`
	Changed []typeChangeOut `json:"changed"`
	Removed []typeChangeOut `json:"removed"`
}

type typeChangeOut struct {
	Type  string          `json:"type"`
	Count int             `json:"count"`
	Items []changeItemOut `json:"items"`
}

type changeItemOut struct {
	ID     string   `json:"id"`
	Type   string   `json:"type"`
	Label  string   `json:"label"`
	Fields []string `json:"fields"`
}

func printReleases(w io.Writer, rs []*graph.Release, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if rs == nil {
			rs = []*graph.Release{}
		}
		return enc.Encode(rs)
	}
	for _, r := range rs {
		fmt.Fprintf(w, "%-20s %s  %-16s %7d quads  %s\n", r.Name, r.CreatedAt, r.CreatedBy, r.Quads, r.Note)
	}
	return nil
}

func printDiff(w io.Writer, d *diffOut, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	to := d.To
	if to == "" {
		to = "now"
	}
	fmt.Fprintf(w, "from %s to %s\n", d.From, to)
	for _, part := range []struct {
		name string
		cs   []typeChangeOut
	}{{"added", d.Added}, {"changed", d.Changed}, {"removed", d.Removed}} {
		if len(part.cs) == 0 {
			fmt.Fprintf(w, "%s: none\n", part.name)
			continue
		}
		fmt.Fprintf(w, "%s:\n", part.name)
		for _, c := range part.cs {
			fmt.Fprintf(w, "  %-22s %d\n", c.Type, c.Count)
			for _, it := range c.Items {
				fields := ""
				if len(it.Fields) > 0 {
					fields = "  (" + strings.Join(it.Fields, ", ") + ")"
				}
				fmt.Fprintf(w, "    %-50s %s%s\n", graph.ShortID(it.ID), it.Label, fields)
			}
		}
	}
	return nil
}

const releaseListQuery = `{ releases { name note createdBy createdAt quads checksum } }`

const releaseCreateMutation = `mutation Create($name: String!, $note: String) {
  createRelease(name: $name, note: $note) { name note createdBy createdAt quads checksum }
}`

// releaseDiffQuery asks for a page of 100 items per type (the CLI asks for the rest page by page;
// 100 keeps the whole diff under the default complexity limit).
const releaseDiffQuery = `query Diff($from: String!, $to: String, $after: ID) {
  releaseDiff(from: $from, to: $to) {
    from to
    added { type count items(first: 100, after: $after) { id type label fields } }
    changed { type count items(first: 100, after: $after) { id type label fields } }
    removed { type count items(first: 100, after: $after) { id type label fields } }
  }
}`

func releaseRemote(ctx context.Context, rm *remote, sub string, args []string, note string, asJSON bool, stdout io.Writer) error {
	ask := func(query string, vars map[string]any, out any) error {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		_, b, err := rm.graphQL(ctx, body)
		if err != nil {
			return err
		}
		var resp struct {
			Data   json.RawMessage `json:"data"`
			Errors gqlErrors       `json:"errors"`
		}
		if err := json.Unmarshal(b, &resp); err != nil {
			return fmt.Errorf("server at %s: %s", rm.url, strings.TrimSpace(string(b)))
		}
		if len(resp.Errors) > 0 {
			return &exitError{code: 1, msg: fmt.Sprintf("kring release %s: server at %s: %s", sub, rm.url, resp.Errors)}
		}
		return json.Unmarshal(resp.Data, out)
	}
	switch sub {
	case "create":
		var out struct{ CreateRelease graph.Release }
		if err := ask(releaseCreateMutation, map[string]any{"name": args[0], "note": note}, &out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "release %s: %d quads, sha256 %s\n", out.CreateRelease.Name, out.CreateRelease.Quads, out.CreateRelease.Checksum)
		return nil
	case "list":
		var out struct{ Releases []*graph.Release }
		if err := ask(releaseListQuery, nil, &out); err != nil {
			return err
		}
		return printReleases(stdout, out.Releases, asJSON)
	}
	vars := map[string]any{"from": args[0]}
	if len(args) == 2 {
		vars["to"] = args[1]
	}
	var out struct{ ReleaseDiff diffOut }
	if err := ask(releaseDiffQuery, vars, &out); err != nil {
		return err
	}
	// Types with more than one page of items: the rest, page by page (every list is sorted by id).
	for k, part := range out.ReleaseDiff.lists() {
		for i := range *part {
			c := &(*part)[i]
			for len(c.Items) < c.Count && len(c.Items) > 0 {
				vars["after"] = c.Items[len(c.Items)-1].ID
				var more struct{ ReleaseDiff diffOut }
				if err := ask(releaseDiffQuery, vars, &more); err != nil {
					return err
				}
				n := len(c.Items)
				for _, mc := range *more.ReleaseDiff.lists()[k] {
					if mc.Type == c.Type {
						c.Items = append(c.Items, mc.Items...)
					}
				}
				if len(c.Items) == n {
					break
				}
			}
		}
	}
	delete(vars, "after")
	return printDiff(stdout, &out.ReleaseDiff, asJSON)
}

// lists returns the added, changed and removed lists of d.
func (d *diffOut) lists() []*[]typeChangeOut {
	return []*[]typeChangeOut{&d.Added, &d.Changed, &d.Removed}
}
