package resolvers

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kring/graph"
)

// Metrics are the server's Prometheus metrics, served by Handler as /metrics:
//
//   - kring_graphql_requests_total{operation, code}: GraphQL requests by operation name and
//     outcome (OK, or the first error's extensions.code);
//   - kring_graphql_request_duration_seconds{operation}: their latency;
//   - kring_read_model_generation, kring_read_model_build_seconds: the read model's version
//     (read models built since start) and how long the last one took to build;
//   - kring_batch_duration_seconds: the batches written (a summary: count and total time), and
//     kring_batch_last_duration_seconds;
//   - kring_store_quads: the store's size;
//   - kring_replica_lag_seconds, kring_replica_commits_behind, kring_replica_follow_errors_total,
//     kring_replica_catchups_total{kind}: a replica following a shared PostgreSQL store;
//   - the Go runtime's and the process's standard metrics.
//
// Operation names are the client's: at most maxOperationNames distinct ones are kept apart,
// the rest count as "other", so that no client can grow the metrics without bound.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec

	mu    sync.Mutex
	names map[string]bool
}

const maxOperationNames = 100

// NewMetrics registers the metrics of a server over st.
func NewMetrics(st *graph.Store) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kring_graphql_requests_total",
			Help: "GraphQL requests by operation name and outcome code (OK or the first error's extensions.code).",
		}, []string{"operation", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kring_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation name.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15, 30},
		}, []string{"operation"}),
		names: map[string]bool{},
	}
	m.reg.MustRegister(m.requests, m.latency, storeCollector{st},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// operation returns the label for an operation name.
func (m *Metrics) operation(name string) string {
	if name == "" {
		return "-"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= maxOperationNames {
		return "other"
	}
	m.names[name] = true
	return name
}

// outcome is what one request's answer was, filled in while it is served.
type outcome struct {
	mu        sync.Mutex
	operation string
	code      string
}

type outcomeKey struct{}

func outcomeOf(ctx context.Context) *outcome {
	o, _ := ctx.Value(outcomeKey{}).(*outcome)
	return o
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// wrap counts and times every request to next.
func (m *Metrics) wrap(next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		o := &outcome{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), outcomeKey{}, o)))
		o.mu.Lock()
		op, code := o.operation, o.code
		o.mu.Unlock()
		if code == "" {
			// Answered outside GraphQL execution (the transport's own refusals).
			switch {
			case sw.status == http.StatusUnauthorized:
				code = CodeUnauthenticated
			case sw.status == http.StatusServiceUnavailable:
				code = CodeTimeout
			case sw.status >= 500:
				code = CodeInternal
			case sw.status >= 400:
				code = CodeBadUserInput
			default:
				code = "OK"
			}
		}
		op = m.operation(op)
		m.requests.WithLabelValues(op, code).Inc()
		m.latency.WithLabelValues(op).Observe(time.Since(start).Seconds())
	})
}

// outcomeExt records each GraphQL response's operation and outcome code for the metrics.
type outcomeExt struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = outcomeExt{}

func (outcomeExt) ExtensionName() string                   { return "KringOutcome" }
func (outcomeExt) Validate(graphql.ExecutableSchema) error { return nil }

func (outcomeExt) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	o := outcomeOf(ctx)
	if o == nil {
		return resp
	}
	code := "OK"
	switch {
	case resp == nil:
		code = CodeTimeout
	case len(resp.Errors) > 0:
		code = CodeInternal
		if c, ok := resp.Errors[0].Extensions["code"].(string); ok {
			code = c
		}
	}
	op := ""
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.Operation != nil {
			op = oc.Operation.Name
			if op == "" {
				op = "(anonymous " + string(oc.Operation.Operation) + ")"
			}
		}
	}
	o.mu.Lock()
	o.operation, o.code = op, code
	o.mu.Unlock()
	return resp
}

// storeCollector reads the store's figures at each scrape.
type storeCollector struct{ st *graph.Store }

var (
	descGeneration = prometheus.NewDesc("kring_read_model_generation", "Read models built since the server started (the read model's version).", nil, nil)
	descBuild      = prometheus.NewDesc("kring_read_model_build_seconds", "How long the last read model took to build (at start-up, or derived by a write).", nil, nil)
	descBatches    = prometheus.NewDesc("kring_batch_duration_seconds", "Batches written since the server started, and the time their writes took.", nil, nil)
	descLastBatch  = prometheus.NewDesc("kring_batch_last_duration_seconds", "How long the last batch write took.", nil, nil)
	descQuads      = prometheus.NewDesc("kring_store_quads", "Quads in the store.", nil, nil)
	// Replicas following a shared PostgreSQL store (graph.Store.Follow); only when following.
	descReplicaLag     = prometheus.NewDesc("kring_replica_lag_seconds", "How long this replica's read model has been behind the store's newest commit it knows of (0 when caught up).", nil, nil)
	descReplicaBehind  = prometheus.NewDesc("kring_replica_commits_behind", "Commits of the shared store this replica's read model does not have yet.", nil, nil)
	descReplicaErrors  = prometheus.NewDesc("kring_replica_follow_errors_total", "Failed reads of the shared store's state and failed catch-ups (retried).", nil, nil)
	descReplicaCatchUp = prometheus.NewDesc("kring_replica_catchups_total", "Catch-ups with other replicas' commits, by how: incremental (the commit log) or full (every quad).", []string{"kind"}, nil)
)

