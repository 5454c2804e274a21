package graph

// TextValue is a text in Dutch and English.
type TextValue struct{ NL, EN string }

// In returns the text in lang, falling back to the other language.
func (t TextValue) In(lang Lang) string {
	if lang == EN {
		if t.EN != "" {
			return t.EN
		}
		return t.NL
	}
	if t.NL != "" {
		return t.NL
	}
	return t.EN
}

// Opt is In for optional text: nil when the text is missing in both languages.
func (t TextValue) Opt(lang Lang) *string {
	if s := t.In(lang); s != "" {
		return &s
	}
	return nil
}

// Texts holds a node's text fields by name.
type Texts map[string]TextValue

// Node is any node of the graph.
type Node interface {
	NodeID() string
	NodeType() NodeType
}

// Claim is a claim-bearing link: it carries a status and its sources.
type Claim interface {
	Node
	claimBase() *Base
}

// Base holds what every node with a status carries.
type Base struct {
	ID     string
	Type   NodeType `json:"-"`
	Status Status
	// NoteText is the curator's note. A note loaded as a plain string is English (curator
	// notes are written in English); a note given per language keeps its languages.
	NoteText  TextValue
	SourceIDs []string
	BatchIDs  []string
	Texts     Texts `json:"-"`
}

// NodeID returns the node's id.
func (b *Base) NodeID() string { return b.ID }

// NodeType returns the node's type.
func (b *Base) NodeType() NodeType { return b.Type }

func (b *Base) claimBase() *Base { return b }

// Note returns the curator's note in lang, without falling back to the other language: nil when
// the note has no text in lang (so a Dutch page never shows an English note).
func (b *Base) Note(lang Lang) *string {
	s := b.NoteText.EN
	if lang == NL {
		s = b.NoteText.NL
	}
	if s == "" {
		return nil
	}
	return &s
}

func (b *Base) text(name string, lang Lang) string { return b.Texts[name].In(lang) }
func (b *Base) opt(name string, lang Lang) *string { return b.Texts[name].Opt(lang) }

// WorkModel is one of the seven work models.
type WorkModel struct {
	Base
	Code              string
	AssignmentIDs     []string
	CharacteristicIDs []string
	RequirementIDs    []string
	AssessmentIDs     []string
	ExperienceIDs     []string // experiences about it (research question 5)
}

func (w *WorkModel) Name(lang Lang) string         { return w.text("name", lang) }
func (w *WorkModel) Description(lang Lang) *string { return w.opt("description", lang) }
func (w *WorkModel) Cluster(lang Lang) *string     { return w.opt("cluster", lang) }

// Method is a generic method or a concrete initiative (Kind tells which).
type Method struct {
	Base
	Kind               MethodKind
	Aliases            []string
	URL                *string
	StartYear          *int
	EndYear            *int
	NetworkStrategyIDs []string
	GottliebLevelID    string
	HoganFormat        string
	HoganProvider      string
	HoganFocus         string
	MasiStrategy       string
	SupportFunctionIDs []string
	SocialCapitalIDs   []string
	RegionIDs          []string
	TargetGroupIDs     []string
	OrganisationIDs    []string
	AssignmentIDs      []string
	InvolvementIDs     []string
	RequirementIDs     []string
	CharacteristicIDs  []string
	AssessmentIDs      []string
	RatingIDs          []string
	ClaimIDs           []string
	ImplementsIDs      []string
	ImplementedByIDs   []string
	SimilarToIDs       []string
	ExperienceIDs      []string // experiences about it (research question 5)
}

func (m *Method) Name(lang Lang) string         { return m.text("name", lang) }
func (m *Method) Description(lang Lang) *string { return m.opt("description", lang) }
func (m *Method) Goal(lang Lang) *string        { return m.opt("goal", lang) }
func (m *Method) Approach(lang Lang) *string    { return m.opt("approach", lang) }
func (m *Method) Duration(lang Lang) *string    { return m.opt("duration", lang) }
func (m *Method) Intensity(lang Lang) *string   { return m.opt("intensity", lang) }
func (m *Method) Scale(lang Lang) *string       { return m.opt("scale", lang) }

