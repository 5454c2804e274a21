package graph_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
)

// TestTextFilterCap: text filters longer than graph.MaxTextFilter characters are invalid input,
// wherever they are used; at the limit they are searched.
func TestTextFilterCap(t *testing.T) {
	st := graphtest.NewMemory(t)
	ctx := context.Background()
	long, ok := strings.Repeat("é", graph.MaxTextFilter+1), strings.Repeat("é", graph.MaxTextFilter)
	if _, err := st.Methods(ctx, &graph.MethodFilter{Text: &long}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("Methods: %v; want ErrInvalid", err)
	}
	if _, err := st.Sources(ctx, &graph.SourceFilter{Text: &long}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("Sources: %v; want ErrInvalid", err)
	}
	if _, err := st.FindMethods(ctx, &graph.MethodWhere{Not: &graph.MethodWhere{Is: &graph.MethodFilter{Text: &long}}}, nil); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("FindMethods: %v; want ErrInvalid", err)
	}
	if _, err := st.Methods(ctx, &graph.MethodFilter{Text: &ok}); err != nil {
		t.Errorf("Methods at the limit: %v", err)
	}
}

// TestPinnedReadModel: reads under a pinned context see the read model of their first read,
// whatever commits afterwards; an unpinned context sees the latest.
func TestPinnedReadModel(t *testing.T) {
	st := graphtest.NewMemory(t)
	add := func(id string) {
		graphtest.MustApply(t, st, &graph.Changeset{BatchID: "b-" + id, Nodes: []graph.NodeSpec{
			graphtest.Node(graph.TypeSource, "source/"+id, "type", "PRESS", "title", "T", "status", "CONFIRMED")}})
	}
	add("a")
	pinned := st.Pin(context.Background())
	count := func(ctx context.Context) int {
		ss, err := st.Sources(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return len(ss)
	}
	if n := count(pinned); n != 1 {
		t.Fatalf("first read: %d sources", n)
	}
	add("b")
	if n := count(pinned); n != 1 {
		t.Errorf("pinned read after a write: %d sources; want 1", n)
	}
	if n := count(context.Background()); n != 2 {
		t.Errorf("unpinned read: %d sources; want 2", n)
	}
	if n := count(st.Pin(pinned)); n != 1 {
		t.Errorf("pinning a pinned context again: %d sources; want 1", n)
	}
}
