package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/resolvers"
)

// roleRow is one operation of the role × operation matrix: the request that calls it, and the
// roles allowed. Every mutation of the schema, and every query field with @hasRole, needs a
// row (the test fails on one without): a new operation, e.g. ADMIN's createRelease, is one row
// more ({"createRelease", `mutation { createRelease(...) { ... } }`, admin, ""}).
type roleRow struct {
	op    string
	query string
	roles []resolvers.Role
	// okCode is the error code an allowed caller gets ("" for success: the operation ran).
	okCode string
}

var (
	curatorOrAdmin = []resolvers.Role{resolvers.RoleCurator, resolvers.RoleAdmin}
	adminOnly      = []resolvers.Role{resolvers.RoleAdmin}
)

var roleMatrix = []roleRow{
	{"rollbackBatch", `mutation { rollbackBatch(id: "b2", reason: "wrong file") { removed dryRun } }`, curatorOrAdmin, ""},
	// loadBatch without files (a multipart upload is tested in load_test.go): a dry run.
	{"loadBatch", `mutation { loadBatch(files: [], dryRun: true) { rejected dryRun } }`, curatorOrAdmin, ""},
	{"editItem", `mutation { editItem(input: {id: "source/s", field: "title", value: "T2", reason: "typo"}) { id old new } }`, curatorOrAdmin, ""},
	{"revertEdit", `mutation { revertEdit(id: "edit-1", reason: "wrong year") { id reverts } }`, curatorOrAdmin, ""},
	{"loadJob", `{ loadJob(id: "job-1") { id } }`, curatorOrAdmin, ""},
	{"auditLog", `{ auditLog { totalCount edges { node { kind actor reason } } } }`, curatorOrAdmin, ""},
	{"createRelease", `mutation { createRelease(name: "2027.1", note: "first release") { name } }`, adminOnly, ""},
}

// TestRoleMatrix calls every mutation (and every role-gated query) anonymously, with a CURATOR
// token and with an ADMIN token, each against a fresh store, and checks the coded result:
// UNAUTHENTICATED without a token, FORBIDDEN for a role not allowed, the operation's own
// result for an allowed role.
func TestRoleMatrix(t *testing.T) {
	sch := resolvers.NewExecutableSchema(resolvers.Config{}).Schema()
	rows := map[string]roleRow{}
	for _, r := range roleMatrix {
		rows[r.op] = r
	}
	// Every mutation and every @hasRole query has a row, with the roles of its directive.
	var gated []string
	for _, f := range sch.Mutation.Fields {
		gated = append(gated, f.Name)
	}
	for _, f := range sch.Query.Fields {
		if f.Directives.ForName("hasRole") != nil {
			gated = append(gated, f.Name)
		}
	}
	sort.Strings(gated)
	for _, name := range gated {
		row, ok := rows[name]
		if !ok {
			t.Errorf("operation %s has no row in the role matrix", name)
			continue
		}
		f := sch.Mutation.Fields.ForName(name)
		if f == nil {
			f = sch.Query.Fields.ForName(name)
		}
		d := f.Directives.ForName("hasRole")
		if d == nil {
			t.Errorf("%s has no @hasRole: every write needs a role", name)
			continue
		}
		var sdlRoles []string
		for _, c := range d.Arguments.ForName("roles").Value.Children {
			sdlRoles = append(sdlRoles, c.Value.Raw)
		}
		var rowRoles []string
		for _, r := range row.roles {
			rowRoles = append(rowRoles, string(r))
		}
		if strings.Join(sdlRoles, ",") != strings.Join(rowRoles, ",") {
			t.Errorf("%s: @hasRole(roles: %v) but the matrix says %v", name, sdlRoles, rowRoles)
		}
	}
	if len(rows) != len(gated) {
		t.Errorf("the matrix has %d rows for %d gated operations %v", len(rows), len(gated), gated)
	}

	curator, admin := "curator-token-1", "admin-token-1"
	tokens := tokensFor(t, "cora CURATOR "+resolvers.HashToken(curator), "ada ADMIN "+resolvers.HashToken(admin))
	callers := []struct {
		name  string
		role  resolvers.Role
		token string
	}{{"anonymous", "", ""}, {"curator", resolvers.RoleCurator, curator}, {"admin", resolvers.RoleAdmin, admin}}
	for _, row := range roleMatrix {
		for _, c := range callers {
			t.Run(row.op+"/"+c.name, func(t *testing.T) {
				st := matrixStore(t)
				before := st.QuadCount()
				h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokens})
				status, r := postAs(t, h, row.query, c.token)
				want := row.okCode
				allowed := false
				for _, ro := range row.roles {
					allowed = allowed || ro == c.role
				}
				switch {
				case c.role == "":
					want = "UNAUTHENTICATED"
				case !allowed:
					want = "FORBIDDEN"
				}
				got := ""
				if len(r.Errors) > 0 {
					got, _ = r.Errors[0]["extensions"].(map[string]any)["code"].(string)
				}
				if got != want {
					t.Fatalf("%s as %s: code %q (HTTP %d); want %q: %s", row.op, c.name, got, status, want, r.Errors)
				}
				if want == "UNAUTHENTICATED" || want == "FORBIDDEN" {
					if st.QuadCount() != before {
						t.Errorf("a refused %s changed the store (%d → %d quads)", row.op, before, st.QuadCount())
					}
					return
				}
				if want == "" && (len(r.Data) == 0 || string(r.Data) == "null") {
					t.Errorf("%s as %s: no data", row.op, c.name)
				}
				// Every write an allowed caller makes is in the audit log under its name.
				if strings.HasPrefix(row.query, "mutation") && want == "" && !strings.Contains(row.query, "dryRun: true") {
					log, _ := st.AuditLog(context.Background(), graph.AuditFilter{Actor: map[string]string{"curator": "cora", "admin": "ada"}[c.name]})
					if len(log) == 0 {
						t.Errorf("%s as %s: no audit entry with the caller's name", row.op, c.name)
					}
				}
			})
		}
	}
}

// matrixStore holds two batches (b1: source/s, b2: source/t) and one edit (edit-1, the year
// of source/s).
func matrixStore(t *testing.T) *graph.Store {
	st := graphtest.NewMemory(t)
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "b1", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/s", "type", "PRESS", "title", "T", "year", int64(2001), "status", "CONFIRMED")}})
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: "b2", Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, "source/t", "type", "PRESS", "title", "U", "status", "CANDIDATE")}})
	y := "2002"
	if _, err := st.Edit(context.Background(), graph.EditRequest{Target: "source/s", Field: "year", Value: &y, Reason: "cover", Author: "setup"}); err != nil {
		t.Fatal(err)
	}
	return st
}

func postAs(t *testing.T, h http.Handler, query, token string) (int, response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("decode response %q: %v", rec.Body.String(), err)
	}
	return rec.Code, r
}
