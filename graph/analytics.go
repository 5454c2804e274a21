package graph

import (
	"fmt"
	"slices"
	"sort"
	"sync"
)

// Analytical reads: the evidence matrix, claim statistics, cross-relation method queries, paths,
// comparisons, judgements by stakeholder group and the evidence under recommendations. They are
// computed from the read model only, never from Cayley iterators.
//
// Whole-graph questions over outcome claims (the matrix, claim statistics, claim quantifiers in
// FindMethods) go through the analytics model below: for every claim, the values it takes on
// each axis, as small integer indexes, computed once per read model on first use (about 0.4 s
// for 200,000 claims; buildIndex, on the writer's path, pays nothing for it). A matrix is then
// one sequential pass over the claims that counts each cell as it goes, distinct sources
// included (see tally).

// Axis is a dimension of the evidence matrix and of claim statistics.
type Axis string

// Axes. A claim's values on an axis come from the claim itself (OUTCOME, OUTCOME_DOMAIN,
// SOURCE_TYPE) or from its subject, the method or initiative the claim is about (the others);
// see the SDL (schema/analytics.graphqls) for each.
const (
	AxisWorkModel            Axis = "WORK_MODEL"
	AxisMethod               Axis = "METHOD"
	AxisActorType            Axis = "ACTOR_TYPE"
	AxisTargetGroup          Axis = "TARGET_GROUP"
	AxisSupportFunction      Axis = "SUPPORT_FUNCTION"
	AxisOutcomeDomain        Axis = "OUTCOME_DOMAIN"
	AxisOutcome              Axis = "OUTCOME"
	AxisPreconditionCategory Axis = "PRECONDITION_CATEGORY"
	AxisSourceType           Axis = "SOURCE_TYPE"
	AxisRegion               Axis = "REGION"
)

// Axes lists every axis, in the API's order.
var Axes = []Axis{AxisWorkModel, AxisMethod, AxisActorType, AxisTargetGroup, AxisSupportFunction,
	AxisOutcomeDomain, AxisOutcome, AxisPreconditionCategory, AxisSourceType, AxisRegion}

// Axis positions in analytics arrays (the order of Axes).
const (
	axWorkModel = iota
	axMethod
	axActorType
	axTargetGroup
	axSupportFunction
	axOutcomeDomain
	axOutcome
	axPreconditionCategory
	axSourceType
	axRegion
	numAxes
)

// axisSchemes names the vocabulary of the axes whose values are codes.
var axisSchemes = [numAxes]string{
	axActorType:            "ActorType",
	axSupportFunction:      "SupportFunction",
	axOutcomeDomain:        "OutcomeDomain",
	axPreconditionCategory: "PreconditionCategory",
	axSourceType:           "SourceType",
	axRegion:               "Region",
}

func axisIndex(a Axis) (int, error) {
	for i, x := range Axes {
		if x == a {
			return i, nil
		}
	}
	return 0, fmt.Errorf("graph: unknown axis %q: %w", a, ErrInvalid)
}

// AxisValue is one value of an axis: a node id (work models, methods, target groups, outcomes)
// or a vocabulary code (the other axes).
type AxisValue struct {
	Key string
	// IsNone marks the explicit "none" value: claims whose subject (or the claim itself) has no
	// value on the axis count there, so that no claim is dropped. Its key is NoneKey.
	IsNone bool
	// Status is the status of the node behind the value (work models, methods, target groups,
	// outcomes); nil for vocabulary codes and the none value.
	Status *Status
	// Broader is the broader term the value rolls up into (vocabulary axes), or nil.
	Broader *string
	// Depth is 0 for top terms, 1 for their narrower terms, and so on.
	Depth int
	text  TextValue
}

// NoneKey is the key of an axis's "none" value.
const NoneKey = "none"

// noneLabels name the none value of each axis.
var noneLabels = [numAxes]TextValue{
	axWorkModel:            {"geen werkmodel", "no work model"},
	axMethod:               {"geen methodiek", "no method"},
	axActorType:            {"geen actortype", "no actor type"},
	axTargetGroup:          {"geen doelgroep", "no target group"},
	axSupportFunction:      {"geen steunfunctie", "no support function"},
	axOutcomeDomain:        {"geen uitkomstdomein", "no outcome domain"},
	axOutcome:              {"geen uitkomst", "no outcome"},
	axPreconditionCategory: {"geen randvoorwaarde", "no precondition"},
	axSourceType:           {"geen bron", "no source"},
	axRegion:               {"geen regio", "no region"},
}

