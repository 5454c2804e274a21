package graph

import (
	"context"
	"fmt"
	"sort"
)

// VerifyReport says whether the parts of a data directory agree: the quads in Cayley, the read
// model (built from the start-up snapshot when that is valid, so that the snapshot is checked
// against every quad), the search index and the snapshot.
type VerifyReport struct {
	Quads        int      // quads in Cayley (without the state token)
	Documents    int      // documents the search index should hold
	FromSnapshot bool     // the read model came from the snapshot
	Differences  []string // empty when everything agrees
}

// OK reports whether nothing differs.
func (r *VerifyReport) OK() bool { return len(r.Differences) == 0 }

// maxListed bounds how many missing or extra search documents are named.
const maxListed = 10

// VerifyAll checks that Cayley, the read model, the search index and the snapshot agree. Open
// the store read-only (Config.ReadOnly) for it: a writable Open repairs a stale snapshot and
// search index before anyone could see that they were stale.
func (s *Store) VerifyAll(ctx context.Context) (*VerifyReport, error) {
	rep := &VerifyReport{FromSnapshot: s.info.FromSnapshot}
	if s.snap.path != "" && !s.info.FromSnapshot {
		rep.Differences = append(rep.Differences, fmt.Sprintf("snapshot: not used (%s); the read model was rebuilt from Cayley (the next writable open rewrites it)", s.info.Reason))
	}
	n, err := s.Verify(ctx)
	rep.Quads = n
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		what := "Cayley and the read model differ"
		if s.info.FromSnapshot {
			what = "Cayley and the snapshot differ"
		}
		rep.Differences = append(rep.Differences, fmt.Sprintf("%s: %v", what, err))
	}
	if s.info.SearchInMemory {
		rep.Differences = append(rep.Differences, fmt.Sprintf("search index: not usable (%s); the next writable open rebuilds it", s.info.SearchReason))
	}
	if s.search == nil {
		return rep, nil
	}
	if inMem, _ := s.SearchStale(); inMem && !s.info.SearchInMemory {
		rep.Differences = append(rep.Differences, "search index: in memory or missing after a failed update (the next open rebuilds it)")
	}
	bi, release, err := s.search.acquire()
	if err != nil {
		return rep, nil
	}
	defer release()
	docs := s.idx.Load().searchDocs()
	rep.Documents = len(docs)
	var missing []string
	for id := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := bi.Document(id)
		if err != nil {
			return nil, fmt.Errorf("graph: verify: search index: %w", err)
		}
		if d == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		rep.Differences = append(rep.Differences, fmt.Sprintf("search index: %d nodes have no document: %v", len(missing), firstN(missing, maxListed)))
	}
	count, err := bi.DocCount()
	if err != nil {
		return nil, fmt.Errorf("graph: verify: search index: %w", err)
	}
	if extra := int(count) - (len(docs) - len(missing)); extra > 0 {
		rep.Differences = append(rep.Differences, fmt.Sprintf("search index: %d documents of nodes the read model does not have", extra))
	}
	return rep, nil
}

func firstN(xs []string, n int) []string {
	if len(xs) > n {
		return append(xs[:n:n], fmt.Sprintf("and %d more", len(xs)-n))
	}
	return xs
}
