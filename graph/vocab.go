package graph

import (
	"sort"
	"strings"
)

// IRI prefix of every Kring node, predicate and batch.
const prefix = "kring:"

// Lang is a language of text fields.
type Lang string

// Languages: Dutch (nl-BE) first, English second.
const (
	NL Lang = "NL"
	EN Lang = "EN"
)

// Status tells how firmly a node or link is established.
type Status string

// Statuses.
const (
	Confirmed Status = "CONFIRMED"
	Inferred  Status = "INFERRED"
	Candidate Status = "CANDIDATE"
)

// NodeType is the type of a node.
type NodeType string

// Node types.
const (
	TypeWorkModel         NodeType = "WORK_MODEL"
	TypeMethod            NodeType = "METHOD"
	TypeInitiative        NodeType = "INITIATIVE"
	TypeOrganisation      NodeType = "ORGANISATION"
	TypeTargetGroup       NodeType = "TARGET_GROUP"
	TypeOutcome           NodeType = "OUTCOME"
	TypePrecondition      NodeType = "PRECONDITION"
	TypeOutcomeClaim      NodeType = "OUTCOME_CLAIM"
	TypeAssignment        NodeType = "ASSIGNMENT"
	TypeInvolvement       NodeType = "INVOLVEMENT"
	TypeRequirement       NodeType = "REQUIREMENT"
	TypeCharacteristic    NodeType = "CHARACTERISTIC"
	TypeAssessment        NodeType = "ASSESSMENT"
	TypeEvidenceRating    NodeType = "EVIDENCE_RATING"
	TypeRecommendation    NodeType = "POLICY_RECOMMENDATION"
	TypePolicyAction      NodeType = "POLICY_ACTION"
	TypeSource            NodeType = "SOURCE"
	TypeAuthor            NodeType = "AUTHOR"
	TypeConcept           NodeType = "CONCEPT"
	TypeFramework         NodeType = "FRAMEWORK"
	TypeFrameworkCategory NodeType = "FRAMEWORK_CATEGORY"
	TypeResearchQuestion  NodeType = "RESEARCH_QUESTION"
	TypeStudyParameter    NodeType = "STUDY_PARAMETER"
	TypeExperience        NodeType = "EXPERIENCE"
	TypeBatch             NodeType = "BATCH"
)

// Enumerations of the API. Their values are the vocabulary codes listed in Vocabularies.
type (
	MethodKind           string
	ActorType            string
	ActorRole            string
	Region               string
	SupportFunction      string
	OrganisationType     string
	Registry             string
	EvidenceLevel        string
	PreconditionCategory string
	PreconditionLevel    string
	CharacteristicKind   string
	StakeholderGroup     string
	Criterion            string
	AssessmentValue      string
	OutcomeDomain        string
	OutcomeLevel         string
	Direction            string
	StudyDesign          string
	Timeframe            string
	SourceType           string
	Addressee            string
	Basis                string
	AnswerState          string
	Perspective          string
)

// Method kinds.
const (
	KindMethod     MethodKind = "METHOD"
	KindInitiative MethodKind = "INITIATIVE"
)

