package resolvers

import (
	"log/slog"

	"kring/graph"
)

// Resolver holds the dependencies of the GraphQL resolvers. It is not regenerated.
type Resolver struct {
	store *graph.Store
	log   *slog.Logger
	jobs  *loadJobs // load_jobs.go
}

// New returns a Resolver over store.
func New(store *graph.Store, log *slog.Logger) *Resolver {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Resolver{store: store, log: log, jobs: newLoadJobs(store, log)}
}
