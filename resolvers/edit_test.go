package resolvers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"kring/resolvers"
)

// TestEditItem edits a source through the API, reads its history as anonymous and as a curator,
// reverts, and checks the coded errors of bad edits.
func TestEditItem(t *testing.T) {
	st := matrixStore(t) // source/s: year 2001 (b1), edited to 2002 (edit-1)
	curator := "curator-token-2"
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokensFor(t, "cora CURATOR "+resolvers.HashToken(curator))})
	_, r := postAs(t, h, `mutation { editItem(input: {id: "source/s", field: "status", value: "INFERRED", reason: "only an abstract"}) { id kind old new author reason } }`, curator)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"old":["CONFIRMED"],"new":["INFERRED"],"author":"cora"`) {
		t.Fatalf("editItem = %s %v", r.Data, r.Errors)
	}
	for _, c := range []struct{ query, code string }{
		{`mutation { editItem(input: {id: "source/s", field: "status", value: "INFERRED", reason: ""}) { id } }`, "BAD_USER_INPUT"},
		{`mutation { editItem(input: {id: "source/s", field: "year", value: "soon", reason: "x"}) { id } }`, "BAD_USER_INPUT"},
		{`mutation { editItem(input: {id: "source/nope", field: "year", value: "2000", reason: "x"}) { id } }`, "NOT_FOUND"},
		{`mutation { editItem(input: {id: "source/t", field: "status", value: "CONFIRMED", reason: "x"}) { id } }`, "BAD_USER_INPUT"},
		{`mutation { rollbackBatch(id: "b1") { removed } }`, "CONFLICT"},
		{`mutation { rollbackBatch(id: "edit-1") { removed } }`, "BAD_USER_INPUT"},
		{`mutation { revertEdit(id: "edit-9", reason: "x") { id } }`, "NOT_FOUND"},
	} {
		_, r := postAs(t, h, c.query, curator)
		code := ""
		if len(r.Errors) > 0 {
			code, _ = r.Errors[0]["extensions"].(map[string]any)["code"].(string)
		}
		if code != c.code {
			t.Errorf("%s: code %q; want %q (%v)", c.query, code, c.code, r.Errors)
		}
	}
	q := `{ source(id: "source/s") { history { id kind actor reason field old new revertedBy } } }`
	var anon, cur struct {
		Source struct {
			History []struct {
				ID, Kind, Reason, Field string
				Actor                   *string
				Old, New                []string
			}
		}
	}
	_, r = postAs(t, h, q, "")
	if err := json.Unmarshal(r.Data, &anon); err != nil || len(r.Errors) > 0 {
		t.Fatalf("history (anonymous): %s %v", r.Data, r.Errors)
	}
	hs := anon.Source.History
	if len(hs) != 3 || hs[0].Kind != "EDIT" || hs[0].Field != "status" || hs[1].Kind != "EDIT" || hs[1].Field != "year" || hs[2].Kind != "LOAD" {
		t.Fatalf("history = %+v; want the status edit, the year edit, the load", hs)
	}
	if hs[0].Actor != nil || hs[0].Reason != "only an abstract" {
		t.Errorf("anonymous history entry = %+v; want no actor, the reason", hs[0])
	}
	_, r = postAs(t, h, q, curator)
	json.Unmarshal(r.Data, &cur)
	if a := cur.Source.History[0].Actor; a == nil || *a != "cora" {
		t.Errorf("curator sees actor %v; want cora", a)
	}
	_, r = postAs(t, h, `mutation { revertEdit(id: "edit-1", reason: "the cover says 2001") { id reverts new } }`, curator)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"new":["2001"]`) {
		t.Fatalf("revertEdit = %s %v", r.Data, r.Errors)
	}
	_, r = postAs(t, h, `{ auditLog(first: 2, kind: EDIT) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kind actor revertedBy } } } }`, curator)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"totalCount":2`) || !strings.Contains(string(r.Data), `"revertedBy":"kring:batch/revert-3"`) {
		t.Errorf("auditLog = %s %v", r.Data, r.Errors)
	}
}

// TestAuditAuthorsNotPublic: an edit's batch names its author to curators only; a load's
// loadedBy stays public.
func TestAuditAuthorsNotPublic(t *testing.T) {
	st := matrixStore(t) // edit-1 by "setup"
	curator := "curator-token-3"
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokensFor(t, "cora CURATOR "+resolvers.HashToken(curator))})
	q := `{ node(id: "kring:batch/edit-1") { ... on Batch { kind loadedBy description } } }`
	_, r := postAs(t, h, q, "")
	if len(r.Errors) > 0 || string(r.Data) != `{"node":{"kind":"EDIT","loadedBy":null,"description":"cover"}}` {
		t.Errorf("anonymous: %s %v", r.Data, r.Errors)
	}
	_, r = postAs(t, h, q, curator)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"loadedBy":"setup"`) {
		t.Errorf("curator: %s %v", r.Data, r.Errors)
	}
	_, r = postAs(t, h, `{ batches { id kind } }`, "")
	if len(r.Errors) > 0 || strings.Contains(string(r.Data), "edit-1") || !strings.Contains(string(r.Data), `"kind":"LOAD"`) {
		t.Errorf("batches lists the loads only: %s %v", r.Data, r.Errors)
	}
}
