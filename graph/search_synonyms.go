package graph

import (
	"strings"
	"unicode"
)

// Search synonyms: query expansion at query time (the index is not changed). When the query
// text contains a term of a set below (case- and accent-insensitively, on word boundaries), the
// search also looks for every other term of that set, with a lower weight (boostSynonym) than
// the words typed. A term of several words matches a field that has all of its words (the index
// keeps no positions, so they need not be adjacent).
//
// Only real synonyms go here: words a Dutch- or English-speaking analyst uses for the same thing
// in this domain, Dutch (nl-BE and nl-NL usage) next to English, singular and plural where the
// stemmers do not join them. Related but different notions stay apart: loneliness (eenzaamheid,
// a feeling) is not social isolation (sociaal isolement, few contacts); a volunteer is not a
// peer or an experience expert.
var synonymSets = [][]string{
	// Single-parent families.
	{"eenoudergezin", "eenoudergezinnen", "alleenstaande ouder", "alleenstaande ouders",
		"alleenstaande moeder", "alleenstaande moeders", "alleenstaande vader", "alleenstaande vaders",
		"single parent", "single parents", "single-parent", "lone parent", "lone parents",
		"single mother", "single mothers", "single father", "one-parent family"},
	// Volunteers.
	{"vrijwilliger", "vrijwilligers", "volunteer", "volunteers"},
	// Volunteering.
	{"vrijwilligerswerk", "volunteering", "voluntary work"},
	// Loneliness (the feeling).
	{"eenzaamheid", "eenzaam", "loneliness", "lonely"},
	// Social isolation (few or no contacts).
	{"sociaal isolement", "sociale isolatie", "social isolation", "socially isolated", "sociaal geisoleerd"},
	// Poverty.
	{"armoede", "poverty", "kansarmoede", "deprivation"},
	// Debt.
	{"schulden", "schuldenlast", "debt", "debts", "indebtedness"},
	// Buddies: "maatje" is the Netherlands' word, "buddy" the Flemish and English one.
	{"buddy", "buddies", "maatje", "maatjes", "maatjesproject"},
	// Experience experts.
	{"ervaringsdeskundige", "ervaringsdeskundigen", "experience expert", "experience experts",
		"expert by experience", "experts by experience"},
	// Newcomers.
	{"nieuwkomer", "nieuwkomers", "newcomer", "newcomers"},
	// Informal carers.
	{"mantelzorger", "mantelzorgers", "informal carer", "informal carers", "informal caregiver"},
	// Time banks.
	{"tijdbank", "tijdbanken", "time bank", "time banks", "timebank"},
	// Family group conferences.
	{"eigen kracht-conferentie", "familiegroepsconferentie", "family group conference", "family group conferencing"},
}

// synonymIndex maps each folded term of synonymSets to its set.
var synonymIndex = func() map[string]int {
	m := map[string]int{}
	for i, set := range synonymSets {
		for _, t := range set {
			m[foldWords(t)] = i
		}
	}
	return m
}()

// foldWords folds s (lower case, no diacritics) and normalises its separators to single spaces.
func foldWords(s string) string {
	return strings.Join(strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
}

// maxSynonymWords is the longest term of synonymSets, in words.
const maxSynonymWords = 3

// synonymsOf returns the terms the query text expands to: for every term of a set found in the
// text, the other terms of that set (each once, in set order), none of which is in the text
// already.
func synonymsOf(text string) []string {
	words := strings.Fields(foldWords(text))
	present := map[string]bool{}
	sets := []int{}
	for i := range words {
		for n := 1; n <= maxSynonymWords && i+n <= len(words); n++ {
			t := strings.Join(words[i:i+n], " ")
			present[t] = true
			if s, ok := synonymIndex[t]; ok && !containsInt(sets, s) {
				sets = append(sets, s)
			}
		}
	}
	var out []string
	for _, s := range sets {
		for _, t := range synonymSets[s] {
			if f := foldWords(t); !present[f] {
				present[f] = true
				out = append(out, t)
			}
		}
	}
	return out
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
