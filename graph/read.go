package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// textFields lists, per type, the text fields to copy into Base.Texts.
func textFields(t NodeType) []string {
	spec := TypeOf(t)
	if spec == nil {
		return nil
	}
	var out []string
	for _, f := range spec.Fields {
		if f.Kind == TextField {
			out = append(out, f.Predicate())
		}
	}
	return out
}

func (ix *index) base(n *node) Base {
	b := Base{
		ID:        n.id,
		Type:      n.typ,
		Status:    Status(n.str("status")),
		NoteText:  n.note(),
		SourceIDs: n.refs("source"),
		BatchIDs:  append([]string{}, n.batches()...),
		Texts:     Texts{},
	}
	for _, f := range textFields(n.typ) {
		if t := n.text(f); t != (TextValue{}) {
			b.Texts[f] = t
		}
	}
	return b
}

func optCode[T ~string](n *node, p string) *T {
	if s := n.str(p); s != "" {
		v := T(s)
		return &v
	}
	return nil
}

// build turns a read-model node into its domain type.
func (ix *index) build(n *node) Node {
	b := ix.base(n)
	switch n.typ {
	case TypeWorkModel:
		return &WorkModel{Base: b, Code: n.str("code"),
			AssignmentIDs:     ix.inTyped(n, "workModel", TypeAssignment),
			CharacteristicIDs: ix.inTyped(n, "subject", TypeCharacteristic),
			RequirementIDs:    ix.inTyped(n, "subject", TypeRequirement),
			AssessmentIDs:     ix.inTyped(n, "subject", TypeAssessment),
			ExperienceIDs:     ix.inTyped(n, "about", TypeExperience),
		}
	case TypeMethod, TypeInitiative:
		kind := KindMethod
		if n.typ == TypeInitiative {
			kind = KindInitiative
		}
		return &Method{Base: b, Kind: kind,
			Aliases: n.strs("aliases"), URL: n.optStr("url"), StartYear: n.optInt("startYear"), EndYear: n.optInt("endYear"),
			NetworkStrategyIDs: n.refs("networkStrategy"), GottliebLevelID: n.ref("gottliebLevel"),
			HoganFormat: n.str("hoganFormat"), HoganProvider: n.str("hoganProvider"), HoganFocus: n.str("hoganFocus"), MasiStrategy: n.str("masiStrategy"),
			SupportFunctionIDs: n.refs("supportFunction"), SocialCapitalIDs: n.refs("socialCapital"), RegionIDs: n.refs("region"),
			TargetGroupIDs: n.refs("targetGroup"), OrganisationIDs: n.refs("organisation"),
			AssignmentIDs:     ix.inTyped(n, "subject", TypeAssignment),
			InvolvementIDs:    ix.inTyped(n, "subject", TypeInvolvement),
			RequirementIDs:    ix.inTyped(n, "subject", TypeRequirement),
			CharacteristicIDs: ix.inTyped(n, "subject", TypeCharacteristic),
			AssessmentIDs:     ix.inTyped(n, "subject", TypeAssessment),
			RatingIDs:         ix.inTyped(n, "subject", TypeEvidenceRating),
			ClaimIDs:          ix.inTyped(n, "subject", TypeOutcomeClaim),
			ImplementsIDs:     n.refs("implements"),
			ImplementedByIDs:  ix.inTyped(n, "implements", TypeInitiative, TypeMethod),
			SimilarToIDs:      n.refs("similarTo"),
			ExperienceIDs:     ix.inTyped(n, "about", TypeExperience),
		}
	case TypeAssignment:
		return &Assignment{Base: b, MethodID: n.ref("subject"), WorkModelID: n.ref("workModel"),
			Primary: deref(n.optBool("primary")), Basis: Basis(n.str("basis"))}
	case TypeInvolvement:
		actor := n.ref("actorType")
		return &Involvement{Base: b, MethodID: n.ref("subject"), ActorID: actor, ActorType: ActorType(codeOf(actor)),
			Role: optCode[ActorRole](n, "role"), Paid: n.optBool("paid")}
	case TypeRequirement:
		return &Requirement{Base: b, SubjectID: n.ref("subject"), PreconditionID: n.ref("precondition"),
			StatedBy: optCode[StakeholderGroup](n, "statedBy")}
	case TypeCharacteristic:
		return &Characteristic{Base: b, SubjectID: n.ref("subject"), Kind: CharacteristicKind(n.str("kind")),
			StatedBy: optCode[StakeholderGroup](n, "statedBy")}
	case TypeAssessment:
		return &Assessment{Base: b, SubjectID: n.ref("subject"), Criterion: Criterion(n.str("criterion")),
			Value: AssessmentValue(n.str("value")), StakeholderGroup: StakeholderGroup(n.str("stakeholderGroup")), Date: n.optStr("date")}
	case TypeEvidenceRating:
		return &EvidenceRating{Base: b, MethodID: n.ref("subject"), Registry: Registry(n.str("registry")),
			Level: EvidenceLevel(n.str("evidenceLevel")), Date: n.optStr("date"), URL: n.optStr("url")}
	case TypeOutcomeClaim:
		c := &OutcomeClaim{Base: b, MethodID: n.ref("subject"), OutcomeID: n.ref("outcome"), Direction: Direction(n.str("direction")),
			Design: optCode[StudyDesign](n, "design"), SampleSize: n.optInt("sampleSize"), EffectSize: n.optFloat("effectSize"),
			EffectMetric: n.optStr("effectMetric"), Timeframe: optCode[Timeframe](n, "timeframe"), Locator: n.optStr("locator")}
		if o := ix.nodes[c.OutcomeID]; o != nil {
			c.OutcomeDomain = OutcomeDomain(codeOf(o.ref("domain")))
		}
		return c
	case TypeOutcome:
		return &Outcome{Base: b, Domain: OutcomeDomain(codeOf(n.ref("domain"))), Level: optCode[OutcomeLevel](n, "level"),
			ClaimIDs: ix.inTyped(n, "outcome", TypeOutcomeClaim)}
	case TypePrecondition:
		return &Precondition{Base: b, Category: PreconditionCategory(codeOf(n.ref("category"))), Level: optCode[PreconditionLevel](n, "level"),
			CriticalSuccessFactor: deref(n.optBool("criticalSuccessFactor")), RequirementIDs: ix.inTyped(n, "precondition", TypeRequirement)}
	case TypeTargetGroup:
		return &TargetGroup{Base: b, Tags: n.strs("tags"), AgeRange: n.optStr("ageRange"),
			MethodIDs: ix.inTyped(n, "targetGroup", TypeMethod, TypeInitiative)}
	case TypeOrganisation:
		return &Organisation{Base: b, Type: optCode[OrganisationType](n, "organisationType"), RegionID: n.ref("region"), URL: n.optStr("url"),
			InitiativeIDs: ix.inTyped(n, "organisation", TypeMethod, TypeInitiative)}
	case TypeSource:
		s := &Source{Base: b, Type: SourceType(n.str("sourceType")), Title: n.str("title"), AuthorNames: n.strs("authorNames"),
			Year: n.optInt("year"), Container: n.optStr("container"), Volume: n.optStr("volume"), Issue: n.optStr("issue"),
			Pages: n.optStr("pages"), Publisher: n.optStr("publisher"), DOI: n.optStr("doi"), ISBN: n.optStr("isbn"),
			URL: n.optStr("url"), Language: n.optStr("language"), PeerReviewed: n.optBool("peerReviewed"),
			CitedByIDs: ix.inTyped(n, "source", claimTypes...)}
		s.AuthorIDs = ix.authorsInOrder(n, s.AuthorNames)
		return s
	case TypeAuthor:
		return &Author{Base: b, Name: n.str("name"), Family: n.str("family"), Given: n.optStr("given"), SourceIDs: n.refs("authored")}
	case TypeConcept:
		return &Concept{Base: b, Scheme: n.str("scheme"), Code: n.str("code"), BroaderID: n.ref("broader"),
			NarrowerIDs: ix.inTyped(n, "broader", TypeConcept)}
	case TypeFramework:
		return &Framework{Base: b, CategoryIDs: ix.inTyped(n, "subject", TypeFrameworkCategory)}
	case TypeFrameworkCategory:
		return &FrameworkCategory{Base: b, Code: n.str("code"), FrameworkID: n.ref("subject")}
	case TypeRecommendation:
		return &PolicyRecommendation{Base: b, Addressee: optCode[Addressee](n, "addressee"), ConcernIDs: n.refs("concerns"), SupportedByIDs: n.refs("supportedBy")}
	case TypePolicyAction:
		return &PolicyAction{Base: b, Year: n.optInt("year"), EndYear: n.optInt("endYear"), BudgetEur: n.optFloat("budgetEur"),
			URL: n.optStr("url"), ConcernIDs: n.refs("concerns"), FollowsFromIDs: n.refs("followsFrom")}
	case TypeResearchQuestion:
		q := &ResearchQuestion{Base: b, Code: n.str("code"), AnsweredByIDs: n.refs("answeredBy"), AnsweredAxisIDs: n.refs("answeredAxis"),
			Answer: AnswerState(n.str("answer")), ParameterIDs: n.refs("parameter"), ExperienceIDs: ix.inTyped(n, "question", TypeExperience)}
		if q.Code == DefaultExperienceQuestion {
			for _, id := range ix.byType[TypeExperience] {
				if e := ix.nodes[id]; e != nil && e.ref("question") == "" {
					q.ExperienceIDs = append(q.ExperienceIDs, id)
				}
			}
			sort.Strings(q.ExperienceIDs)
		}
		return q
	case TypeStudyParameter:
		return &StudyParameter{Base: b, Code: n.str("code"), Position: n.optInt("position"), AnsweredByIDs: n.refs("answeredBy"), AnsweredAxisIDs: n.refs("answeredAxis"),
			Answer: AnswerState(n.str("answer")), QuestionIDs: ix.inTyped(n, "parameter", TypeResearchQuestion)}
	case TypeExperience:
		e := &Experience{Base: b, Perspective: Perspective(n.str("perspective")), AboutIDs: n.refs("about"),
			Design: optCode[StudyDesign](n, "design"), SampleSize: n.optInt("sampleSize"), Locator: n.optStr("locator"), QuestionID: n.ref("question")}
		if e.QuestionID == "" {
			e.QuestionID = ix.questionByCode(DefaultExperienceQuestion)
		}
		return e
	case TypeBatch:
		bt := &Batch{Base: b, Kind: batchKindOf(n.str("batchKind")), Description: n.optStr("description"), LoadedBy: n.optStr("loadedBy"), LoadedAt: n.str("loadedAt"),
			QuadCount: ix.batchQuads[n.id], Counts: typeCounts(ix.batchTypes[n.id]), Files: []BatchFile{}}
		if f := n.str("file"); f != "" {
			_ = json.Unmarshal([]byte(f), &bt.Files)
		}
		for _, sid := range ix.byType[TypeSource] {
			if containsString(ix.nodes[sid].batches(), n.id) {
				bt.SourceIDs = append(bt.SourceIDs, sid)
			}
		}
		return bt
	}
	return nil
}