// TermMode tells whether vocabulary terms count as coded or also under their broader terms.
type TermMode string

// Term modes.
const (
	TermsRolledUp TermMode = "ROLLED_UP"
	TermsAsCoded  TermMode = "AS_CODED"
)

// MatrixOptions are the roll-up choices of a matrix or of claim statistics. The zero value is
// the default: terms rolled up, claims of initiatives counted for the methods they implement.
type MatrixOptions struct {
	// AsCoded counts each claim under its vocabulary terms as coded only; otherwise also under
	// every broader term (VOLUNTEER_KEY_FIGURE also under VOLUNTEER, BE_VLG also under BE).
	AsCoded bool
	// NoVia leaves out the roll-up through implementations: otherwise an initiative's claims also
	// count for the methods it implements (METHOD axis) and for their work models (WORK_MODEL).
	NoVia bool
}

// variant returns which of a method row's value lists (0 or 1) axis ax reads under o.
func (o MatrixOptions) variant(ax int) int {
	switch {
	case ax == axWorkModel || ax == axMethod:
		if !o.NoVia {
			return 1
		}
	case axisSchemes[ax] != "":
		if !o.AsCoded {
			return 1
		}
	}
	return 0
}

// Label returns the value's name or label in lang, or its code when it has none.
func (v *AxisValue) Label(lang Lang) string {
	if s := v.text.In(lang); s != "" {
		return s
	}
	return ShortID(v.Key)
}

// EvidenceRank orders evidence levels for "highest evidence level": the position of the level in
// Vocabularies["EvidenceLevel"] (weakest first), -1 when unknown. Every comparison of levels
// goes through here.
func EvidenceRank(l EvidenceLevel) int { return Rank("EvidenceLevel", string(l)) }

// Direction positions: POSITIVE, NONE, NEGATIVE, MIXED (Vocabularies["Direction"]).
const numDirections = 4

// analytics is the claim-facet model: immutable once built, shared by every reader of one index.
type analytics struct {
	ix       *index
	claims   []claimRow  // every outcome claim, in id order
	methods  []methodRow // every method and initiative, in id order
	methodOf map[string]int32
	// claimOf maps claim ids to positions in claims, built on first use (claimIndex).
	claimOfOnce sync.Once
	claimOf     map[string]int32
	sources     []string // every source id, in id order
	sourceOf    map[string]int32
	axes        [numAxes]axisValues
	hasNone     [numAxes][2]bool // some claim has no value on the axis (in the variant)
	// claimUp holds, by claim, the OUTCOME_DOMAIN and SOURCE_TYPE values rolled up to broader
	// terms; nil while no claim has any (those vocabularies have no broader terms today), so that
	// claim rows stay small.
	claimUp [][2][]int32

	// matrices caches computed matrices by their arguments: the read model is immutable, so a
	// matrix stays valid as long as its index is the store's.
	matricesMu sync.Mutex
	matrices   map[string]*Matrix
}

type axisValues struct {
	values []*AxisValue
	index  map[string]int32 // key → position in values
	none   *AxisValue       // the "none" value (not in values)
}

// claimRow is one outcome claim with its facets.
type claimRow struct {
	id        string
	index     int32    // position in analytics.claims
	method    int32    // subject, in analytics.methods; -1 when missing
	one       [2]int32 // value on OUTCOME, value on OUTCOME_DOMAIN; -1 when missing
	direction int8     // position in Vocabularies["Direction"], -1 when unknown
	design    int8     // Rank("StudyDesign"), -1 when unknown
	flags     uint8    // flagClaimNC, flagSourceNC (confidence.go)
	hasDesign bool
	level     int8 // the subject's best EvidenceRank, -1 when none (a copy, to keep tallies sequential)
	status    Status
	sources   []int32 // distinct, positions in analytics.sources
	srcTypes  []int32 // distinct values on SOURCE_TYPE
	n         *int
	effect    *float64
}

// methodRow is one method or initiative with its facets.
type methodRow struct {
	id string
	// vals are the values on the axes that come from the subject, in two variants (see
	// MatrixOptions.variant): [0] own and as coded, [1] with the roll-up (through
	// implementations on WORK_MODEL and METHOD, broader terms on vocabulary axes). flags are
	// their flags (flagLinkNC, flagVia), nil when all are 0.
	vals         [numAxes][2][]int32
	flags        [numAxes][2][]uint8
	implements   []int32 // the method rows it implements
	implementers []int32 // the method rows implementing it
	claims       []int32 // its outcome claims, in id order
	sources      int     // distinct sources cited by its outcome claims
	design       int8    // strongest design among its claims, -1 when none
	level        int8    // best EvidenceRank among its ratings, -1 when none
	conf         int8    // best confidence rank among its claims, own and through implementers; -1 when none
	confClaim    int32   // the claim with that confidence
	confVia      bool    // that claim is an implementer's
}

