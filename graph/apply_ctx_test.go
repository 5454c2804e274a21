package graph_test

import (
	"context"
	"errors"
	"testing"

	"kring/graph/graphtest"
)

// TestApplyCancelled: a batch whose context has ended (deadline, SIGINT) is not written.
func TestApplyCancelled(t *testing.T) {
	graphtest.ForEachBackend(t, func(t *testing.T, b graphtest.Backend) {
		st := b.New(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := st.Apply(ctx, batch1(), false); !errors.Is(err, context.Canceled) {
			t.Fatalf("Apply with a cancelled context: %v, want context.Canceled", err)
		}
		if !st.Empty() {
			t.Error("the batch was written")
		}
		if rep, err := st.Apply(ctx, batch1(), true); err != nil || rep.Added == 0 {
			t.Errorf("a dry run still checks: %v %+v", err, rep)
		}
	})
}