var claimTypes = []NodeType{TypeAssignment, TypeInvolvement, TypeRequirement, TypeCharacteristic, TypeAssessment, TypeEvidenceRating, TypeOutcomeClaim, TypeRecommendation, TypePolicyAction, TypeExperience}

// questionByCode returns the id of the research question with code, or "".
func (ix *index) questionByCode(code string) string {
	for _, id := range ix.byType[TypeResearchQuestion] {
		if q := ix.nodes[id]; q != nil && q.str("code") == code {
			return id
		}
	}
	return ""
}

// authorsInOrder returns the ids of a source's authors in the order of its author list.
func (ix *index) authorsInOrder(n *node, names []string) []string {
	ids := ix.inTyped(n, "authored", TypeAuthor)
	pos := map[string]int{}
	for i, name := range names {
		f, g := SplitName(name)
		pos[prefix+"author/"+Slugify(f+" "+g)] = i
	}
	sort.SliceStable(ids, func(i, j int) bool { return pos[ids[i]] < pos[ids[j]] })
	return ids
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Node returns the node with the given id (ErrNotFound when there is none).
func (s *Store) Node(ctx context.Context, id string) (Node, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	n := ix.nodes[FullID(id)]
	if n == nil {
		return nil, fmt.Errorf("graph: node %q: %w", id, ErrNotFound)
	}
	return ix.build(n), nil
}

// Nodes returns the nodes with the given ids, in order, in one read; a missing id gives a nil
// node and an ErrNotFound error at its position. Dataloaders call this.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]Node, []error) {
	out := make([]Node, len(ids))
	errs := make([]error, len(ids))
	ix, err := s.index(ctx)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return out, errs
	}
	for i, id := range ids {
		if n := ix.nodes[FullID(id)]; n != nil {
			out[i] = ix.build(n)
		} else {
			errs[i] = fmt.Errorf("graph: node %q: %w", id, ErrNotFound)
		}
	}
	return out, errs
}

