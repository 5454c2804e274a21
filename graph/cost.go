package graph

// AxisSize returns how many values an axis has in the current read model (its rows or
// columns in a matrix), without building the analytics model: the number of nodes for node
// axes, the vocabulary's size for code axes. 0 for an unknown axis. The API's cost estimate
// (resolvers/limits.go) uses it.
func (s *Store) AxisSize(a Axis) int {
	ax, err := axisIndex(a)
	if err != nil {
		return 0
	}
	ix := s.idx.Load()
	switch ax {
	case axWorkModel:
		return len(ix.byType[TypeWorkModel])
	case axMethod:
		return len(ix.byType[TypeMethod]) + len(ix.byType[TypeInitiative])
	case axTargetGroup:
		return len(ix.byType[TypeTargetGroup])
	case axOutcome:
		return len(ix.byType[TypeOutcome])
	}
	return len(Vocabularies[axisSchemes[ax]])
}

// ClaimTotal returns how many outcome claims the current read model holds.
func (s *Store) ClaimTotal() int { return len(s.idx.Load().byType[TypeOutcomeClaim]) }

// TypeSize returns how many nodes of the given types the current read model holds: what a
// list of them scans.
func (s *Store) TypeSize(types ...NodeType) int {
	ix, n := s.idx.Load(), 0
	for _, t := range types {
		n += len(ix.byType[t])
	}
	return n
}

// NodeTotal returns how many typed nodes the current read model holds (what comparing two
// read models, ReleaseDiff, visits).
func (s *Store) NodeTotal() int { return len(s.idx.Load().nodes) }
