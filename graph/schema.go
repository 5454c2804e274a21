package graph

// FieldKind says what kind of value a field holds and how it is stored.
type FieldKind int

// Field kinds.
const (
	// TextField is human text in Dutch and/or English: a plain string (Dutch) or {nl:, en:}.
	TextField FieldKind = iota + 1
	// StringField is a plain literal.
	StringField
	// StringsField is a list of plain literals.
	StringsField
	// IntField is an integer literal.
	IntField
	// FloatField is a number literal.
	FloatField
	// BoolField is a boolean literal.
	BoolField
	// CodeField is a code of Field.Scheme, stored as a literal.
	CodeField
	// ConceptField is a code of Field.Scheme, stored as an edge to the term's concept node.
	ConceptField
	// ConceptsField is a list of Concept.
	ConceptsField
	// RefField is an edge to a node of one of Field.Range.
	RefField
	// RefsField is a list of Ref.
	RefsField
)

// FieldSpec describes one field of a node type.
type FieldSpec struct {
	// Name is the field's name in batch files and its predicate's local name (kring:<Name>),
	// unless Pred is set.
	Name string
	// Pred overrides the predicate's local name.
	Pred     string
	Kind     FieldKind
	Scheme   string     // for Code, ConceptField, Concepts
	Range    []NodeType // for Ref, Refs; empty means any type
	Required bool
	// PerLang lets a StringField (the curator's note) be given per language, {nl:, en:}, as
	// well as a plain string.
	PerLang bool
}

// Predicate returns the field's predicate local name.
func (f *FieldSpec) Predicate() string {
	if f.Pred != "" {
		return f.Pred
	}
	return f.Name
}

// Child describes a list of nested, generated nodes (e.g. a method's work-model assignments).
type Child struct {
	Name string   // field name in batch files ("workModels")
	Type NodeType // type of the generated nodes
}

// TypeSpec describes a node type.
type TypeSpec struct {
	Type NodeType
	// Kind is the id prefix ("method" for kring:method/...).
	Kind string
	// Section is the list's name in batch files ("methods"); empty for types only nested.
	Section string
	// Claim types must carry a status and at least one source.
	Claim bool
	// Statusless types carry no status (vocabulary terms, authors, batches).
	Statusless bool
	Fields     []FieldSpec
	Children   []Child
	// KeyFields are the fields whose values make a generated child id unique; empty means a
	// hash of the whole child.
	KeyFields []string
}

// FieldByName returns the field called name, or nil.
func (t *TypeSpec) FieldByName(name string) *FieldSpec {
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			return &t.Fields[i]
		}
	}
	return nil
}

// ChildByName returns the child list called name, or nil.
func (t *TypeSpec) ChildByName(name string) *Child {
	for i := range t.Children {
		if t.Children[i].Name == name {
			return &t.Children[i]
		}
	}
	return nil
}