// Typed returns the node with the given id if it has type T (ErrNotFound otherwise).
func Typed[T Node](ctx context.Context, s *Store, id string) (T, error) {
	var zero T
	n, err := s.Node(ctx, id)
	if err != nil {
		return zero, err
	}
	t, ok := n.(T)
	if !ok {
		return zero, fmt.Errorf("graph: %q is a %s: %w", id, n.NodeType(), ErrNotFound)
	}
	return t, nil
}

// all returns every node of the given types, built, in id order; it stops with ctx's error.
func all[T Node](ctx context.Context, ix *index, types ...NodeType) ([]T, error) {
	var ids []string
	for _, t := range types {
		ids = append(ids, ix.byType[t]...)
	}
	sort.Strings(ids)
	out := make([]T, 0, len(ids))
	for i, id := range ids {
		if err := checkEvery(ctx, i); err != nil {
			return nil, err
		}
		if v, ok := ix.build(ix.nodes[id]).(T); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// List returns every node of type T's node types, in id order.
func list[T Node](ctx context.Context, s *Store, keep func(*index, T) bool, types ...NodeType) ([]T, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	items, err := all[T](ctx, ix, types...)
	if err != nil || keep == nil {
		return items, err
	}
	out := items[:0]
	for i, it := range items {
		if err := checkEvery(ctx, i); err != nil {
			return nil, err
		}
		if keep(ix, it) {
			out = append(out, it)
		}
	}
	return out, nil
}

// MaxTextFilter is the longest text a text filter may hold, in characters.
const MaxTextFilter = 256

// checkText refuses a text filter longer than MaxTextFilter characters (ErrInvalid).
func checkText(field string, text *string) error {
	if text != nil && utf8.RuneCountInString(*text) > MaxTextFilter {
		return fmt.Errorf("graph: %s: the text filter is %d characters long; the limit is %d: %w", field, utf8.RuneCountInString(*text), MaxTextFilter, ErrInvalid)
	}
	return nil
}

// WorkModelFilter selects work models.
type WorkModelFilter struct {
	Status []Status
}

// WorkModels returns the work models in code order.
func (s *Store) WorkModels(ctx context.Context, f *WorkModelFilter) ([]*WorkModel, error) {
	ws, err := list(ctx, s, func(_ *index, w *WorkModel) bool {
		return f == nil || anyOf(f.Status, w.Status)
	}, TypeWorkModel)
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].Code < ws[j].Code })
	return ws, err
}