// Assignment states that a method belongs to a work model.
type Assignment struct {
	Base
	MethodID    string
	WorkModelID string
	Primary     bool
	Basis       Basis
}

// Involvement states that a method deploys an actor type.
type Involvement struct {
	Base
	MethodID  string
	ActorType ActorType
	ActorID   string
	Role      *ActorRole
	Paid      *bool
}

func (i *Involvement) Training(lang Lang) *string    { return i.opt("training", lang) }
func (i *Involvement) Description(lang Lang) *string { return i.opt("description", lang) }

// Requirement states that a method or work model requires a precondition.
type Requirement struct {
	Base
	SubjectID      string
	PreconditionID string
	StatedBy       *StakeholderGroup
}

// Characteristic is a strength, weakness, opportunity or threat.
type Characteristic struct {
	Base
	SubjectID string
	Kind      CharacteristicKind
	StatedBy  *StakeholderGroup
}

func (c *Characteristic) Text(lang Lang) string { return c.text("text", lang) }

// Assessment is one stakeholder group's judgement on one criterion.
type Assessment struct {
	Base
	SubjectID        string
	Criterion        Criterion
	Value            AssessmentValue
	StakeholderGroup StakeholderGroup
	Date             *string
}

func (a *Assessment) Method(lang Lang) *string { return a.opt("method", lang) }
func (a *Assessment) Text(lang Lang) *string   { return a.opt("text", lang) }

// EvidenceRating is a registry's rating of a method.
type EvidenceRating struct {
	Base
	MethodID string
	Registry Registry
	Level    EvidenceLevel
	Date     *string
	URL      *string
}

// OutcomeClaim is what a source says a method does to an outcome.
type OutcomeClaim struct {
	Base
	MethodID      string
	OutcomeID     string
	OutcomeDomain OutcomeDomain
	Direction     Direction
	Design        *StudyDesign
	SampleSize    *int
	EffectSize    *float64
	EffectMetric  *string
	Timeframe     *Timeframe
	// Locator says where in the source the claim can be checked (page, table or section).
	Locator *string
}

func (c *OutcomeClaim) Population(lang Lang) *string { return c.opt("population", lang) }
func (c *OutcomeClaim) Text(lang Lang) *string       { return c.opt("text", lang) }

// Outcome is an outcome that methods claim to affect.
type Outcome struct {
	Base
	Domain   OutcomeDomain
	Level    *OutcomeLevel
	ClaimIDs []string
}

func (o *Outcome) Label(lang Lang) string    { return o.text("label", lang) }
func (o *Outcome) Measure(lang Lang) *string { return o.opt("measure", lang) }

// Precondition is a precondition or critical success factor.
type Precondition struct {
	Base
	Category              PreconditionCategory
	Level                 *PreconditionLevel
	CriticalSuccessFactor bool
	RequirementIDs        []string
}

func (p *Precondition) Label(lang Lang) string { return p.text("label", lang) }

// TargetGroup is a group of people a method is meant for.
type TargetGroup struct {
	Base
	Tags      []string
	AgeRange  *string
	MethodIDs []string
}

func (t *TargetGroup) Label(lang Lang) string { return t.text("label", lang) }

// Organisation runs, funds or supports initiatives.
type Organisation struct {
	Base
	Type          *OrganisationType
	RegionID      string
	URL           *string
	InitiativeIDs []string
}

func (o *Organisation) Name(lang Lang) string { return o.text("name", lang) }

// Source is a publication, report or web page.
type Source struct {
	Base
	Type         SourceType
	Title        string
	AuthorNames  []string
	AuthorIDs    []string
	Year         *int
	Container    *string
	Volume       *string
	Issue        *string
	Pages        *string
	Publisher    *string
	DOI          *string
	ISBN         *string
	URL          *string
	Language     *string
	PeerReviewed *bool
	// CitedByIDs are the claim-bearing links that cite this source.
	CitedByIDs []string
}

// Author wrote sources.
type Author struct {
	Base
	Name      string
	Family    string
	Given     *string
	SourceIDs []string
}

// Concept is a term of a controlled vocabulary.
type Concept struct {
	Base
	Scheme      string
	Code        string
	BroaderID   string
	NarrowerIDs []string
}