var (
	methodish = []NodeType{TypeMethod, TypeInitiative}
	common    = []FieldSpec{
		{Name: "status", Kind: CodeField, Scheme: "Status"},
		{Name: "note", Kind: StringField, PerLang: true},
		{Name: "sources", Pred: "source", Kind: RefsField, Range: []NodeType{TypeSource}},
	}
	evaluated = []Child{
		{Name: "characteristics", Type: TypeCharacteristic},
		{Name: "preconditions", Type: TypeRequirement},
		{Name: "assessments", Type: TypeAssessment},
	}
	methodFields = []FieldSpec{
		{Name: "name", Kind: TextField, Required: true},
		{Name: "aliases", Kind: StringsField},
		{Name: "description", Kind: TextField},
		{Name: "goal", Kind: TextField},
		{Name: "approach", Kind: TextField},
		{Name: "duration", Kind: TextField},
		{Name: "intensity", Kind: TextField},
		{Name: "scale", Kind: TextField},
		{Name: "url", Kind: StringField},
		{Name: "startYear", Kind: IntField},
		{Name: "endYear", Kind: IntField},
		{Name: "networkStrategies", Pred: "networkStrategy", Kind: ConceptsField, Scheme: "NetworkStrategy"},
		{Name: "gottliebLevel", Kind: ConceptField, Scheme: "GottliebLevel"},
		{Name: "hoganFormat", Kind: CodeField, Scheme: "HoganFormat"},
		{Name: "hoganProvider", Kind: CodeField, Scheme: "HoganProvider"},
		{Name: "hoganFocus", Kind: CodeField, Scheme: "HoganFocus"},
		{Name: "masiStrategy", Kind: CodeField, Scheme: "MasiStrategy"},
		{Name: "supportFunctions", Pred: "supportFunction", Kind: ConceptsField, Scheme: "SupportFunction"},
		{Name: "socialCapital", Kind: ConceptsField, Scheme: "SocialCapitalType"},
		{Name: "targetGroups", Pred: "targetGroup", Kind: RefsField, Range: []NodeType{TypeTargetGroup}},
		{Name: "regions", Pred: "region", Kind: ConceptsField, Scheme: "Region"},
		{Name: "organisations", Pred: "organisation", Kind: RefsField, Range: []NodeType{TypeOrganisation}},
		{Name: "implements", Kind: RefsField, Range: []NodeType{TypeMethod}},
		{Name: "similarTo", Kind: RefsField, Range: methodish},
	}
	methodChildren = append([]Child{
		{Name: "workModels", Type: TypeAssignment},
		{Name: "actors", Type: TypeInvolvement},
		{Name: "evidenceRatings", Type: TypeEvidenceRating},
	}, evaluated...)
	// subjectField links a generated child to the node it was written under.
	subjectField = FieldSpec{Name: "subject", Kind: RefField, Required: true}
)

func fields(fs ...FieldSpec) []FieldSpec { return append(append([]FieldSpec(nil), fs...), common...) }