// MethodFilter selects methods and initiatives; fields combine with AND, list values with OR.
type MethodFilter struct {
	Kind      *MethodKind
	WorkModel []string
	ActorType *ActorType
	// OutcomeDomain: a claim of the method, own or of an implementing initiative, in one of
	// these domains (narrower terms included).
	OutcomeDomain []OutcomeDomain
	// MinEvidenceLevel: its best evidence-registry rating is at least this level.
	MinEvidenceLevel *EvidenceLevel
	// MinConfidence: its confidence (MethodConfidence) is at least this level.
	MinConfidence   *ConfidenceLevel
	TargetGroup     *string
	Region          *Region
	Status          []Status
	SourceType      *SourceType
	SupportFunction *SupportFunction
	Text            *string
}

// Methods returns the methods and initiatives matching f, in id order.
func (s *Store) Methods(ctx context.Context, f *MethodFilter) ([]*Method, error) {
	if f != nil {
		if err := checkText("filter.text", f.Text); err != nil {
			return nil, err
		}
	}
	return list(ctx, s, func(ix *index, m *Method) bool { return ix.matchMethod(m, f) }, TypeMethod, TypeInitiative)
}

func (ix *index) matchMethod(m *Method, f *MethodFilter) bool {
	if f == nil {
		return true
	}
	if f.Kind != nil && m.Kind != *f.Kind {
		return false
	}
	if !anyOf(f.Status, m.Status) {
		return false
	}
	if len(f.WorkModel) > 0 && !ix.anyEdge(m.AssignmentIDs, "workModel", fullIDs(f.WorkModel)) {
		return false
	}
	if f.ActorType != nil && !ix.anyEdge(m.InvolvementIDs, "actorType", conceptIDs("ActorType", string(*f.ActorType))) {
		return false
	}
	if f.SupportFunction != nil && !intersects(m.SupportFunctionIDs, conceptIDs("SupportFunction", string(*f.SupportFunction))) {
		return false
	}
	if f.Region != nil && !intersects(m.RegionIDs, conceptIDs("Region", string(*f.Region))) {
		return false
	}
	if f.TargetGroup != nil && !containsString(m.TargetGroupIDs, FullID(*f.TargetGroup)) {
		return false
	}
	if len(f.OutcomeDomain) > 0 || f.MinEvidenceLevel != nil || f.MinConfidence != nil {
		an := ix.analytics()
		mi, ok := an.methodOf[m.ID]
		if !ok {
			return false
		}
		row := &an.methods[mi]
		if len(f.OutcomeDomain) > 0 && !an.hasDomain(row, f.OutcomeDomain) {
			return false
		}
		if f.MinEvidenceLevel != nil && int(row.level) < EvidenceRank(*f.MinEvidenceLevel) {
			return false
		}
		if f.MinConfidence != nil && int(row.conf) < ConfidenceRank(*f.MinConfidence) {
			return false
		}
	}
	if f.SourceType != nil {
		srcs := append([]string{}, m.SourceIDs...)
		for _, group := range [][]string{m.ClaimIDs, m.AssignmentIDs, m.InvolvementIDs, m.RequirementIDs, m.CharacteristicIDs, m.AssessmentIDs, m.RatingIDs} {
			for _, id := range group {
				if n := ix.nodes[id]; n != nil {
					srcs = append(srcs, n.refs("source")...)
				}
			}
		}
		found := false
		for _, sid := range srcs {
			if n := ix.nodes[sid]; n != nil && n.str("sourceType") == string(*f.SourceType) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if f.Text != nil && strings.TrimSpace(*f.Text) != "" {
		q := Fold(*f.Text)
		hay := []string{m.Texts["name"].NL, m.Texts["name"].EN, m.Texts["description"].NL, m.Texts["description"].EN}
		hay = append(hay, m.Aliases...)
		found := false
		for _, h := range hay {
			if strings.Contains(Fold(h), q) {
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

// anyEdge reports whether any of the nodes ids has an edge p to one of targets.
func (ix *index) anyEdge(ids []string, p string, targets []string) bool {
	for _, id := range ids {
		if n := ix.nodes[id]; n != nil && intersects(n.outs(p), targets) {
			return true
		}
	}
	return false
}

func conceptIDs(scheme, code string) []string {
	codes := Narrower(scheme, code)
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = ConceptID(scheme, c)
	}
	return out
}

func fullIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = FullID(id)
	}
	return out
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func anyOf[T comparable](want []T, got T) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if w == got {
			return true
		}
	}
	return false
}

// Fold lowercases s and strips diacritics, for accent-insensitive matching.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// ClaimFilter selects outcome claims.
type ClaimFilter struct {
	Direction     []Direction
	MinDesign     *StudyDesign
	OutcomeDomain []OutcomeDomain
	Outcome       []string
	Method        []string
	Status        []Status
	SourceType    []SourceType
	// ConfirmedOnly keeps only claims whose own status and every cited source are CONFIRMED;
	// where a claim counts through a link (the matrix, claim statistics), that link must be
	// CONFIRMED too.
	ConfirmedOnly *bool
}

// Claims returns the outcome claims matching f, in id order.
func (s *Store) Claims(ctx context.Context, f *ClaimFilter) ([]*OutcomeClaim, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	an := ix.analytics()
	match := an.compile(f)
	out := []*OutcomeClaim{}
	for i := range an.claims {
		if err := checkEvery(ctx, i); err != nil { // the request's deadline (a long scan stops)
			return nil, err
		}
		if c := &an.claims[i]; match.match(c) {
			out = append(out, ix.build(ix.nodes[c.id]).(*OutcomeClaim))
		}
	}
	return out, nil
}

// ClaimsOf returns the claims among ids that match f (ids as held by a Method or Outcome).
func (s *Store) ClaimsOf(ctx context.Context, ids []string, f *ClaimFilter) ([]*OutcomeClaim, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	an := ix.analytics()
	match := an.compile(f)
	out := []*OutcomeClaim{}
	for i, id := range ids {
		if err := checkEvery(ctx, i); err != nil {
			return nil, err
		}
		if ci, ok := an.claimIndex(id); ok && match.match(&an.claims[ci]) {
			out = append(out, ix.build(ix.nodes[id]).(*OutcomeClaim))
		}
	}
	return out, nil
}

// OutcomeFilter selects outcomes.
type OutcomeFilter struct {
	Domain []OutcomeDomain
	Status []Status
}

// Outcomes returns the outcomes matching f, in id order.
func (s *Store) Outcomes(ctx context.Context, f *OutcomeFilter) ([]*Outcome, error) {
	return list(ctx, s, func(_ *index, o *Outcome) bool {
		return f == nil || (anyOf(f.Domain, o.Domain) && anyOf(f.Status, o.Status))
	}, TypeOutcome)
}

// PreconditionFilter selects preconditions.
type PreconditionFilter struct {
	Category              []PreconditionCategory
	Status                []Status
	CriticalSuccessFactor *bool
}

// Preconditions returns the preconditions matching f, in id order.
func (s *Store) Preconditions(ctx context.Context, f *PreconditionFilter) ([]*Precondition, error) {
	return list(ctx, s, func(_ *index, p *Precondition) bool {
		return f == nil || (anyOf(f.Category, p.Category) && anyOf(f.Status, p.Status) &&
			(f.CriticalSuccessFactor == nil || *f.CriticalSuccessFactor == p.CriticalSuccessFactor))
	}, TypePrecondition)
}

// SourceFilter selects sources.
type SourceFilter struct {
	Type     []SourceType
	Status   []Status
	Batch    *string
	YearFrom *int
	YearTo   *int
	Text     *string
}

// Sources returns the sources matching f, in id order.
func (s *Store) Sources(ctx context.Context, f *SourceFilter) ([]*Source, error) {
	if f != nil {
		if err := checkText("filter.text", f.Text); err != nil {
			return nil, err
		}
	}
	return list(ctx, s, func(_ *index, src *Source) bool { return matchSource(src, f) }, TypeSource)
}

func matchSource(s *Source, f *SourceFilter) bool {
	if f == nil {
		return true
	}
	if !anyOf(f.Type, s.Type) || !anyOf(f.Status, s.Status) {
		return false
	}
	if f.Batch != nil && !containsString(s.BatchIDs, batchIDOf(*f.Batch)) {
		return false
	}
	if f.YearFrom != nil && (s.Year == nil || *s.Year < *f.YearFrom) {
		return false
	}
	if f.YearTo != nil && (s.Year == nil || *s.Year > *f.YearTo) {
		return false
	}
	if f.Text != nil && strings.TrimSpace(*f.Text) != "" {
		q := Fold(*f.Text)
		hay := append([]string{s.Title, deref(s.Container)}, s.AuthorNames...)
		for _, h := range hay {
			if strings.Contains(Fold(h), q) {
				return true
			}
		}
		return false
	}
	return true
}

func batchIDOf(id string) string {
	if strings.HasPrefix(id, prefix) {
		return id
	}
	if strings.HasPrefix(id, "batch/") {
		return prefix + id
	}
	return BatchIRI(id)
}

// Batches returns the loads in load order (edits, reverts and rollbacks are in AuditLog).
func (s *Store) Batches(ctx context.Context) ([]*Batch, error) {
	bs, err := list(ctx, s, func(ix *index, b *Batch) bool { return !ix.isAuditBatch(b.ID) }, TypeBatch)
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].LoadedAt < bs[j].LoadedAt })
	return bs, err
}