func (storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descGeneration, descBuild, descBatches, descLastBatch, descQuads,
		descReplicaLag, descReplicaBehind, descReplicaErrors, descReplicaCatchUp} {
		ch <- d
	}
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.st.Stats()
	ch <- prometheus.MustNewConstMetric(descGeneration, prometheus.CounterValue, float64(s.Generation))
	ch <- prometheus.MustNewConstMetric(descBuild, prometheus.GaugeValue, s.LastBuild.Seconds())
	ch <- prometheus.MustNewConstSummary(descBatches, s.Batches, s.BatchTotal.Seconds(), nil)
	ch <- prometheus.MustNewConstMetric(descLastBatch, prometheus.GaugeValue, s.LastBatch.Seconds())
	ch <- prometheus.MustNewConstMetric(descQuads, prometheus.GaugeValue, float64(s.Quads))
	if f := c.st.Follow(); f.Following {
		ch <- prometheus.MustNewConstMetric(descReplicaLag, prometheus.GaugeValue, f.Lag.Seconds())
		ch <- prometheus.MustNewConstMetric(descReplicaBehind, prometheus.GaugeValue, float64(f.Behind))
		ch <- prometheus.MustNewConstMetric(descReplicaErrors, prometheus.CounterValue, float64(f.Errors))
		ch <- prometheus.MustNewConstMetric(descReplicaCatchUp, prometheus.CounterValue, float64(f.Incremental), "incremental")
		ch <- prometheus.MustNewConstMetric(descReplicaCatchUp, prometheus.CounterValue, float64(f.FullRebuilds), "full")
	}
}

// operationOf is the operation name recorded for the request of ctx ("" without metrics).
func operationOf(ctx context.Context) string {
	o := outcomeOf(ctx)
	if o == nil {
		return ""
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.operation
}

// recordOutcome records the outcome of a request answered without executing it (from the
// response cache).
func recordOutcome(ctx context.Context, operation, code string) {
	if o := outcomeOf(ctx); o != nil {
		o.mu.Lock()
		o.operation, o.code = operation, code
		o.mu.Unlock()
	}
}

// registerCache adds the response cache's figures to the metrics.
func (m *Metrics) registerCache(c *responseCache) {
	if m == nil || c == nil {
		return
	}
	_ = m.reg.Register(cacheCollector{c}) // a second handler on the same metrics: already there
}

// cacheCollector reads the response cache's counters at each scrape.
type cacheCollector struct{ c *responseCache }

var (
	descCacheHits        = prometheus.NewDesc("kring_response_cache_hits_total", "Anonymous query answers sent from the response cache.", nil, nil)
	descCacheMisses      = prometheus.NewDesc("kring_response_cache_misses_total", "Anonymous query requests executed because the response cache had no answer.", nil, nil)
	descCacheNotModified = prometheus.NewDesc("kring_response_cache_not_modified_total", "Anonymous query requests answered 304 Not Modified (If-None-Match named the current answer).", nil, nil)
	descCacheEntries     = prometheus.NewDesc("kring_response_cache_entries", "Answers in the response cache.", nil, nil)
	descCacheBytes       = prometheus.NewDesc("kring_response_cache_bytes", "Bytes of the answers in the response cache.", nil, nil)
)

func (cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCacheHits, descCacheMisses, descCacheNotModified, descCacheEntries, descCacheBytes} {
		ch <- d
	}
}

func (cc cacheCollector) Collect(ch chan<- prometheus.Metric) {
	hits, misses, nm, entries, bytes := cc.c.stats()
	ch <- prometheus.MustNewConstMetric(descCacheHits, prometheus.CounterValue, float64(hits))
	ch <- prometheus.MustNewConstMetric(descCacheMisses, prometheus.CounterValue, float64(misses))
	ch <- prometheus.MustNewConstMetric(descCacheNotModified, prometheus.CounterValue, float64(nm))
	ch <- prometheus.MustNewConstMetric(descCacheEntries, prometheus.GaugeValue, float64(entries))
	ch <- prometheus.MustNewConstMetric(descCacheBytes, prometheus.GaugeValue, float64(bytes))
}