// Vocabularies lists the codes of every controlled vocabulary, by scheme, in their canonical
// order (for StudyDesign and EvidenceLevel: weakest first). Schemes named after an API enum hold
// exactly that enum's values. Broader terms are given in Broader.
//
// EvidenceLevel merges two ladders into one order of strength of evidence for effectiveness, a
// curator's judgement: the SEI/Movisie/NJi ladder, with CrimeSolutions' ratings placed beside
// it (NO_EFFECTS: rated, and found not to work, so below anything that suggests an effect;
// PROMISING beside "goed onderbouwd"/first indications; EFFECTIVE beside strong indications).
var Vocabularies = map[string][]string{
	"Status":               {"CONFIRMED", "INFERRED", "CANDIDATE"},
	"ActorType":            {"VOLUNTEER", "VOLUNTEER_KEY_FIGURE", "VOLUNTEER_COORDINATOR", "PROFESSIONAL", "PROFESSIONAL_SOCIAL_WORKER", "PROFESSIONAL_CARE_WORKER", "LINK_WORKER", "PEER", "EXPERIENCE_EXPERT", "TRAINED_EXPERIENCE_EXPERT", "INFORMAL_NETWORK_MEMBER", "STUDENT_INTERN", "FACILITATOR"},
	"ActorRole":            {"KEY_FIGURE", "COORDINATOR", "COACH", "FACILITATOR", "MENTOR", "TRAINER", "MEMBER", "LINK"},
	"NetworkStrategy":      {"BUILD_OWN_SKILLS", "ADD_NEW_TIE", "MOBILISE_EXISTING_NETWORK", "GRAFT_NEW_GROUP", "CREATE_EXCHANGE_STRUCTURE", "STRENGTHEN_COMMUNITY", "ENABLE_CONTRIBUTION", "LINK_TO_SERVICES"},
	"SupportFunction":      {"EMOTIONAL", "INSTRUMENTAL_PRACTICAL", "INFORMATIONAL", "APPRAISAL_ESTEEM", "COMPANIONSHIP_BELONGING", "ACCESS_BRIDGING"},
	"SocialCapitalType":    {"BONDING", "BRIDGING", "LINKING"},
	"OutcomeDomain":        {"NETWORK_STRUCTURE", "PERCEIVED_SUPPORT", "LONELINESS_ISOLATION", "WELLBEING_QOL", "MENTAL_HEALTH", "SELF_ESTEEM_EMPOWERMENT", "SOCIAL_SKILLS", "PARTICIPATION_CITIZENSHIP", "EMPLOYMENT_TRAINING", "FINANCIAL_DEBT", "HOUSING", "PARENTING_CHILD", "HEALTH_AND_CARE_USE", "ACCESS_TO_RIGHTS_SERVICES", "COMMUNITY_COHESION", "VOLUNTEER_OUTCOMES"},
	"OutcomeLevel":         {"PERSON", "FAMILY", "NEIGHBOURHOOD"},
	"PreconditionCategory": {"PERSON", "RELATIONSHIP", "VOLUNTEER_SUPPORT", "PROFESSIONAL_ROLE", "ORGANISATION", "COMMUNITY_CONTEXT", "MATERIAL", "POLICY_LEGAL", "PARTICIPATION"},
	"PreconditionLevel":    {"MICRO", "MESO", "MACRO"},
	"SourceType":           {"ACADEMIC_NL", "ACADEMIC_ANGLO", "GREY_BE", "GREY_NL", "POLICY_DOC", "INTERVENTION_DB_ENTRY", "PRACTICE_HANDBOOK", "THESIS", "PRESS", "WEB_PAGE", "STAKEHOLDER_INPUT"},
	"StakeholderGroup":     {"ERVARINGSDESKUNDIGEN", "OPGELEIDE_ERVARINGSDESKUNDIGEN", "PRAKTIJKDESKUNDIGEN", "VRIJWILLIGERS", "BELEIDSMEDEWERKERS", "ONDERZOEKERS", "STUURGROEP"},
	"Criterion":            {"PERSONAL", "DURABLE", "STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT", "PRECONDITION", "ACCESSIBILITY", "COST", "SCALABILITY"},
	"AssessmentValue":      {"LOW", "MEDIUM", "HIGH", "UNKNOWN"},
	"CharacteristicKind":   {"STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"},
	"Direction":            {"POSITIVE", "NONE", "NEGATIVE", "MIXED"},
	"StudyDesign":          {"PRACTICE_EXPERIENCE", "QUALITATIVE", "PRE_POST", "QUASI_EXPERIMENTAL", "RCT", "SYSTEMATIC_REVIEW_META"},
	"EvidenceLevel":        {"NOT_ASSESSED", "NO_EFFECTS", "GOED_BESCHREVEN", "GOED_ONDERBOUWD", "PROMISING", "EFFECTIEF_EERSTE_AANWIJZINGEN", "EFFECTIEF_GOEDE_AANWIJZINGEN", "EFFECTIVE", "EFFECTIEF_STERKE_AANWIJZINGEN"},
	"Registry":             {"MOVISIE", "NJI", "RIVM", "CRIMESOLUTIONS", "NONE"},
	"Timeframe":            {"SHORT", "LONG", "UNKNOWN"},
	"OrganisationType":     {"NGO", "PUBLIC_BODY", "UNIVERSITY", "FUND", "NETWORK", "COMPANY"},
	"Region":               {"BE_VLG", "BE_BRU", "BE_WAL", "BE", "NL", "UK", "US", "NZ", "INT"},
	"Addressee":            {"FLEMISH_GOVERNMENT", "LOCAL_GOVERNMENT", "ORGANISATIONS", "FEDERAL_GOVERNMENT", "RESEARCHERS"},
	"Basis":                {"REPORT", "CURATOR"},
	"GottliebLevel":        {"INDIVIDUAL", "DYADIC_EXISTING_TIE", "DYADIC_NEW_TIE", "GROUP_EXISTING_NETWORK", "GROUP_NEW_TIES", "SOCIAL_SYSTEM", "COMMUNITY"},
	"MasiStrategy":         {"SKILLS", "SUPPORT", "CONTACT", "COGNITION"},
	"HoganFormat":          {"GROUP", "INDIVIDUAL"},
	"HoganProvider":        {"PROFESSIONAL", "PEER", "VOLUNTEER"},
	"HoganFocus":           {"NETWORK_SUPPORT", "SOCIAL_SKILLS"},
	// The study's own questions: how far the KB answers one, whose experience an experience is,
	// and the analysis axes (the Axis enum) that answer a question.
	"AnswerState": {"ANSWERED", "PARTLY", "UNANSWERED"},
	"Perspective": {"PERSON_IN_POVERTY", "PROFESSIONAL", "VOLUNTEER"},
	"Axis":        {"WORK_MODEL", "METHOD", "ACTOR_TYPE", "TARGET_GROUP", "SUPPORT_FUNCTION", "OUTCOME_DOMAIN", "OUTCOME", "PRECONDITION_CATEGORY", "SOURCE_TYPE", "REGION"},
}

