package resolvers_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"kring/resolvers"
)

// TestMetrics: /metrics is valid Prometheus text and counts requests by operation and outcome.
func TestMetrics(t *testing.T) {
	st := starter(t)
	m := resolvers.NewMetrics(st)
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Metrics: m})
	post(t, h, "query WorkModels { workModels { totalCount } }", nil)
	post(t, h, "query WorkModels { workModels { totalCount } }", nil)
	post(t, h, `query Missing { method(id: "kring:method/nope") { id } }`, nil)
	post(t, h, "{ nope }", nil)

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	families, err := new(expfmt.TextParser).TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("not Prometheus text: %v", err)
	}
	count := func(op, code string) float64 {
		for _, mt := range families["kring_graphql_requests_total"].GetMetric() {
			if label(mt, "operation") == op && label(mt, "code") == code {
				return mt.GetCounter().GetValue()
			}
		}
		return 0
	}
	if got := count("WorkModels", "OK"); got != 2 {
		t.Errorf("WorkModels OK = %v; want 2", got)
	}
	if got := count("Missing", "NOT_FOUND"); got != 1 {
		t.Errorf("Missing NOT_FOUND = %v; want 1", got)
	}
	if got := count("-", "BAD_USER_INPUT"); got != 1 {
		t.Errorf("invalid document BAD_USER_INPUT = %v; want 1", got)
	}
	if h := families["kring_graphql_request_duration_seconds"]; h == nil || h.GetType() != dto.MetricType_HISTOGRAM {
		t.Errorf("no latency histogram")
	}
	if q := families["kring_store_quads"].GetMetric(); len(q) != 1 || int(q[0].GetGauge().GetValue()) != st.QuadCount() || st.QuadCount() == 0 {
		t.Errorf("kring_store_quads = %v; want %d", q, st.QuadCount())
	}
	for _, name := range []string{"kring_read_model_generation", "kring_read_model_build_seconds", "kring_batch_duration_seconds", "go_goroutines"} {
		if families[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	if g := families["kring_read_model_generation"].GetMetric()[0].GetCounter().GetValue(); g < 2 {
		t.Errorf("read model generation %v after Open and the starter batch; want ≥ 2", g)
	}
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}
