package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/ingest"
)

func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestStarterKB checks the bundled knowledge base for honesty: every claim-bearing link has a
// source, work models are as the study confirms, and statuses are valid.
func TestStarterKB(t *testing.T) {
	ctx := context.Background()
	data, err := bundledKB.ReadFile("kb/starter.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ingest.ReadKB("kb/starter.yaml", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("bundled KB does not parse: %v", err)
	}
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, cs)

	wms, err := st.WorkModels(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	confirmed := 0
	for _, w := range wms {
		if w.Status == graph.Confirmed {
			confirmed++
		}
	}
	if len(wms) != 7 || confirmed != 3 {
		t.Errorf("work models = %d (%d CONFIRMED); want 7 with 3 CONFIRMED", len(wms), confirmed)
	}
	// Every claim-bearing node carries a source that exists.
	checked := 0
	for _, spec := range graph.Types {
		if !spec.Claim {
			continue
		}
		ids := nodeIDsOfType(t, st, spec.Type)
		ns, errs := st.Nodes(ctx, ids)
		for i, n := range ns {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			c := n.(graph.Claim)
			srcs := sourceIDs(c)
			if len(srcs) == 0 {
				t.Errorf("%s %s has no source", spec.Type, c.NodeID())
			}
			for _, s := range srcs {
				if _, err := graph.Typed[*graph.Source](ctx, st, s); err != nil {
					t.Errorf("%s %s cites %s: %v", spec.Type, c.NodeID(), s, err)
				}
			}
			checked++
		}
	}
	if checked < 100 {
		t.Errorf("only %d claim-bearing links in the starter KB; expected the reference's assignments, involvements and claims", checked)
	}
	for _, typ := range []graph.NodeType{graph.TypeOutcomeClaim, graph.TypeAssessment, graph.TypeAssignment} {
		if len(nodeIDsOfType(t, st, typ)) == 0 {
			t.Errorf("no %s in the starter KB", typ)
		}
	}
	sources, _ := st.Sources(ctx, nil)
	if len(sources) < 30 {
		t.Errorf("sources = %d; want at least the 30 references of the reference list", len(sources))
	}
	ms, _ := st.Methods(ctx, nil)
	if len(ms) < 43 {
		t.Errorf("methods and initiatives = %d; want at least the 43 of the reference", len(ms))
	}
}