// values returns the claim's values on axis ax in variant v (distinct; empty when it has none)
// and their flags (nil when all 0).
func (an *analytics) values(ax, v int, c *claimRow) ([]int32, []uint8) {
	switch ax {
	case axOutcome:
		if c.one[0] >= 0 {
			return c.one[0:1], nil
		}
		return nil, nil
	case axOutcomeDomain:
		if v == 1 && an.claimUp != nil {
			if up := an.claimUp[c.index][0]; up != nil {
				return up, nil
			}
		}
		if c.one[1] >= 0 {
			return c.one[1:2], nil
		}
		return nil, nil
	case axSourceType:
		if v == 1 && an.claimUp != nil {
			if up := an.claimUp[c.index][1]; up != nil {
				return up, nil
			}
		}
		return c.srcTypes, nil
	}
	if c.method < 0 {
		return nil, nil
	}
	m := &an.methods[c.method]
	return m.vals[ax][v], m.flags[ax][v]
}

func flagAt(fl []uint8, i int) uint8 {
	if fl == nil {
		return 0
	}
	return fl[i]
}

// analytics returns the index's claim-facet model, building it on first use.
func (ix *index) analytics() *analytics {
	ix.analyticsOnce.Do(func() { ix.analyticsData = buildAnalytics(ix) })
	return ix.analyticsData
}

func buildAnalytics(ix *index) *analytics {
	an := &analytics{ix: ix}
	an.buildAxes()

	an.sources = ix.byType[TypeSource]
	an.sourceOf = make(map[string]int32, len(an.sources))
	for i, id := range an.sources {
		an.sourceOf[id] = int32(i)
	}
	// Source types and statuses, once per source rather than once per citing claim.
	srcType := make([]int32, len(an.sources))
	srcNC := make([]bool, len(an.sources))
	for i, id := range an.sources {
		n := ix.nodes[id]
		srcType[i] = an.key(axSourceType, n.str("sourceType"))
		srcNC[i] = Status(n.str("status")) != Confirmed
	}

	methodIDs := append(append([]string{}, ix.byType[TypeMethod]...), ix.byType[TypeInitiative]...)
	sort.Strings(methodIDs)
	an.methods = make([]methodRow, len(methodIDs))
	an.methodOf = make(map[string]int32, len(methodIDs))
	for i, id := range methodIDs {
		an.methodOf[id] = int32(i)
	}
	for i, id := range methodIDs {
		an.methods[i] = an.buildMethod(ix.nodes[id])
	}
	for i := range an.methods {
		for _, m := range an.methods[i].implements {
			an.methods[m].implementers = append(an.methods[m].implementers, int32(i))
		}
	}
	for i := range an.methods {
		an.rollUp(i)
	}

	claimIDs := ix.byType[TypeOutcomeClaim]
	an.claims = make([]claimRow, len(claimIDs))
	for i, id := range claimIDs {
		n := ix.nodes[id]
		c := &an.claims[i]
		c.id = id
		c.method = -1
		if m, ok := an.methodOf[n.ref("subject")]; ok {
			c.method = m
		}
		c.one = [2]int32{-1, -1}
		if o := n.ref("outcome"); o != "" {
			c.one[0] = an.key(axOutcome, o)
			if on := ix.nodes[o]; on != nil {
				c.one[1] = an.key(axOutcomeDomain, codeOf(on.ref("domain")))
			}
		}
		c.direction = int8(Rank("Direction", n.str("direction")))
		if d := n.str("design"); d != "" {
			c.hasDesign = true
			c.design = int8(Rank("StudyDesign", d))
		} else {
			c.design = -1
		}
		c.status = Status(n.str("status"))
		if c.status != Confirmed {
			c.flags |= flagClaimNC
		}
		for _, sid := range n.outs("source") {
			if s, ok := an.sourceOf[sid]; ok && !containsInt32(c.sources, s) {
				c.sources = append(c.sources, s)
				if srcNC[s] {
					c.flags |= flagSourceNC
				}
				if t := srcType[s]; t >= 0 && !containsInt32(c.srcTypes, t) {
					c.srcTypes = append(c.srcTypes, t)
				}
			}
		}
		c.index = int32(i)
		var up [2][]int32
		if c.one[1] >= 0 {
			up[0] = an.broaderOf(axOutcomeDomain, c.one[1:2])
		}
		up[1] = an.broaderOf(axSourceType, c.srcTypes)
		if up[0] != nil || up[1] != nil {
			if an.claimUp == nil {
				an.claimUp = make([][2][]int32, len(claimIDs))
			}
			an.claimUp[i] = up
		}
		c.n = n.optInt("sampleSize")
		c.effect = n.optFloat("effectSize")
		c.level = -1
		if c.method >= 0 {
			m := &an.methods[c.method]
			c.level = m.level
			m.claims = append(m.claims, int32(i))
			if c.hasDesign && c.design > m.design {
				m.design = c.design
			}
		}
	}
	seen := make([]int32, len(an.sources))
	for i := range an.methods {
		m := &an.methods[i]
		for _, ci := range m.claims {
			for _, s := range an.claims[ci].sources {
				if seen[s] != int32(i)+1 {
					seen[s] = int32(i) + 1
					m.sources++
				}
			}
		}
		an.methodConfidence(m)
	}
	// Which axes have claims without a value, in each variant (their "none" row is always shown).
	for i := range an.claims {
		c := &an.claims[i]
		for ax := range numAxes {
			for v := range 2 {
				if vs, _ := an.values(ax, v, c); len(vs) == 0 {
					an.hasNone[ax][v] = true
				}
			}
		}
	}
	return an
}

