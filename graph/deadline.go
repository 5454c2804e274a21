package graph

import "context"

// checkInterval is how many loop iterations a long read-model scan runs between looks at its
// context: often enough to stop within milliseconds, rarely enough to cost nothing.
const checkInterval = 1024

// checkEvery returns ctx's error every checkInterval-th iteration i (and nil otherwise), so that
// scans over the read model stop when the request's deadline passes or it is cancelled.
func checkEvery(ctx context.Context, i int) error {
	if i%checkInterval != 0 {
		return nil
	}
	return ctx.Err()
}
