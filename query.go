package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"kring/graph"
	"kring/resolvers"
)

func cmdQuery(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("query", "query [--data DIR | --url URL [--token T]] [--var name=value ...] QUERY|-", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	var rm remote
	rm.register(fs, getenv, true)
	vars := map[string]any{}
	fs.Func("var", "a variable, name=value (value as JSON when it parses, else as a string); repeatable", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return fmt.Errorf("want name=value, got %q", s)
		}
		var x any
		if err := json.Unmarshal([]byte(v), &x); err != nil {
			x = v
		}
		vars[k] = x
		return nil
	})
	op := fs.String("operation", "", "operation name, when the document has several")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return &exitError{code: 2, msg: "kring query: give one GraphQL document, or - to read it from stdin"}
	}
	doc := pos[0]
	if doc == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return err
		}
		doc = string(b)
	}
	body, _ := json.Marshal(map[string]any{"query": doc, "variables": vars, "operationName": *op})
	var code int
	var answer []byte
	if rm.url == "" {
		log, _ := newLogger(stderr, "text", "warn")
		st, url, err := openOrFind(ctx, "query", func(ctx context.Context) (*graph.Store, error) { return openWithStarter(ctx, &sf, log) }, stderr)
		if err != nil {
			return err
		}
		if st != nil {
			defer st.Close()
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/graphql-response+json, application/json")
			rec := httptest.NewRecorder()
			resolvers.NewHandler(resolvers.New(st, log), resolvers.Options{}).ServeHTTP(rec, req)
			code, answer = rec.Code, rec.Body.Bytes()
		}
		rm.url = url
	}
	if answer == nil {
		var err error
		if code, answer, err = rm.graphQL(ctx, body); err != nil {
			return err
		}
	}
	var resp struct {
		Data   json.RawMessage `json:"data,omitempty"`
		Errors json.RawMessage `json:"errors,omitempty"`
	}
	if err := json.Unmarshal(answer, &resp); err != nil {
		return fmt.Errorf("unexpected response (%d): %s", code, answer)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, answer, "", "  "); err != nil {
		return err
	}
	pretty.WriteByte('\n')
	stdout.Write(pretty.Bytes())
	if len(resp.Errors) > 0 && string(resp.Errors) != "null" {
		return &exitError{code: 1}
	}
	return nil
}
