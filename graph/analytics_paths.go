package graph

import (
	"context"
	"fmt"
	"sort"
)

// Bounds of the path search.
const (
	// MaxPathHops is the largest maxHops Paths accepts.
	MaxPathHops = 4
	// MaxPaths is how many paths Paths returns at most.
	MaxPaths = 200
	// maxPathSteps bounds the edges the depth-first search may follow in one call.
	maxPathSteps = 1_000_000
)

// EdgeDirection tells whether a path walks an edge the way it is stored.
type EdgeDirection string

// Edge directions.
const (
	// Forward: the edge is stored from the path's earlier node to its next one.
	Forward EdgeDirection = "FORWARD"
	// Backward: the edge is stored the other way round.
	Backward EdgeDirection = "BACKWARD"
)

// PathEdge is one step of a path, in walking order.
type PathEdge struct {
	From      string
	To        string
	Predicate string // the predicate's local name ("subject", "outcome", "source", ...)
	Direction EdgeDirection
}

// Path is a simple path: NodeIDs[0] is the start, NodeIDs[len-1] the end, Edges[i] joins
// NodeIDs[i] and NodeIDs[i+1].
type Path struct {
	NodeIDs []string
	Edges   []*PathEdge
	// ClaimIDs are the outcome claims on the path, in path order.
	ClaimIDs []string
}

// Hops returns the number of edges.
func (p *Path) Hops() int { return len(p.Edges) }

// PathResult is the outcome of a path search.
type PathResult struct {
	Paths []*Path
	// Truncated: the search stopped at MaxPaths paths (or its step budget); there are more.
	Truncated bool
}

// step is an edge seen from one of its ends.
type step struct {
	to   string
	pred string
	dir  EdgeDirection
}

// Paths returns the distinct simple paths of at most maxHops edges between two nodes, over every
// edge of the graph in either direction: shortest first, then in node-id order. The study's
// research questions and core parameters are ends of paths but never steps on one: their
// answeredBy links say what answers a question, not that two answers are related. It returns at
// most MaxPaths; Truncated says there are more.
//
// A breadth-first search from `to` first finds how far each node is from it; the depth-first
// search from `from` then only enters nodes from which `to` can still be reached within the
// hops left, so it never walks dead branches.
func (s *Store) Paths(ctx context.Context, from, to string, maxHops int) (*PathResult, error) {
	if maxHops < 1 || maxHops > MaxPathHops {
		return nil, fmt.Errorf("graph: maxHops must be between 1 and %d: %w", MaxPathHops, ErrInvalid)
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	from, to = FullID(from), FullID(to)
	for _, id := range []string{from, to} {
		if ix.nodes[id] == nil {
			return nil, fmt.Errorf("graph: node %q: %w", ShortID(id), ErrNotFound)
		}
	}
	if from == to {
		return nil, fmt.Errorf("graph: a path needs two different nodes: %w", ErrInvalid)
	}
	ps := &pathSearch{ix: ix, ctx: ctx, to: to, steps: map[string][]step{}, res: &PathResult{Paths: []*Path{}}}
	ps.distances(maxHops - 1)
	for hops := 1; hops <= maxHops && !ps.stop; hops++ {
		ps.limit = hops
		ps.onPath = map[string]bool{from: true}
		ps.nodes = []string{from}
		ps.edges = nil
		ps.walk(from)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return ps.res, nil
}

type pathSearch struct {
	ix     *index
	ctx    context.Context
	to     string
	dist   map[string]int
	steps  map[string][]step
	limit  int
	onPath map[string]bool
	nodes  []string
	edges  []*PathEdge
	work   int
	stop   bool
	res    *PathResult
}

// neighbours returns the edges at a node, sorted by the node at their other end, predicate and
// direction.
func (ps *pathSearch) neighbours(id string) []step {
	if st, ok := ps.steps[id]; ok {
		return st
	}
	n := ps.ix.nodes[id]
	if n == nil {
		return nil
	}
	var st []step
	n.eachLink(false, func(p, t string) { st = append(st, step{t, p, Forward}) })
	n.eachLink(true, func(p, s string) { st = append(st, step{s, p, Backward}) })
	sort.Slice(st, func(i, j int) bool {
		a, b := st[i], st[j]
		if a.to != b.to {
			return a.to < b.to
		}
		if a.pred != b.pred {
			return a.pred < b.pred
		}
		return a.dir < b.dir
	})
	ps.steps[id] = st
	return st
}

// distances records, for every node at most depth edges from `to`, its distance.
func (ps *pathSearch) distances(depth int) {
	ps.dist = map[string]int{ps.to: 0}
	frontier := []string{ps.to}
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			n := ps.ix.nodes[id]
			if n == nil {
				continue
			}
			visit := func(_, t string) {
				if _, ok := ps.dist[t]; !ok {
					ps.dist[t] = d
					if !notAStep(ps.ix, t) {
						next = append(next, t)
					}
				}
			}
			n.eachLink(false, visit)
			n.eachLink(true, visit)
		}
		frontier = next
	}
}

// walk extends the current path from id, recording the paths that reach `to` in exactly
// ps.limit edges.
func (ps *pathSearch) walk(id string) {
	left := ps.limit - len(ps.edges)
	for _, st := range ps.neighbours(id) {
		if ps.stop {
			return
		}
		if ps.work++; ps.work > maxPathSteps || ps.work%4096 == 0 && ps.ctx.Err() != nil {
			ps.stop, ps.res.Truncated = true, true
			return
		}
		if ps.onPath[st.to] {
			continue
		}
		e := &PathEdge{From: id, To: st.to, Predicate: st.pred, Direction: st.dir}
		if st.to == ps.to {
			if left == 1 {
				ps.record(e)
			}
			continue
		}
		if d, ok := ps.dist[st.to]; !ok || d > left-1 || left-1 == 0 || notAStep(ps.ix, st.to) {
			continue
		}
		ps.onPath[st.to] = true
		ps.nodes = append(ps.nodes, st.to)
		ps.edges = append(ps.edges, e)
		ps.walk(st.to)
		ps.nodes = ps.nodes[:len(ps.nodes)-1]
		ps.edges = ps.edges[:len(ps.edges)-1]
		delete(ps.onPath, st.to)
	}
}

func (ps *pathSearch) record(last *PathEdge) {
	if len(ps.res.Paths) == MaxPaths {
		ps.stop, ps.res.Truncated = true, true
		return
	}
	p := &Path{NodeIDs: append(append([]string{}, ps.nodes...), ps.to), Edges: append(append([]*PathEdge{}, ps.edges...), last), ClaimIDs: []string{}}
	for _, id := range p.NodeIDs {
		if ps.ix.typeOf(id) == TypeOutcomeClaim {
			p.ClaimIDs = append(p.ClaimIDs, id)
		}
	}
	ps.res.Paths = append(ps.res.Paths, p)
}

// notAStep reports whether a path may not pass through node id (see Paths).
func notAStep(ix *index, id string) bool {
	t := ix.typeOf(id)
	return t == TypeResearchQuestion || t == TypeStudyParameter
}
