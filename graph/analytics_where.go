package graph

import (
	"cmp"
	"context"
	"fmt"
	"sort"
)

// MethodWhere is a condition on methods and initiatives that can cross relations. The fields
// that are set must all hold: And (every condition), Or (at least one; an empty list matches
// nothing), Not, Is (the plain MethodFilter), Claims (quantifiers over the outcome claims) and
// Disagreement.
type MethodWhere struct {
	And          []*MethodWhere
	Or           []*MethodWhere
	Not          *MethodWhere
	Is           *MethodFilter
	Claims       *ClaimsWhere
	Disagreement *DisagreementWhere
}

// ClaimsWhere quantifies over a method's outcome claims. Set fields must all hold.
type ClaimsWhere struct {
	// Some: the claims matching Some.Where number at least Some.MinClaims and together cite at
	// least Some.MinSources distinct sources.
	Some *SomeClaims
	// None: no claim matches the filter (a nil filter: the method has no claims).
	None *ClaimFilter
	// All: every claim matches the filter; true for a method without claims (combine with Some
	// to require one).
	All *ClaimFilter
}

// SomeClaims is the "some" quantifier with its counts.
type SomeClaims struct {
	Where      *ClaimFilter
	MinClaims  *int // default 1
	MinSources *int // default 0
}

// DisagreementWhere selects methods whose assessments show stakeholder groups disagreeing: on
// some criterion, two of Groups (any groups when empty) gave different known values.
type DisagreementWhere struct {
	Groups []StakeholderGroup
}

// MethodOrderField is a key to sort methods by.
type MethodOrderField string

// Sort keys. Counts are of the method's outcome claims and the distinct sources they cite.
const (
	OrderByID              MethodOrderField = "ID"
	OrderByName            MethodOrderField = "NAME"
	OrderByClaimCount      MethodOrderField = "CLAIM_COUNT"
	OrderBySourceCount     MethodOrderField = "SOURCE_COUNT"
	OrderByStrongestDesign MethodOrderField = "STRONGEST_DESIGN"
	OrderByEvidenceLevel   MethodOrderField = "EVIDENCE_LEVEL"
	OrderByConfidence      MethodOrderField = "CONFIDENCE"
)

// SortDirection is ascending or descending.
type SortDirection string

// Sort directions.
const (
	Asc  SortDirection = "ASC"
	Desc SortDirection = "DESC"
)

// MethodOrder is one sort key; names sort in Lang, accent- and case-insensitively.
type MethodOrder struct {
	By        MethodOrderField
	Direction SortDirection
	Lang      Lang
}

// maxWhereDepth bounds the nesting of MethodWhere.
const maxWhereDepth = 16

