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

	"kring/resolvers"
)

func cmdQuery(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("query", "query [--data DIR] [--var name=value ...] QUERY|-", stderr)
	var sf storeFlags
	sf.register(fs, getenv)
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
	log, _ := newLogger(stderr, "text", "warn")
	st, err := openWithStarter(ctx, &sf, log)
	if err != nil {
		return err
	}
	defer st.Close()
	body, _ := json.Marshal(map[string]any{"query": doc, "variables": vars, "operationName": *op})
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	rec := httptest.NewRecorder()
	resolvers.NewHandler(resolvers.New(st, log), resolvers.Options{}).ServeHTTP(rec, req)
	var resp struct {
		Data   json.RawMessage `json:"data,omitempty"`
		Errors json.RawMessage `json:"errors,omitempty"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		return fmt.Errorf("unexpected response (%d): %s", rec.Code, rec.Body.String())
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, rec.Body.Bytes(), "", "  "); err != nil {
		return err
	}
	pretty.WriteByte('\n')
	stdout.Write(pretty.Bytes())
	if len(resp.Errors) > 0 && string(resp.Errors) != "null" {
		return &exitError{code: 1}
	}
	return nil
}