// Batch returns one batch by id or slug.
func (s *Store) Batch(ctx context.Context, id string) (*Batch, error) {
	return Typed[*Batch](ctx, s, batchIDOf(id))
}

// Concepts returns the terms of one vocabulary scheme, in the scheme's order.
func (s *Store) Concepts(ctx context.Context, scheme string) ([]*Concept, error) {
	cs, err := list(ctx, s, func(_ *index, c *Concept) bool { return c.Scheme == scheme }, TypeConcept)
	sort.SliceStable(cs, func(i, j int) bool { return Rank(scheme, cs[i].Code) < Rank(scheme, cs[j].Code) })
	return cs, err
}

// Frameworks returns the frameworks.
func (s *Store) Frameworks(ctx context.Context) ([]*Framework, error) {
	return list[*Framework](ctx, s, nil, TypeFramework)
}

// TargetGroups returns the target groups.
func (s *Store) TargetGroups(ctx context.Context) ([]*TargetGroup, error) {
	return list[*TargetGroup](ctx, s, nil, TypeTargetGroup)
}

// Organisations returns the organisations.
func (s *Store) Organisations(ctx context.Context) ([]*Organisation, error) {
	return list[*Organisation](ctx, s, nil, TypeOrganisation)
}

// Recommendations returns the policy recommendations.
func (s *Store) Recommendations(ctx context.Context) ([]*PolicyRecommendation, error) {
	return list[*PolicyRecommendation](ctx, s, nil, TypeRecommendation)
}

