package ingest

import "kring/graph"

// Hooks for the external tests (package ingest_test).

// SourceNodes maps references to Source node specs, one per reference, without looking at a
// store or merging duplicates (Load does both): what one export says, through the mapping Load
// uses (sourceNode). Test code only (this file is compiled for the tests of package ingest).
// sourceType is the type of references that cannot be classified, status their status
// (CANDIDATE when empty). A reference that cannot be mapped is a problem and has no node.
func SourceNodes(refs []Reference, sourceType, status string) ([]graph.NodeSpec, error) {
	if status == "" {
		status = string(graph.Candidate)
	}
	var ps graph.Problems
	var out []graph.NodeSpec
	taken := map[string]bool{}
	for i := range refs {
		r := &refs[i]
		ns, msg := sourceNode(r, "", sourceType, status)
		if msg != "" {
			ps.Addf(r.File, r.Line, 0, "type", "%s", msg)
			continue
		}
		ns.ID = uniqueID(preferredSourceSlug(r), func(id string) bool { return taken[id] })
		taken[ns.ID] = true
		out = append(out, ns)
	}
	return out, ps.Sorted().Err()
}
