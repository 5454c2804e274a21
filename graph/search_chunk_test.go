package graph

import (
	"context"
	"fmt"
	"testing"
)

// TestSearchUpdateInBatches: a write touching more documents than one bleve batch holds is
// indexed in several batches; every document is searchable, and the fingerprint (set by the last
// batch) lets the next Open reuse the index.
func TestSearchUpdateInBatches(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, Config{Backend: BackendBolt, Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	n := searchBatchDocs + searchBatchDocs/2
	cs := &Changeset{BatchID: "many"}
	for i := 0; i < n; i++ {
		cs.Nodes = append(cs.Nodes, NodeSpec{Type: TypeSource, ID: fmt.Sprintf("source/s%d", i), Fields: []FieldValue{
			{Name: "type", Value: "GREY_BE"}, {Name: "title", Value: fmt.Sprintf("study zq%dx", i)}, {Name: "status", Value: "CANDIDATE"}}})
	}
	if _, err := st.Apply(ctx, cs, false); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, searchBatchDocs - 1, searchBatchDocs, n - 1} {
		res, err := st.Search(ctx, SearchQuery{Text: fmt.Sprintf("zq%dx", i), Limit: 1})
		if err != nil || res.Total != 1 {
			t.Fatalf("search source %d: %v %+v", i, err, res)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = Open(ctx, Config{Backend: BackendBolt, Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.search.rebuilt {
		t.Error("the search index was rebuilt on Open: its fingerprint was not set")
	}
	if res, err := st.Search(ctx, SearchQuery{Text: "study", Limit: 0}); err != nil || res.Total != n {
		t.Errorf("after reopening: %v, %d hits, want %d", err, res.Total, n)
	}
}