// FindMethods returns the methods and initiatives matching w, sorted by order (keys in turn,
// then by id).
func (s *Store) FindMethods(ctx context.Context, w *MethodWhere, order []*MethodOrder) ([]*Method, error) {
	if err := checkWhere(w, 0); err != nil {
		return nil, err
	}
	for _, o := range order {
		switch o.By {
		case OrderByID, OrderByName, OrderByClaimCount, OrderBySourceCount, OrderByStrongestDesign, OrderByEvidenceLevel, OrderByConfidence:
		default:
			return nil, fmt.Errorf("graph: unknown sort key %q: %w", o.By, ErrInvalid)
		}
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	an := ix.analytics()
	e := &whereEval{ix: ix, an: an, matchers: map[*ClaimFilter]*claimMatcher{}}
	out := []*Method{}
	for i := range an.methods {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		// Claim quantifiers need only the analytics row; the Method is built when a condition
		// on the method itself needs it, or when it is in the answer.
		ref := &methodRef{row: &an.methods[i]}
		if e.eval(ref, w) {
			out = append(out, e.method(ref))
		}
	}
	an.sortMethods(out, order)
	return out, nil
}

// methodRef is a method during evaluation: its analytics row, and the Method once built.
type methodRef struct {
	row *methodRow
	m   *Method
}

func (e *whereEval) method(r *methodRef) *Method {
	if r.m == nil {
		r.m = e.ix.build(e.ix.nodes[r.row.id]).(*Method)
	}
	return r.m
}

func checkWhere(w *MethodWhere, depth int) error {
	if w == nil {
		return nil
	}
	if depth > maxWhereDepth {
		return fmt.Errorf("graph: where nests deeper than %d levels: %w", maxWhereDepth, ErrInvalid)
	}
	for _, x := range append(append([]*MethodWhere{w.Not}, w.And...), w.Or...) {
		if err := checkWhere(x, depth+1); err != nil {
			return err
		}
	}
	if w.Claims != nil && w.Claims.Some != nil {
		s := w.Claims.Some
		if (s.MinClaims != nil && *s.MinClaims < 0) || (s.MinSources != nil && *s.MinSources < 0) {
			return fmt.Errorf("graph: minClaims and minSources must not be negative: %w", ErrInvalid)
		}
	}
	return nil
}

type whereEval struct {
	ix       *index
	an       *analytics
	matchers map[*ClaimFilter]*claimMatcher
	seen     []int32
	stamp    int32
}

func (e *whereEval) matcher(f *ClaimFilter) *claimMatcher {
	m, ok := e.matchers[f]
	if !ok {
		m = e.an.compile(f)
		e.matchers[f] = m
	}
	return m
}

func (e *whereEval) eval(r *methodRef, w *MethodWhere) bool {
	if w == nil {
		return true
	}
	// Cheapest first: claim quantifiers read the analytics rows only.
	if w.Claims != nil && !e.claims(r.row, w.Claims) {
		return false
	}
	if w.Is != nil && !e.ix.matchMethod(e.method(r), w.Is) {
		return false
	}
	for _, x := range w.And {
		if !e.eval(r, x) {
			return false
		}
	}
	if w.Or != nil {
		ok := false
		for _, x := range w.Or {
			if e.eval(r, x) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if w.Not != nil && e.eval(r, w.Not) {
		return false
	}
	if w.Disagreement != nil && !e.disagree(e.method(r), w.Disagreement) {
		return false
	}
	return true
}

func (e *whereEval) claims(row *methodRow, q *ClaimsWhere) bool {
	claims := row.claims
	if q.Some != nil {
		match := e.matcher(q.Some.Where)
		minClaims, minSources := 1, 0
		if q.Some.MinClaims != nil {
			minClaims = *q.Some.MinClaims
		}
		if q.Some.MinSources != nil {
			minSources = *q.Some.MinSources
		}
		if e.seen == nil {
			e.seen = make([]int32, len(e.an.sources))
		}
		e.stamp++
		n, sources := 0, 0
		for _, ci := range claims {
			c := &e.an.claims[ci]
			if !match.match(c) {
				continue
			}
			n++
			for _, s := range c.sources {
				if e.seen[s] != e.stamp {
					e.seen[s] = e.stamp
					sources++
				}
			}
		}
		if n < minClaims || sources < minSources {
			return false
		}
	}
	if q.None != nil {
		match := e.matcher(q.None)
		for _, ci := range claims {
			if match.match(&e.an.claims[ci]) {
				return false
			}
		}
	}
	if q.All != nil {
		match := e.matcher(q.All)
		for _, ci := range claims {
			if !match.match(&e.an.claims[ci]) {
				return false
			}
		}
	}
	return true
}

func (e *whereEval) disagree(m *Method, d *DisagreementWhere) bool {
	as := make([]*Assessment, 0, len(m.AssessmentIDs))
	for _, id := range m.AssessmentIDs {
		if a, ok := e.ix.build(e.ix.nodes[id]).(*Assessment); ok {
			as = append(as, a)
		}
	}
	for _, j := range JudgementsByGroup(as, d.Groups) {
		if j.Disagreement {
			return true
		}
	}
	return false
}

// sortMethods sorts ms by the order keys, then by id.
func (an *analytics) sortMethods(ms []*Method, order []*MethodOrder) {
	if len(order) == 0 {
		return // already in id order
	}
	row := func(m *Method) *methodRow {
		if i, ok := an.methodOf[m.ID]; ok {
			return &an.methods[i]
		}
		return &methodRow{design: -1, level: -1, conf: -1}
	}
	names := map[Lang]map[string]string{}
	for _, o := range order {
		if o.By == OrderByName && names[o.Lang] == nil {
			names[o.Lang] = make(map[string]string, len(ms))
			for _, m := range ms {
				names[o.Lang][m.ID] = Fold(m.Name(o.Lang))
			}
		}
	}
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		for _, o := range order {
			c := 0
			switch o.By {
			case OrderByID:
				c = cmp.Compare(a.ID, b.ID)
			case OrderByName:
				c = cmp.Compare(names[o.Lang][a.ID], names[o.Lang][b.ID])
			case OrderByClaimCount:
				c = cmp.Compare(len(row(a).claims), len(row(b).claims))
			case OrderBySourceCount:
				c = cmp.Compare(row(a).sources, row(b).sources)
			case OrderByStrongestDesign:
				c = cmp.Compare(row(a).design, row(b).design)
			case OrderByEvidenceLevel:
				c = cmp.Compare(row(a).level, row(b).level)
			case OrderByConfidence:
				c = cmp.Compare(row(a).conf, row(b).conf)
			}
			if o.Direction == Desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return a.ID < b.ID
	})
}

// ClaimScope tells which outcome claims of a method count.
type ClaimScope string

// Claim scopes.
const (
	ScopeOwn             ClaimScope = "OWN"
	ScopeImplementations ClaimScope = "IMPLEMENTATIONS"
	ScopeAll             ClaimScope = "ALL"
)

// ScopedClaim is a claim of a method in a scope: Via is the implementing initiative it comes
// through ("" for the method's own claims).
type ScopedClaim struct {
	Claim *OutcomeClaim
	Via   string
}

// MethodClaims returns the claims of method id in scope that match f: its own first (id
// order), then each implementer's (implementers in id order, their claims in id order).
func (s *Store) MethodClaims(ctx context.Context, id string, scope ClaimScope, f *ClaimFilter) ([]ScopedClaim, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	an := ix.analytics()
	mi, ok := an.methodOf[FullID(id)]
	if !ok {
		return nil, fmt.Errorf("graph: method %q: %w", id, ErrNotFound)
	}
	match := an.compile(f)
	out := []ScopedClaim{}
	add := func(claims []int32, via string) {
		for _, ci := range claims {
			if c := &an.claims[ci]; match.match(c) {
				out = append(out, ScopedClaim{Claim: ix.build(ix.nodes[c.id]).(*OutcomeClaim), Via: via})
			}
		}
	}
	m := &an.methods[mi]
	if scope != ScopeImplementations {
		add(m.claims, "")
	}
	if scope != ScopeOwn {
		for _, im := range m.implementers {
			add(an.methods[im].claims, an.methods[im].id)
		}
	}
	return out, nil
}

// MethodClaimCount counts the claims of method id in scope (0 for an unknown id).
func (s *Store) MethodClaimCount(ctx context.Context, id string, scope ClaimScope) (int, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return 0, err
	}
	an := ix.analytics()
	mi, ok := an.methodOf[FullID(id)]
	if !ok {
		return 0, nil
	}
	m := &an.methods[mi]
	n := 0
	if scope != ScopeImplementations {
		n += len(m.claims)
	}
	if scope != ScopeOwn {
		for _, im := range m.implementers {
			n += len(an.methods[im].claims)
		}
	}
	return n, nil
}

// MethodConfidence returns the best confidence among the claims of method id, its
// implementers' included (each claim rated on its own by Rate, VIA_IMPLEMENTATION added for an
// implementer's claim); nil when it has none.
func (s *Store) MethodConfidence(ctx context.Context, id string) (*Confidence, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	an := ix.analytics()
	mi, ok := an.methodOf[FullID(id)]
	if !ok || an.methods[mi].confClaim < 0 {
		return nil, nil
	}
	m := &an.methods[mi]
	c := &an.claims[m.confClaim]
	var a confidenceAcc
	a.reset()
	flags := c.flags
	if m.confVia {
		flags |= flagVia
	}
	a.add(c.design, flags, c.direction)
	r := a.result(len(c.sources), sharedEnums)
	return &r, nil
}

// ClaimConfidence rates claim id on its own (Rate: its design, its status, its sources' statuses
// and number; no counting link).
func (s *Store) ClaimConfidence(ctx context.Context, id string) (*Confidence, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	an := ix.analytics()
	ci, ok := an.claimIndex(FullID(id))
	if !ok {
		return nil, fmt.Errorf("graph: claim %q: %w", id, ErrNotFound)
	}
	r := an.claimConfidence(&an.claims[ci])
	return &r, nil
}

// hasDomain reports whether a claim of m, own or of an implementer, is in one of domains
// (narrower terms included).
func (an *analytics) hasDomain(m *methodRow, domains []OutcomeDomain) bool {
	var want []int32
	for _, d := range domains {
		for _, code := range Narrower("OutcomeDomain", string(d)) {
			if k := an.key(axOutcomeDomain, code); k >= 0 {
				want = append(want, k)
			}
		}
	}
	in := func(claims []int32) bool {
		for _, ci := range claims {
			if containsInt32(want, an.claims[ci].one[1]) {
				return true
			}
		}
		return false
	}
	if in(m.claims) {
		return true
	}
	for _, im := range m.implementers {
		if in(an.methods[im].claims) {
			return true
		}
	}
	return false
}