// methodConfidence sets m's confidence: the best of its claims' own confidences (Rate on each
// claim alone), its implementers' claims included.
func (an *analytics) methodConfidence(m *methodRow) {
	m.conf, m.confClaim = -1, -1
	try := func(ci int32, via bool) {
		c := &an.claims[ci]
		var a confidenceAcc
		a.reset()
		a.add(c.design, c.flags, c.direction)
		if l := int8(ConfidenceRank(a.levelOf(len(c.sources)))); l > m.conf ||
			(l == m.conf && c.design > an.claims[m.confClaim].design) {
			m.conf, m.confClaim, m.confVia = l, ci, via
		}
	}
	for _, ci := range m.claims {
		try(ci, false)
	}
	for _, im := range m.implementers {
		for _, ci := range an.methods[im].claims {
			try(ci, true)
		}
	}
}

// claimConfidence is Rate for one claim on its own (no counting link).
func (an *analytics) claimConfidence(c *claimRow) Confidence {
	var a confidenceAcc
	a.reset()
	a.add(c.design, c.flags, c.direction)
	return a.result(len(c.sources), sharedEnums)
}

var sharedEnums = newEnums()

// broaderOf returns vals with every broader term of each added (in axis order), or nil when
// none of them has a broader term (or the axis has no vocabulary).
func (an *analytics) broaderOf(ax int, vals []int32) []int32 {
	scheme := axisSchemes[ax]
	if scheme == "" || len(Broader[scheme]) == 0 {
		return nil
	}
	var out []int32
	for _, v := range vals {
		for b, ok := Broader[scheme][an.axes[ax].values[v].Key]; ok; b, ok = Broader[scheme][b] {
			if k := an.key(ax, b); k >= 0 && !containsInt32(vals, k) && !containsInt32(out, k) {
				out = append(out, k)
			}
		}
	}
	if out == nil {
		return nil
	}
	out = append(append([]int32{}, vals...), out...)
	slices.Sort(out)
	return out
}

// claimIndex returns the position of claim id in an.claims.
func (an *analytics) claimIndex(id string) (int32, bool) {
	an.claimOfOnce.Do(func() {
		an.claimOf = make(map[string]int32, len(an.claims))
		for i := range an.claims {
			an.claimOf[an.claims[i].id] = int32(i)
		}
	})
	i, ok := an.claimOf[id]
	return i, ok
}

// key returns the position of key among the values of axis ax, or -1.
func (an *analytics) key(ax int, key string) int32 {
	if i, ok := an.axes[ax].index[key]; ok {
		return i
	}
	return -1
}

