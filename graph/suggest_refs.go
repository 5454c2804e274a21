package graph

import (
	"sort"
	"strings"
)

// maxSuggestedRefs bounds the work spent on "did you mean" for unknown references: each costs a
// comparison with every id of the wanted types.
const maxSuggestedRefs = 50

// refSuggester suggests existing ids for unknown references, remembering its answers.
type refSuggester struct {
	ix    *index
	own   map[string]NodeType
	cache map[string]string
}

// suggest returns ` (did you mean "kind/slug"?)` for an unknown id, or "".
func (rs *refSuggester) suggest(target string, rng []NodeType) string {
	if rs.cache == nil {
		rs.cache = map[string]string{}
	}
	if s, ok := rs.cache[target]; ok {
		return s
	}
	if len(rs.cache) >= maxSuggestedRefs {
		return ""
	}
	short := ShortID(target)
	kind, _, _ := strings.Cut(short, "/")
	var cands []string
	consider := func(id string, t NodeType) {
		if len(rng) > 0 && !containsType(rng, t) {
			return
		}
		sid := ShortID(id)
		if k, _, _ := strings.Cut(sid, "/"); k != kind && len(rng) == 0 {
			return
		}
		if d := len(sid) - len(short); d > 6 || d < -6 {
			return
		}
		cands = append(cands, sid)
	}
	for id, t := range rs.own {
		consider(id, t)
	}
	if rs.ix != nil {
		types := rng
		if len(types) == 0 {
			for _, spec := range Types {
				if spec.Kind == kind {
					types = append(types, spec.Type)
				}
			}
		}
		for _, t := range types {
			for _, id := range rs.ix.byType[t] {
				consider(id, t)
			}
		}
	}
	sort.Strings(cands)
	s := suggest(short, cands)
	rs.cache[target] = s
	return s
}