// DefaultExperienceQuestion is the code of the research question an experience belongs to when
// it names none (its `question` field): the study's fifth question, on how network
// strengthening is experienced.
const DefaultExperienceQuestion = "RQ5"

// Broader maps a narrower vocabulary code to its broader term, per scheme. Filters on a broad
// term include its narrower terms.
var Broader = map[string]map[string]string{
	"ActorType": {
		"VOLUNTEER_KEY_FIGURE":       "VOLUNTEER",
		"VOLUNTEER_COORDINATOR":      "VOLUNTEER",
		"PROFESSIONAL_SOCIAL_WORKER": "PROFESSIONAL",
		"PROFESSIONAL_CARE_WORKER":   "PROFESSIONAL",
		"LINK_WORKER":                "PROFESSIONAL",
		"TRAINED_EXPERIENCE_EXPERT":  "EXPERIENCE_EXPERT",
	},
	"Region": {"BE_VLG": "BE", "BE_BRU": "BE", "BE_WAL": "BE"},
}

// Narrower returns code and every term below it in scheme.
func Narrower(scheme, code string) []string {
	out := []string{code}
	for n, b := range Broader[scheme] {
		if b == code {
			out = append(out, Narrower(scheme, n)...)
		}
	}
	sort.Strings(out[1:])
	return out
}

// NormalizeCode turns a code as people write it ("be-vlg", "BE-VLG") into its canonical form
// ("BE_VLG").
func NormalizeCode(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
}

// ValidCode reports whether code belongs to scheme.
func ValidCode(scheme, code string) bool {
	for _, c := range Vocabularies[scheme] {
		if c == code {
			return true
		}
	}
	return false
}

// Rank returns the position of code in its scheme (for ordered schemes such as StudyDesign),
// or -1 when it is not in the scheme.
func Rank(scheme, code string) int {
	for i, c := range Vocabularies[scheme] {
		if c == code {
			return i
		}
	}
	return -1
}

// ConceptID returns the id of the concept node of a vocabulary code.
func ConceptID(scheme, code string) string {
	return prefix + "concept/" + scheme + "/" + code
}