func (an *analytics) buildAxes() {
	ix := an.ix
	nodeAxis := func(ax int, ids []string, textField string) {
		vs := make([]*AxisValue, len(ids))
		for i, id := range ids {
			n := ix.nodes[id]
			st := Status(n.str("status"))
			vs[i] = &AxisValue{Key: id, text: n.text(textField), Status: &st}
		}
		an.axes[ax].values = vs
	}
	wms := append([]string{}, ix.byType[TypeWorkModel]...)
	sort.SliceStable(wms, func(i, j int) bool { return ix.nodes[wms[i]].str("code") < ix.nodes[wms[j]].str("code") })
	nodeAxis(axWorkModel, wms, "name")
	methods := append(append([]string{}, ix.byType[TypeMethod]...), ix.byType[TypeInitiative]...)
	sort.Strings(methods)
	nodeAxis(axMethod, methods, "name")
	nodeAxis(axTargetGroup, ix.byType[TypeTargetGroup], "label")
	outcomes := append([]string{}, ix.byType[TypeOutcome]...)
	domainRank := func(id string) int { return Rank("OutcomeDomain", codeOf(ix.nodes[id].ref("domain"))) }
	sort.SliceStable(outcomes, func(i, j int) bool { return domainRank(outcomes[i]) < domainRank(outcomes[j]) })
	nodeAxis(axOutcome, outcomes, "label")
	for ax, scheme := range axisSchemes {
		if scheme == "" {
			continue
		}
		codes := Vocabularies[scheme]
		vs := make([]*AxisValue, len(codes))
		for i, code := range codes {
			v := &AxisValue{Key: code}
			if c := ix.nodes[ConceptID(scheme, code)]; c != nil {
				v.text = c.text("label")
			}
			if b, ok := Broader[scheme][code]; ok {
				v.Broader = &b
			}
			for b, ok := Broader[scheme][code]; ok; b, ok = Broader[scheme][b] {
				v.Depth++
			}
			vs[i] = v
		}
		an.axes[ax].values = vs
	}
	for ax := range an.axes {
		a := &an.axes[ax]
		a.index = make(map[string]int32, len(a.values))
		for i, v := range a.values {
			a.index[v.Key] = int32(i)
		}
		a.none = &AxisValue{Key: NoneKey, IsNone: true, text: noneLabels[ax]}
	}
}

// buildMethod returns n's row with its own values (variant 0); rollUp adds variant 1.
func (an *analytics) buildMethod(n *node) methodRow {
	ix := an.ix
	m := methodRow{id: n.id, design: -1, level: -1}
	var flags [numAxes]map[int32]uint8 // link flags by value: CONFIRMED wins
	add := func(ax int, key string, linkStatus Status) {
		v := an.key(ax, key)
		if v < 0 {
			return
		}
		f := uint8(0)
		if linkStatus != "" && linkStatus != Confirmed {
			f = flagLinkNC
		}
		if !containsInt32(m.vals[ax][0], v) {
			m.vals[ax][0] = append(m.vals[ax][0], v)
			if flags[ax] == nil {
				flags[ax] = map[int32]uint8{}
			}
			flags[ax][v] = f
		} else {
			flags[ax][v] &= f
		}
	}
	add(axMethod, n.id, "")
	for _, id := range n.ins("subject") {
		c := ix.nodes[id]
		st := Status(c.str("status"))
		switch c.typ {
		case TypeAssignment:
			add(axWorkModel, c.ref("workModel"), st)
		case TypeInvolvement:
			add(axActorType, codeOf(c.ref("actorType")), st)
		case TypeRequirement:
			if p := ix.nodes[c.ref("precondition")]; p != nil {
				add(axPreconditionCategory, codeOf(p.ref("category")), st)
			}
		case TypeEvidenceRating:
			if r := int8(EvidenceRank(EvidenceLevel(c.str("evidenceLevel")))); r > m.level {
				m.level = r
			}
		}
	}
	for _, t := range n.outs("targetGroup") {
		add(axTargetGroup, t, "")
	}
	for _, c := range n.outs("supportFunction") {
		add(axSupportFunction, codeOf(c), "")
	}
	for _, c := range n.outs("region") {
		add(axRegion, codeOf(c), "")
	}
	for _, id := range n.outs("implements") {
		if i, ok := an.methodOf[id]; ok && id != n.id {
			m.implements = append(m.implements, i)
		}
	}
	// Values in axis order, so that lists built from them are ordered too.
	for ax := range m.vals {
		vs := m.vals[ax][0]
		slices.Sort(vs)
		var fl []uint8
		for i, v := range vs {
			if f := flags[ax][v]; f != 0 {
				if fl == nil {
					fl = make([]uint8, len(vs))
				}
				fl[i] = f
			}
		}
		m.flags[ax][0] = fl
		m.vals[ax][1], m.flags[ax][1] = vs, fl
	}
	return m
}