func (c *Concept) Label(lang Lang) string {
	if s := c.text("label", lang); s != "" {
		return s
	}
	return c.Code
}
func (c *Concept) Definition(lang Lang) *string { return c.opt("definition", lang) }

// Framework is an analytical framework from the literature.
type Framework struct {
	Base
	CategoryIDs []string
}

func (f *Framework) Name(lang Lang) string         { return f.text("name", lang) }
func (f *Framework) Description(lang Lang) *string { return f.opt("description", lang) }

// FrameworkCategory is one category of a framework.
type FrameworkCategory struct {
	Base
	Code        string
	FrameworkID string
}

func (c *FrameworkCategory) Label(lang Lang) string        { return c.text("label", lang) }
func (c *FrameworkCategory) Description(lang Lang) *string { return c.opt("description", lang) }

// PolicyRecommendation is a recommendation and what it rests on.
type PolicyRecommendation struct {
	Base
	Addressee      *Addressee
	ConcernIDs     []string
	SupportedByIDs []string
}

func (r *PolicyRecommendation) Text(lang Lang) string { return r.text("text", lang) }

// PolicyAction is a policy measure that was taken.
type PolicyAction struct {
	Base
	Year           *int
	EndYear        *int
	BudgetEur      *float64
	URL            *string
	ConcernIDs     []string
	FollowsFromIDs []string
}

func (a *PolicyAction) Description(lang Lang) string { return a.text("description", lang) }

// Batch is one load, or an audit record (an edit, revert or rollback: Kind says which).
type Batch struct {
	Base
	// Kind is AuditLoad for a load, else the audit record's kind (edit.go).
	Kind        AuditKind
	Description *string
	LoadedBy    *string
	LoadedAt    string
	Files       []BatchFile
	QuadCount   int
	Counts      []TypeCount
	SourceIDs   []string
}

// ResearchQuestion is one of the study's own research questions, verbatim in Dutch with an
// English rendering, with what in the KB answers it and how far.
type ResearchQuestion struct {
	Base
	Code            string
	AnsweredByIDs   []string
	AnsweredAxisIDs []string // concept ids of scheme Axis
	Answer          AnswerState
	ParameterIDs    []string
	// ExperienceIDs are the experiences that belong to the question: those that name it, and,
	// for the question coded DefaultExperienceQuestion, those that name none.
	ExperienceIDs []string
}

func (q *ResearchQuestion) Text(lang Lang) string { return q.text("text", lang) }
func (q *ResearchQuestion) Gap(lang Lang) *string { return q.opt("gap", lang) }

// AnsweredAxes returns the analysis axes that answer the question.
func (q *ResearchQuestion) AnsweredAxes() []Axis { return axesOf(q.AnsweredAxisIDs) }

// StudyParameter is one of the core parameters on which the study orders good practices.
type StudyParameter struct {
	Base
	Code            string
	Position        *int // place in the study's own list (1 first)
	AnsweredByIDs   []string
	AnsweredAxisIDs []string
	Answer          AnswerState
	QuestionIDs     []string // the research questions that list it
}

func (p *StudyParameter) Label(lang Lang) string { return p.text("label", lang) }
func (p *StudyParameter) Gap(lang Lang) *string  { return p.opt("gap", lang) }

// AnsweredAxes returns the analysis axes that answer the parameter.
func (p *StudyParameter) AnsweredAxes() []Axis { return axesOf(p.AnsweredAxisIDs) }

// Experience is a published finding, paraphrased, on how network strengthening is experienced
// from one perspective (research question 5).
type Experience struct {
	Base
	Perspective Perspective
	AboutIDs    []string
	Design      *StudyDesign
	SampleSize  *int
	Locator     *string
	QuestionID  string // the research question it belongs to ("" when the KB has none)
}

func (e *Experience) Text(lang Lang) string        { return e.text("text", lang) }
func (e *Experience) Population(lang Lang) *string { return e.opt("population", lang) }

func axesOf(conceptIDs []string) []Axis {
	out := make([]Axis, 0, len(conceptIDs))
	for _, id := range conceptIDs {
		out = append(out, Axis(codeOf(id)))
	}
	return out
}