// Types is the schema table: every node type with its fields, in the order sections appear in
// batch files.
var Types = []*TypeSpec{
	{Type: TypeConcept, Kind: "concept", Section: "concepts", Statusless: true, Fields: fields(
		FieldSpec{Name: "scheme", Kind: StringField, Required: true},
		FieldSpec{Name: "code", Kind: StringField, Required: true},
		FieldSpec{Name: "label", Kind: TextField},
		FieldSpec{Name: "definition", Kind: TextField},
		FieldSpec{Name: "broader", Kind: RefField, Range: []NodeType{TypeConcept}},
	)},
	{Type: TypeFramework, Kind: "framework", Section: "frameworks", Fields: fields(
		FieldSpec{Name: "name", Kind: TextField, Required: true},
		FieldSpec{Name: "description", Kind: TextField},
	), Children: []Child{{Name: "categories", Type: TypeFrameworkCategory}}},
	{Type: TypeFrameworkCategory, Kind: "framework", Statusless: true, KeyFields: []string{"code"}, Fields: fields(
		subjectField,
		FieldSpec{Name: "code", Kind: StringField, Required: true},
		FieldSpec{Name: "label", Kind: TextField, Required: true},
		FieldSpec{Name: "description", Kind: TextField},
	)},
	{Type: TypeSource, Kind: "source", Section: "sources", Fields: fields(
		FieldSpec{Name: "type", Pred: "sourceType", Kind: CodeField, Scheme: "SourceType", Required: true},
		FieldSpec{Name: "title", Kind: StringField, Required: true},
		FieldSpec{Name: "authors", Pred: "authorNames", Kind: StringsField},
		FieldSpec{Name: "year", Kind: IntField},
		FieldSpec{Name: "container", Kind: StringField},
		FieldSpec{Name: "volume", Kind: StringField},
		FieldSpec{Name: "issue", Kind: StringField},
		FieldSpec{Name: "pages", Kind: StringField},
		FieldSpec{Name: "publisher", Kind: StringField},
		FieldSpec{Name: "doi", Kind: StringField},
		FieldSpec{Name: "isbn", Kind: StringField},
		FieldSpec{Name: "url", Kind: StringField},
		FieldSpec{Name: "language", Kind: StringField},
		FieldSpec{Name: "peerReviewed", Kind: BoolField},
	)},
	{Type: TypeAuthor, Kind: "author", Statusless: true, Fields: fields(
		FieldSpec{Name: "name", Kind: StringField, Required: true},
		FieldSpec{Name: "family", Kind: StringField, Required: true},
		FieldSpec{Name: "given", Kind: StringField},
		FieldSpec{Name: "authored", Kind: RefsField, Range: []NodeType{TypeSource}},
	)},
	{Type: TypeWorkModel, Kind: "workmodel", Section: "workModels", Fields: fields(
		FieldSpec{Name: "code", Kind: StringField, Required: true},
		FieldSpec{Name: "name", Kind: TextField, Required: true},
		FieldSpec{Name: "description", Kind: TextField},
		FieldSpec{Name: "cluster", Kind: TextField},
	), Children: evaluated},
	{Type: TypeOrganisation, Kind: "organisation", Section: "organisations", Fields: fields(
		FieldSpec{Name: "name", Kind: TextField, Required: true},
		FieldSpec{Name: "type", Pred: "organisationType", Kind: CodeField, Scheme: "OrganisationType"},
		FieldSpec{Name: "region", Kind: ConceptField, Scheme: "Region"},
		FieldSpec{Name: "url", Kind: StringField},
	)},
	{Type: TypeTargetGroup, Kind: "targetgroup", Section: "targetGroups", Fields: fields(
		FieldSpec{Name: "label", Kind: TextField, Required: true},
		FieldSpec{Name: "tags", Kind: StringsField},
		FieldSpec{Name: "ageRange", Kind: StringField},
	)},
	{Type: TypeOutcome, Kind: "outcome", Section: "outcomes", Fields: fields(
		FieldSpec{Name: "label", Kind: TextField, Required: true},
		FieldSpec{Name: "domain", Kind: ConceptField, Scheme: "OutcomeDomain", Required: true},
		FieldSpec{Name: "measure", Kind: TextField},
		FieldSpec{Name: "level", Kind: CodeField, Scheme: "OutcomeLevel"},
	)},
	{Type: TypePrecondition, Kind: "precondition", Section: "preconditions", Fields: fields(
		FieldSpec{Name: "label", Kind: TextField, Required: true},
		FieldSpec{Name: "category", Kind: ConceptField, Scheme: "PreconditionCategory", Required: true},
		FieldSpec{Name: "level", Kind: CodeField, Scheme: "PreconditionLevel"},
		FieldSpec{Name: "criticalSuccessFactor", Kind: BoolField},
	)},
	{Type: TypeMethod, Kind: "method", Section: "methods", Fields: fields(methodFields...), Children: methodChildren},
	{Type: TypeInitiative, Kind: "initiative", Section: "initiatives", Fields: fields(methodFields...), Children: methodChildren},
	{Type: TypeAssignment, Kind: "assignment", Claim: true, KeyFields: []string{"workModel"}, Fields: fields(
		subjectField,
		FieldSpec{Name: "workModel", Kind: RefField, Range: []NodeType{TypeWorkModel}, Required: true},
		FieldSpec{Name: "primary", Kind: BoolField},
		FieldSpec{Name: "basis", Kind: CodeField, Scheme: "Basis", Required: true},
	)},
	{Type: TypeInvolvement, Kind: "involvement", Claim: true, KeyFields: []string{"type", "role"}, Fields: fields(
		subjectField,
		FieldSpec{Name: "type", Pred: "actorType", Kind: ConceptField, Scheme: "ActorType", Required: true},
		FieldSpec{Name: "role", Kind: CodeField, Scheme: "ActorRole"},
		FieldSpec{Name: "paid", Kind: BoolField},
		FieldSpec{Name: "training", Kind: TextField},
		FieldSpec{Name: "description", Kind: TextField},
	)},
	{Type: TypeRequirement, Kind: "requirement", Claim: true, KeyFields: []string{"precondition"}, Fields: fields(
		subjectField,
		FieldSpec{Name: "precondition", Kind: RefField, Range: []NodeType{TypePrecondition}, Required: true},
		FieldSpec{Name: "statedBy", Kind: CodeField, Scheme: "StakeholderGroup"},
	)},
	{Type: TypeCharacteristic, Kind: "characteristic", Claim: true, Fields: fields(
		subjectField,
		FieldSpec{Name: "kind", Kind: CodeField, Scheme: "CharacteristicKind", Required: true},
		FieldSpec{Name: "text", Kind: TextField, Required: true},
		FieldSpec{Name: "statedBy", Kind: CodeField, Scheme: "StakeholderGroup"},
	)},
	{Type: TypeAssessment, Kind: "assessment", Claim: true, KeyFields: []string{"criterion", "stakeholderGroup"}, Fields: fields(
		subjectField,
		FieldSpec{Name: "criterion", Kind: CodeField, Scheme: "Criterion", Required: true},
		FieldSpec{Name: "value", Kind: CodeField, Scheme: "AssessmentValue", Required: true},
		FieldSpec{Name: "stakeholderGroup", Kind: CodeField, Scheme: "StakeholderGroup", Required: true},
		FieldSpec{Name: "method", Pred: "assessmentMethod", Kind: TextField},
		FieldSpec{Name: "date", Kind: StringField},
		FieldSpec{Name: "text", Kind: TextField},
	)},
	{Type: TypeEvidenceRating, Kind: "rating", Claim: true, KeyFields: []string{"registry"}, Fields: fields(
		subjectField,
		FieldSpec{Name: "registry", Kind: CodeField, Scheme: "Registry", Required: true},
		FieldSpec{Name: "level", Pred: "evidenceLevel", Kind: CodeField, Scheme: "EvidenceLevel", Required: true},
		FieldSpec{Name: "date", Kind: StringField},
		FieldSpec{Name: "url", Kind: StringField},
	)},
	{Type: TypeOutcomeClaim, Kind: "claim", Section: "claims", Claim: true, Fields: fields(
		FieldSpec{Name: "subject", Kind: RefField, Range: methodish, Required: true},
		FieldSpec{Name: "outcome", Kind: RefField, Range: []NodeType{TypeOutcome}, Required: true},
		FieldSpec{Name: "direction", Kind: CodeField, Scheme: "Direction", Required: true},
		FieldSpec{Name: "design", Kind: CodeField, Scheme: "StudyDesign"},
		FieldSpec{Name: "n", Pred: "sampleSize", Kind: IntField},
		FieldSpec{Name: "effectSize", Kind: FloatField},
		FieldSpec{Name: "effectMetric", Kind: StringField},
		FieldSpec{Name: "timeframe", Kind: CodeField, Scheme: "Timeframe"},
		FieldSpec{Name: "population", Kind: TextField},
		FieldSpec{Name: "text", Kind: TextField},
		FieldSpec{Name: "locator", Kind: StringField},
	)},
	{Type: TypeRecommendation, Kind: "recommendation", Section: "recommendations", Claim: true, Fields: fields(
		FieldSpec{Name: "text", Kind: TextField, Required: true},
		FieldSpec{Name: "addressee", Kind: CodeField, Scheme: "Addressee"},
		FieldSpec{Name: "concerns", Kind: RefsField},
		FieldSpec{Name: "supportedBy", Kind: RefsField, Range: []NodeType{TypeOutcomeClaim}},
	)},
	{Type: TypePolicyAction, Kind: "action", Section: "actions", Claim: true, Fields: fields(
		FieldSpec{Name: "year", Kind: IntField},
		FieldSpec{Name: "endYear", Kind: IntField},
		FieldSpec{Name: "description", Kind: TextField, Required: true},
		FieldSpec{Name: "budgetEur", Kind: FloatField},
		FieldSpec{Name: "url", Kind: StringField},
		FieldSpec{Name: "concerns", Kind: RefsField},
		FieldSpec{Name: "followsFrom", Kind: RefsField},
	)},
	// The study as it describes itself: its research questions and core parameters, each with
	// what in the KB answers it, and the experiences research question 5 asks about.
	{Type: TypeResearchQuestion, Kind: "question", Section: "researchQuestions", Fields: fields(
		FieldSpec{Name: "code", Kind: StringField, Required: true},
		FieldSpec{Name: "text", Kind: TextField, Required: true},
		FieldSpec{Name: "answeredBy", Kind: RefsField},
		FieldSpec{Name: "answeredAxes", Pred: "answeredAxis", Kind: ConceptsField, Scheme: "Axis"},
		FieldSpec{Name: "answer", Kind: CodeField, Scheme: "AnswerState", Required: true},
		FieldSpec{Name: "gap", Kind: TextField},
		FieldSpec{Name: "parameters", Pred: "parameter", Kind: RefsField, Range: []NodeType{TypeStudyParameter}},
	)},
	{Type: TypeStudyParameter, Kind: "parameter", Section: "studyParameters", Fields: fields(
		FieldSpec{Name: "code", Kind: StringField, Required: true},
		FieldSpec{Name: "label", Kind: TextField, Required: true},
		// position is the parameter's place in the study's own list (1 first).
		FieldSpec{Name: "position", Kind: IntField},
		FieldSpec{Name: "answeredBy", Kind: RefsField},
		FieldSpec{Name: "answeredAxes", Pred: "answeredAxis", Kind: ConceptsField, Scheme: "Axis"},
		FieldSpec{Name: "answer", Kind: CodeField, Scheme: "AnswerState", Required: true},
		FieldSpec{Name: "gap", Kind: TextField},
	)},
	// An experience is a published (qualitative) finding on how network strengthening is
	// experienced from one perspective, paraphrased; it belongs to its question, by default the
	// one coded DefaultExperienceQuestion.
	{Type: TypeExperience, Kind: "experience", Section: "experiences", Claim: true, Fields: fields(
		FieldSpec{Name: "perspective", Kind: CodeField, Scheme: "Perspective", Required: true},
		FieldSpec{Name: "about", Kind: RefsField, Range: []NodeType{TypeMethod, TypeInitiative, TypeWorkModel}},
		FieldSpec{Name: "text", Kind: TextField, Required: true},
		FieldSpec{Name: "design", Kind: CodeField, Scheme: "StudyDesign"},
		FieldSpec{Name: "n", Pred: "sampleSize", Kind: IntField},
		FieldSpec{Name: "population", Kind: TextField},
		FieldSpec{Name: "locator", Kind: StringField},
		FieldSpec{Name: "question", Kind: RefField, Range: []NodeType{TypeResearchQuestion}},
	)},
	{Type: TypeBatch, Kind: "batch", Statusless: true, Fields: []FieldSpec{
		{Name: "description", Kind: StringField},
		{Name: "loadedBy", Kind: StringField},
		{Name: "loadedAt", Kind: StringField, Required: true},
		{Name: "files", Pred: "file", Kind: StringsField},
		// Audit records (edits, reverts, rollbacks: edit.go) are batches with a kind.
		{Name: "batchKind", Kind: StringField},
		{Name: "auditSeq", Kind: IntField},
		{Name: "auditQuads", Kind: IntField},
		{Name: "editTarget", Kind: StringField},
		{Name: "editField", Kind: StringField},
		{Name: "editLang", Kind: StringField},
		{Name: "editOld", Kind: StringField},
		{Name: "editNew", Kind: StringField},
		{Name: "editRemoved", Kind: StringField},
		{Name: "editAdded", Kind: StringField},
		{Name: "reverts", Kind: StringField},
		{Name: "rollsBack", Kind: StringField},
	}},
}

// TypeOf returns the spec of a node type, or nil.
func TypeOf(t NodeType) *TypeSpec {
	return typeIndex[t]
}

// TypeBySection returns the spec of the type listed under a batch-file section, or nil.
func TypeBySection(section string) *TypeSpec {
	for _, t := range Types {
		if t.Section != "" && t.Section == section {
			return t
		}
	}
	return nil
}

var typeIndex = func() map[NodeType]*TypeSpec {
	m := make(map[NodeType]*TypeSpec, len(Types))
	for _, t := range Types {
		m[t.Type] = t
	}
	return m
}()