func nodeIDsOfType(t *testing.T, st *graph.Store, typ graph.NodeType) []string {
	t.Helper()
	// The node(id) API has no per-type listing for links; walk from their owners instead.
	ctx := context.Background()
	var ids []string
	add := func(xs ...[]string) {
		for _, x := range xs {
			ids = append(ids, x...)
		}
	}
	ms, _ := st.Methods(ctx, nil)
	wms, _ := st.WorkModels(ctx, nil)
	switch typ {
	case graph.TypeAssignment:
		for _, m := range ms {
			add(m.AssignmentIDs)
		}
	case graph.TypeInvolvement:
		for _, m := range ms {
			add(m.InvolvementIDs)
		}
	case graph.TypeRequirement:
		for _, m := range ms {
			add(m.RequirementIDs)
		}
		for _, w := range wms {
			add(w.RequirementIDs)
		}
	case graph.TypeCharacteristic:
		for _, m := range ms {
			add(m.CharacteristicIDs)
		}
		for _, w := range wms {
			add(w.CharacteristicIDs)
		}
	case graph.TypeAssessment:
		for _, m := range ms {
			add(m.AssessmentIDs)
		}
		for _, w := range wms {
			add(w.AssessmentIDs)
		}
	case graph.TypeEvidenceRating:
		for _, m := range ms {
			add(m.RatingIDs)
		}
	case graph.TypeOutcomeClaim:
		cs, _ := st.Claims(ctx, nil)
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
	case graph.TypeRecommendation:
		rs, _ := st.Recommendations(ctx)
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
	case graph.TypePolicyAction:
		as, _ := st.PolicyActions(ctx)
		for _, a := range as {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

func sourceIDs(c graph.Claim) []string {
	b, _ := json.Marshal(c)
	var v struct{ SourceIDs []string }
	json.Unmarshal(b, &v)
	return v.SourceIDs
}

func TestLoadRejectsBadBatch(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("format: kring-batch/1\nbatch: {id: t}\nsources:\n  - id: source/x\n    type: BOOK\n    title: X\n    status: CONFIRMED\nclaims:\n  - id: claim/y\n    subject: method/none\n"), 0o644)
	data := filepath.Join(dir, "data")
	code, _, stderr := runCLI(t, nil, "", "load", "--data", data, bad)
	if code != 1 {
		t.Fatalf("load bad.yaml: exit %d; want 1; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{bad + ":5:11: type:", bad + ":10:14: subject:", "nothing was written"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	// The store was never opened for writing: nothing exists.
	code, out, _ := runCLI(t, nil, "", "batch", "--data", data, "list")
	if code != 0 || strings.TrimSpace(out) != "" {
		t.Errorf("batch list after rejected load: exit %d, %q; want no batches", code, out)
	}
}

func TestLoadQueryAndRollback(t *testing.T) {
	for _, store := range []string{"bolt", "postgres"} {
		t.Run(store, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"KRING_DATA": filepath.Join(dir, "data")}
			if store == "postgres" {
				env["KRING_STORE"] = graphtest.PostgresSchema(t) // --store through its environment variable
			}
			kb := filepath.Join(dir, "kb.yaml")
			os.WriteFile(kb, []byte("format: kring-batch/1\nbatch: {id: extra}\nsources:\n  - {id: source/x, type: PRESS, title: X, status: CONFIRMED}\n"), 0o644)
			if code, _, stderr := runCLI(t, env, "", "load", kb); code != 0 {
				t.Fatalf("load: %d %s", code, stderr)
			}
			code, out, _ := runCLI(t, env, "", "query", "--var", "id=kring:source/x", `query($id: ID!) { source(id: $id) { title type } }`)
			if code != 0 || !strings.Contains(out, `"title": "X"`) {
				t.Errorf("query: exit %d, %s", code, out)
			}
			if code, out, _ := runCLI(t, env, "", "query", `{ source(id: "kring:source/none") { title } }`); code != 1 || !strings.Contains(out, "NOT_FOUND") {
				t.Errorf("query for a missing source: exit %d, %s; want 1 and NOT_FOUND", code, out)
			}
			if code, out, stderr := runCLI(t, env, "", "batch", "rollback", "extra"); code != 0 {
				t.Errorf("rollback: %d %s %s", code, out, stderr)
			}
			if code, out, _ := runCLI(t, env, `{ source(id: "kring:source/x") { title } }`, "query", "--no-starter", "-"); code != 1 || !strings.Contains(out, "NOT_FOUND") {
				t.Errorf("after rollback: exit %d, %s; want the source gone (NOT_FOUND)", code, out)
			}
		})
	}
}

// A PostgreSQL store that does not answer: the command fails within seconds, naming host and port.
func TestStoreUnreachable(t *testing.T) {
	start := time.Now()
	code, _, stderr := runCLI(t, nil, "", "batch", "--data", t.TempDir(), "--store", "postgres://postgres@127.0.0.1:1/test?sslmode=disable", "list")
	if code == 0 || !strings.Contains(stderr, "127.0.0.1:1") {
		t.Errorf("batch list on an unreachable store: exit %d, stderr %q; want a failure naming 127.0.0.1:1", code, stderr)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("took %s", d)
	}
	if code, _, stderr := runCLI(t, nil, "", "batch", "--data", t.TempDir(), "--store", "mysql://x", "list"); code == 0 || !strings.Contains(stderr, "postgres://") {
		t.Errorf("--store mysql://x: exit %d, %q", code, stderr)
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, cmd := range []string{"serve", "load", "query", "batch"} {
		code, _, stderr := runCLI(t, nil, "", cmd, "--help")
		if code != 0 || !strings.Contains(stderr, "Usage: kring "+cmd) {
			t.Errorf("%s --help: exit %d, %q", cmd, code, stderr)
		}
	}
	if code, out, _ := runCLI(t, nil, "", "version"); code != 0 || !strings.HasPrefix(out, "kring ") {
		t.Errorf("version: %d %q", code, out)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeSmoke runs the real server on 127.0.0.1:0, queries it, and shuts it down.
func TestServeSmoke(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--backend", "memory", "--addr", "127.0.0.1:0"}, func(string) string { return "" }, nil, io.Discard, &logs)
	}()
	re := regexp.MustCompile(`addr=http://(127\.0\.0\.1:\d+)`)
	var addr string
	for i := 0; i < 200 && addr == ""; i++ {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
		} else {
			time.Sleep(25 * time.Millisecond)
		}
	}
	if addr == "" {
		cancel()
		t.Fatalf("server did not start; logs:\n%s", logs.String())
	}
	resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ workModels { totalCount } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"totalCount":7`) {
		t.Errorf("POST /graphql = %s; want 7 work models", body)
	}
	if resp, err := http.Get("http://" + addr + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("GET /healthz: %v %v", resp, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d; logs:\n%s", code, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
