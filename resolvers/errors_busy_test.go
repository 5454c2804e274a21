package resolvers

import (
	"fmt"
	"testing"

	"kring/graph"
)

// A write refused because another process holds the PostgreSQL store's writer lock is
// UNAVAILABLE (retry later), with the store's own words, not an internal error.
func TestClassifyBusy(t *testing.T) {
	err := fmt.Errorf("graph: %w (waited 10s for its write to finish)", graph.ErrBusy)
	code, msg := classify(err)
	if code != CodeUnavailable || msg != "another kring process is writing (waited 10s for its write to finish)" {
		t.Errorf("classify(busy) = %s, %q", code, msg)
	}
}
