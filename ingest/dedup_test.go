package ingest

import "testing"

func TestNormalizeDOI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"10.1016/S0272-7358(01)00102-7", "10.1016/s0272-7358(01)00102-7"},
		{"https://doi.org/10.1016/S0272-7358(01)00102-7", "10.1016/s0272-7358(01)00102-7"},
		{"http://dx.doi.org/10.1016/S0272-7358(01)00102-7", "10.1016/s0272-7358(01)00102-7"},
		{"HTTPS://DOI.ORG/10.1016/S0272-7358(01)00102-7", "10.1016/s0272-7358(01)00102-7"},
		{"doi:10.1016/S0272-7358(01)00102-7", "10.1016/s0272-7358(01)00102-7"},
		{"DOI: 10.1177/1088868310377394", "10.1177/1088868310377394"},
		{"  10.1192/BJP.BP.109.064089 ", "10.1192/bjp.bp.109.064089"},
		{"https://doi.org/10.1186%2F1471-2458-11-647", "10.1186/1471-2458-11-647"},
		{"https://dx.doi.org/10.1007/s10615-005-0005-5", "10.1007/s10615-005-0005-5"},
		{"info:doi/10.1002/cl2.1088", "10.1002/cl2.1088"},
		{"10.1000.10/123456", "10.1000.10/123456"},
		{"https://doi.org/%zz", ""},
		{"", ""},
		{"not a doi", ""},
		{"10.12/short-registrant", ""},
		{"10.1016", ""},
		{"10.1016/", ""},
		{"https://example.org/10.1016/S0272-7358(01)00102-7", ""},
		{"ISBN 0-19-512670-X", ""},
	}
	for _, tt := range tests {
		if got := NormalizeDOI(tt.in); got != tt.want {
			t.Errorf("NormalizeDOI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Social Support Interventions: Do They Work?", "social support interventions do they work"},
		{"social support interventions — do they work", "social support interventions do they work"},
		{"Vrijwillige inzet bij sociaal geïsoleerden", "vrijwillige inzet bij sociaal geisoleerden"},
		{"Kwetsbaar verbonden. De duo-methodiek in Vlaanderen", "kwetsbaar verbonden de duo methodiek in vlaanderen"},
		{"Kwetsbaar verbonden – de duo-methodiek in Vlaanderen", "kwetsbaar verbonden de duo methodiek in vlaanderen"},
		{"  Ørsted, Łódź & Straße  ", "orsted lodz strasse"},
		{"STRASSE", "strasse"},
		{"Deković", "dekovic"},
		{"clients' well-being", "clients well being"},
		{"ﬁnancial", "financial"},
		{"", ""},
		{"?!", ""},
	}
	for _, tt := range tests {
		if got := NormalizeTitle(tt.in); got != tt.want {
			t.Errorf("NormalizeTitle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDedupKey(t *testing.T) {
	tests := []struct {
		name string
		ref  Reference
		want string
	}{
		{
			name: "doi url",
			ref:  Reference{DOI: "https://doi.org/10.1016/S0272-7358(01)00102-7", Title: "ignored"},
			want: "doi:10.1016/s0272-7358(01)00102-7",
		},
		{
			name: "doi prefix",
			ref:  Reference{DOI: "doi:10.1016/s0272-7358(01)00102-7"},
			want: "doi:10.1016/s0272-7358(01)00102-7",
		},
		{
			name: "invalid doi falls back to title",
			ref:  Reference{DOI: "n/a", Title: "Bind-Kracht in armoede", Year: 2006, Authors: []Name{{Family: "Driessens", Given: "K."}}},
			want: "tyf:bind kracht in armoede|2006|driessens",
		},
		{
			name: "particle joins family",
			ref:  Reference{Title: "Eigen Kracht-conferenties", Year: 2012, Authors: []Name{{Family: "Jong", Particle: "de"}}},
			want: "tyf:eigen kracht conferenties|2012|de jong",
		},
		{
			name: "capitalised prefix in family",
			ref:  Reference{Title: "Kwetsbaar verbonden", Year: 2018, Authors: []Name{{Family: "Van Robaeys"}}},
			want: "tyf:kwetsbaar verbonden|2018|van robaeys",
		},
		{
			name: "corporate author",
			ref:  Reference{Title: "Databank", Authors: []Name{{Literal: "Movisie"}}},
			want: "tyf:databank|0|movisie",
		},
		{
			name: "editors when no authors",
			ref:  Reference{Title: "Social Support Measurement and Intervention", Year: 2000, Editors: []Name{{Family: "Cohen", Given: "S."}}},
			want: "tyf:social support measurement and intervention|2000|cohen",
		},
		{
			name: "nothing",
			ref:  Reference{},
			want: "tyf:|0|",
		},
	}
	for _, tt := range tests {
		if got := tt.ref.DedupKey(); got != tt.want {
			t.Errorf("%s: DedupKey() = %q, want %q", tt.name, got, tt.want)
		}
	}
	a := Reference{DOI: "https://doi.org/10.1016/S0272-7358(01)00102-7"}
	b := Reference{DOI: "doi:10.1016/s0272-7358(01)00102-7"}
	if a.DedupKey() != b.DedupKey() || a.DedupKey() != "doi:10.1016/s0272-7358(01)00102-7" {
		t.Errorf("DedupKey: %q and %q, want both doi:10.1016/s0272-7358(01)00102-7", a.DedupKey(), b.DedupKey())
	}
}