// rollUp sets method row i's variant 1: through implementations on METHOD and WORK_MODEL (the
// implemented methods and their work models, flagged flagVia, keeping the flags of those
// methods' assignments), broader terms on the vocabulary axes (each keeping the best flags of
// the narrower values it comes from). A value reached both directly and through an
// implementation counts once, through its best path: a CONFIRMED link first, then the direct
// one.
func (an *analytics) rollUp(i int) {
	m := &an.methods[i]
	merge := func(ax int, extra map[int32]uint8) {
		if len(extra) == 0 {
			return
		}
		vs := append([]int32{}, m.vals[ax][0]...)
		for v := range extra {
			if !containsInt32(vs, v) {
				vs = append(vs, v)
			}
		}
		slices.Sort(vs)
		fl := make([]uint8, len(vs))
		own, ownFl := m.vals[ax][0], m.flags[ax][0]
		for k, v := range vs {
			j := slices.Index(own, v)
			e, viaToo := extra[v]
			switch {
			case j < 0:
				fl[k] = e
			case viaToo && flagAt(ownFl, j)&flagLinkNC != 0 && e&flagLinkNC == 0:
				fl[k] = e // a confirmed path through an implementation beats an unconfirmed own link
			default:
				fl[k] = flagAt(ownFl, j)
			}
		}
		m.vals[ax][1], m.flags[ax][1] = vs, fl
	}
	best := func(x map[int32]uint8, v int32, f uint8) {
		if old, ok := x[v]; !ok || bitsSet(f) < bitsSet(old) {
			x[v] = f
		}
	}
	if len(m.implements) > 0 {
		viaM, viaW := map[int32]uint8{}, map[int32]uint8{}
		for _, im := range m.implements {
			t := &an.methods[im]
			best(viaM, t.vals[axMethod][0][0], flagVia)
			for k, w := range t.vals[axWorkModel][0] {
				best(viaW, w, flagVia|flagAt(t.flags[axWorkModel][0], k))
			}
		}
		merge(axMethod, viaM)
		merge(axWorkModel, viaW)
	}
	for ax, scheme := range axisSchemes {
		if scheme == "" || len(Broader[scheme]) == 0 {
			continue
		}
		up := map[int32]uint8{}
		for k, v := range m.vals[ax][0] {
			for b, ok := Broader[scheme][an.axes[ax].values[v].Key]; ok; b, ok = Broader[scheme][b] {
				if bv := an.key(ax, b); bv >= 0 {
					best(up, bv, flagAt(m.flags[ax][0], k))
				}
			}
		}
		merge(ax, up)
	}
}