// ResearchQuestions returns the study's research questions, by code.
func (s *Store) ResearchQuestions(ctx context.Context) ([]*ResearchQuestion, error) {
	qs, err := list[*ResearchQuestion](ctx, s, nil, TypeResearchQuestion)
	sort.SliceStable(qs, func(i, j int) bool { return qs[i].Code < qs[j].Code })
	return qs, err
}

// StudyParameters returns the study's core parameters in the study's order (position; those
// without one last, in id order).
func (s *Store) StudyParameters(ctx context.Context) ([]*StudyParameter, error) {
	ps, err := list[*StudyParameter](ctx, s, nil, TypeStudyParameter)
	SortParameters(ps)
	return ps, err
}

// SortParameters puts study parameters in the study's order: by position, those without one
// last, in id order.
func SortParameters(ps []*StudyParameter) {
	pos := func(p *StudyParameter) int {
		if p.Position == nil {
			return int(^uint(0) >> 1)
		}
		return *p.Position
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if a, b := pos(ps[i]), pos(ps[j]); a != b {
			return a < b
		}
		return ps[i].ID < ps[j].ID
	})
}

// ExperienceFilter narrows Experiences; nil fields do not filter.
type ExperienceFilter struct {
	Perspective *Perspective
	// About keeps the experiences of this method, initiative or work model.
	About *string
}

// Experiences returns the experiences (research question 5), in id order.
func (s *Store) Experiences(ctx context.Context, f *ExperienceFilter) ([]*Experience, error) {
	var keep func(*index, *Experience) bool
	if f != nil && (f.Perspective != nil || f.About != nil) {
		about := ""
		if f.About != nil {
			about = FullID(*f.About)
		}
		keep = func(_ *index, e *Experience) bool {
			if f.Perspective != nil && e.Perspective != *f.Perspective {
				return false
			}
			return about == "" || containsString(e.AboutIDs, about)
		}
	}
	return list(ctx, s, keep, TypeExperience)
}

// PolicyActions returns the policy actions, by year.
func (s *Store) PolicyActions(ctx context.Context) ([]*PolicyAction, error) {
	as, err := list[*PolicyAction](ctx, s, nil, TypePolicyAction)
	sort.SliceStable(as, func(i, j int) bool { return deref(as[i].Year) < deref(as[j].Year) })
	return as, err
}