func containsInt32(xs []int32, x int32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// claimMatcher is a ClaimFilter compiled against the analytics model: the one place that
// decides whether a claim matches a filter (Store.Claims, ClaimsOf, the matrix, claim
// statistics and FindMethods all use it). Vocabulary filters include narrower terms.
type claimMatcher struct {
	all         bool
	confirmed   bool // ConfirmedOnly: the claim and its sources here; counting links in the callers
	directions  []int8
	statuses    []Status
	domains     []int32
	minDesign   int8
	hasMin      bool
	outcomes    []int32
	methods     []int32
	sourceTypes []int32
	empty       bool // a list filter names only values that cannot occur: nothing matches
}

func (an *analytics) compile(f *ClaimFilter) *claimMatcher {
	m := &claimMatcher{}
	if f == nil {
		m.all = true
		return m
	}
	if len(f.Direction) > 0 {
		m.directions = []int8{}
		for _, d := range f.Direction {
			if r := Rank("Direction", string(d)); r >= 0 {
				m.directions = append(m.directions, int8(r))
			}
		}
		if len(m.directions) == 0 {
			m.empty = true
		}
	}
	m.statuses = f.Status
	lookup := func(ax int, keys []string) []int32 {
		if len(keys) == 0 {
			return nil
		}
		out := []int32{}
		for _, k := range keys {
			if v := an.key(ax, k); v >= 0 {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			m.empty = true
		}
		return out
	}
	var domains, types []string
	for _, d := range f.OutcomeDomain {
		domains = append(domains, Narrower("OutcomeDomain", string(d))...)
	}
	for _, t := range f.SourceType {
		types = append(types, Narrower("SourceType", string(t))...)
	}
	m.confirmed = f.ConfirmedOnly != nil && *f.ConfirmedOnly
	m.domains = lookup(axOutcomeDomain, domains)
	m.sourceTypes = lookup(axSourceType, types)
	m.outcomes = lookup(axOutcome, fullIDs(f.Outcome))
	if len(f.Method) > 0 {
		m.methods = []int32{}
		for _, id := range fullIDs(f.Method) {
			if i, ok := an.methodOf[id]; ok {
				m.methods = append(m.methods, i)
			}
		}
		if len(m.methods) == 0 {
			m.empty = true
		}
	}
	if f.MinDesign != nil {
		m.hasMin = true
		m.minDesign = int8(Rank("StudyDesign", string(*f.MinDesign)))
	}
	return m
}

func (m *claimMatcher) match(c *claimRow) bool {
	if m.all {
		return true
	}
	if m.empty {
		return false
	}
	if m.confirmed && c.flags&(flagClaimNC|flagSourceNC) != 0 {
		return false
	}
	if m.directions != nil && !containsInt8(m.directions, c.direction) {
		return false
	}
	if !anyOf(m.statuses, c.status) {
		return false
	}
	if m.domains != nil && !containsInt32(m.domains, c.one[1]) {
		return false
	}
	if m.hasMin && (!c.hasDesign || c.design < m.minDesign) {
		return false
	}
	if m.outcomes != nil && !containsInt32(m.outcomes, c.one[0]) {
		return false
	}
	if m.methods != nil && !containsInt32(m.methods, c.method) {
		return false
	}
	if m.sourceTypes != nil {
		found := false
		for _, t := range c.srcTypes {
			if containsInt32(m.sourceTypes, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func containsInt8(xs []int8, x int8) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// NumberSummary summarises a numeric field over a set of claims: how many have a value, and
// the smallest, largest and mean of those values (nil when none has one).
type NumberSummary struct {
	Count int
	Min   *float64
	Max   *float64
	Avg   *float64
}

// stats are the counts of a set of claims (a matrix cell, a claim group).
type stats struct {
	claims      int
	sources     int
	via         int // counted through an implementing initiative
	unconfirmed int // claim, counting link or a source not CONFIRMED
	conf        confidenceAcc
	directions  [numDirections]int
	design      int8 // strongest, -1 when none
	level       int8 // best evidence level of the subjects, -1 when none
	sampleSize  NumberSummary
	effectSize  NumberSummary
}

// tally counts the claims of many sets (the cells of a matrix, the groups of claimStats) in one
// pass over the claims, so that no claim is read twice: on a large KB, revisiting claims cell by
// cell costs a cache miss per claim. Distinct sources are counted with a bitset per set while all
// bitsets together stay within maxTallyBits (a 16-domain × 7-work-model matrix over 20,000
// sources needs 280 KB); beyond that, finish counts them (see there).
type tally struct {
	an      *analytics
	numbers bool
	words   int // bitset words per set; 0 when sources are counted by finish
	bits    []uint64
	sets    []tallySet
	pairs   [][2]int32 // (set, claim) in claim order; finish sorts them into each set's claims
}

type tallySet struct {
	st     stats
	sums   [2]float64 // of sample sizes and effect sizes
	citing int        // source citations of its claims, repeats included (without bitsets)
	claims []int32    // filled by finish, in claim order
}

// maxTallyBits bounds the bitsets of one tally, in bytes (a variable for tests).
var maxTallyBits = 32 << 20

// newTally returns a tally for at most maxSets sets; numbers also summarises sample and effect
// sizes.
func (an *analytics) newTally(maxSets int, numbers bool) *tally {
	t := &tally{an: an, numbers: numbers}
	if w := (len(an.sources) + 63) / 64; maxSets*w*8 <= maxTallyBits {
		t.words = w
	}
	// Room for the sets up front: growing a slice of 100,000 sets (a METHOD × OUTCOME matrix)
	// step by step costs more than counting them.
	t.sets = make([]tallySet, 0, min(maxSets, len(an.claims)+1, 1<<17))
	return t
}

// newSet adds a set and returns its number.
func (t *tally) newSet() int {
	t.sets = append(t.sets, tallySet{st: stats{design: -1, level: -1, conf: confidenceAcc{level: -1, design: -1}}})
	if t.words > 0 {
		n := len(t.bits)
		t.bits = slices.Grow(t.bits, t.words)[:n+t.words]
		clear(t.bits[n:])
	}
	return len(t.sets) - 1
}

// add counts claim ci in set k; flags are the claim's with those of the values it counts
// through.
func (t *tally) add(k int, ci int32, c *claimRow, flags uint8) {
	x := &t.sets[k]
	t.pairs = append(t.pairs, [2]int32{int32(k), ci})
	st := &x.st
	st.claims++
	if flags&flagVia != 0 {
		st.via++
	}
	if flags&flagsNC != 0 {
		st.unconfirmed++
	}
	st.conf.add(c.design, flags, c.direction)
	if c.direction >= 0 && c.direction < numDirections {
		st.directions[c.direction]++
	}
	if c.hasDesign && c.design > st.design {
		st.design = c.design
	}
	if c.level > st.level {
		st.level = c.level
	}
	if t.words > 0 {
		b := t.bits[k*t.words : (k+1)*t.words]
		for _, s := range c.sources {
			if w, m := s>>6, uint64(1)<<(s&63); b[w]&m == 0 {
				b[w] |= m
				st.sources++
			}
		}
	} else {
		x.citing += len(c.sources)
	}
	if t.numbers {
		if c.n != nil {
			accumulate(&st.sampleSize, &x.sums[0], float64(*c.n))
		}
		if c.effect != nil {
			accumulate(&st.effectSize, &x.sums[1], *c.effect)
		}
	}
}

// finish completes the counts: each set's claims (one counting sort of the pairs, so that the
// sets share one array rather than growing one slice each), distinct sources when no bitsets
// were kept, and means.
//
// Without bitsets, the sources cited in each set are gathered the same way, reading the claims
// in claim order (sequentially), and then deduplicated set by set with one stamp per source;
// walking each set's claims instead would jump around the claims at a cache miss each.
func (t *tally) finish() {
	flat := make([]int32, len(t.pairs))
	next := make([]int, len(t.sets))
	off := 0
	for k := range t.sets {
		n := t.sets[k].st.claims
		t.sets[k].claims = flat[off : off+n : off+n]
		next[k] = off
		off += n
	}
	for _, p := range t.pairs {
		flat[next[p[0]]] = p[1]
		next[p[0]]++
	}
	if t.words == 0 {
		t.countSources()
	}
	t.pairs, t.bits = nil, nil
	for k := range t.sets {
		x := &t.sets[k]
		if n := x.st.sampleSize.Count; n > 0 {
			avg := x.sums[0] / float64(n)
			x.st.sampleSize.Avg = &avg
		}
		if n := x.st.effectSize.Count; n > 0 {
			avg := x.sums[1] / float64(n)
			x.st.effectSize.Avg = &avg
		}
	}
}

func (t *tally) countSources() {
	start := make([]int, len(t.sets)+1)
	for k := range t.sets {
		start[k+1] = start[k] + t.sets[k].citing
	}
	cited := make([]int32, start[len(t.sets)])
	next := append([]int(nil), start[:len(t.sets)]...)
	for _, p := range t.pairs {
		next[p[0]] += copy(cited[next[p[0]]:], t.an.claims[p[1]].sources)
	}
	seen := make([]int32, len(t.an.sources))
	for k := range t.sets {
		stamp := int32(k) + 1
		for _, s := range cited[start[k]:start[k+1]] {
			if seen[s] != stamp {
				seen[s] = stamp
				t.sets[k].st.sources++
			}
		}
	}
}

func accumulate(s *NumberSummary, sum *float64, x float64) {
	s.Count++
	*sum += x
	if s.Min == nil || x < *s.Min {
		v := x
		s.Min = &v
	}
	if s.Max == nil || x > *s.Max {
		v := x
		s.Max = &v
	}
}

// enums hands out *StudyDesign and *EvidenceLevel values for one answer: one pointer per code,
// shared by the answer's cells, rather than an allocation per cell.
type enums struct {
	designs []StudyDesign
	levels  []EvidenceLevel
}

func newEnums() *enums {
	e := &enums{}
	for _, d := range Vocabularies["StudyDesign"] {
		e.designs = append(e.designs, StudyDesign(d))
	}
	for _, l := range Vocabularies["EvidenceLevel"] {
		e.levels = append(e.levels, EvidenceLevel(l))
	}
	return e
}

func (e *enums) design(rank int8) *StudyDesign {
	if rank < 0 {
		return nil
	}
	return &e.designs[rank]
}

func (e *enums) level(rank int8) *EvidenceLevel {
	if rank < 0 {
		return nil
	}
	return &e.levels[rank]
}

// claimIDs turns claim positions into ids.
func (an *analytics) claimIDs(claims []int32) []string {
	out := make([]string, len(claims))
	for i, c := range claims {
		out[i] = an.claims[c].id
	}
	return out
}
