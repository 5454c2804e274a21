package resolvers_test

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/resolvers"
)

// cacheGet sends one GET to /graphql and returns the response.
func cacheGet(t *testing.T, h http.Handler, query string, vars string, headers map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	v := url.Values{"query": {query}}
	if vars != "" {
		v.Set("variables", vars)
	}
	req := httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil)
	for k, val := range headers {
		req.Header.Set(k, val)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func addSource(t *testing.T, st *graph.Store, i int) {
	t.Helper()
	graphtest.MustApply(t, st, &graph.Changeset{BatchID: fmt.Sprintf("b%d", i), Nodes: []graph.NodeSpec{
		graphtest.Node(graph.TypeSource, fmt.Sprintf("source/s%d", i), "type", "PRESS", "title", fmt.Sprintf("T%d", i), "status", "CONFIRMED")}})
}

// TestResponseCache: anonymous query answers are sent again from the cache for the same read-model
// version, revalidated with 304, and never once a commit changed the version.
func TestResponseCache(t *testing.T) {
	st := graphtest.NewMemory(t)
	addSource(t, st, 0)
	tokens, err := resolvers.ParseTokens("t", strings.NewReader("curator-1 CURATOR "+resolvers.HashToken("secret-curator-token-1234567890")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokens})
	const q = `query Count($first: Int) { sources(first: $first) { totalCount } }`

	first := cacheGet(t, h, q, `{"first": 5}`, nil)
	tag := first.Header().Get("ETag")
	if first.Code != 200 || tag == "" || first.Header().Get("X-Kring-Cache") != "miss" {
		t.Fatalf("first: %d, ETag %q, cache %q: %s", first.Code, tag, first.Header().Get("X-Kring-Cache"), first.Body)
	}
	if cc := first.Header().Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("Cache-Control = %q", cc)
	}
	second := cacheGet(t, h, q, `{ "first" : 5 }`, nil) // the same variables, written otherwise
	if second.Header().Get("X-Kring-Cache") != "hit" || second.Header().Get("ETag") != tag || second.Body.String() != first.Body.String() {
		t.Errorf("second: cache %q, ETag %q (want %q), body %s", second.Header().Get("X-Kring-Cache"), second.Header().Get("ETag"), tag, second.Body)
	}
	other := cacheGet(t, h, q, `{"first": 6}`, nil)
	if other.Header().Get("ETag") == tag || other.Header().Get("X-Kring-Cache") != "miss" {
		t.Errorf("other variables share the answer: ETag %q, cache %q", other.Header().Get("ETag"), other.Header().Get("X-Kring-Cache"))
	}
	nm := cacheGet(t, h, q, `{"first": 5}`, map[string]string{"If-None-Match": tag})
	if nm.Code != http.StatusNotModified || nm.Body.Len() != 0 || nm.Header().Get("ETag") != tag {
		t.Errorf("If-None-Match: %d, %d bytes, ETag %q", nm.Code, nm.Body.Len(), nm.Header().Get("ETag"))
	}

	// A commit: the same request gets the new content and a new ETag; the old ETag is not 304.
	addSource(t, st, 1)
	after := cacheGet(t, h, q, `{"first": 5}`, map[string]string{"If-None-Match": tag})
	if after.Code != 200 || after.Header().Get("ETag") == tag || !strings.Contains(after.Body.String(), `"totalCount":2`) {
		t.Errorf("after a commit: %d, ETag %q (old %q), body %s", after.Code, after.Header().Get("ETag"), tag, after.Body)
	}

	// Authenticated answers are never cached or shared.
	auth := cacheGet(t, h, q, `{"first": 5}`, map[string]string{"Authorization": "Bearer secret-curator-token-1234567890"})
	if auth.Code != 200 || auth.Header().Get("ETag") != "" || auth.Header().Get("Cache-Control") != "private, no-store" || auth.Header().Get("X-Kring-Cache") != "" {
		t.Errorf("authenticated: %d, ETag %q, Cache-Control %q, cache %q", auth.Code, auth.Header().Get("ETag"), auth.Header().Get("Cache-Control"), auth.Header().Get("X-Kring-Cache"))
	}

	// Answers with errors are not stored: asked again, they are executed again, without an ETag.
	for i := range 2 {
		bad := cacheGet(t, h, `{ method(id: "method/none") { id } }`, "", nil)
		if bad.Header().Get("ETag") != "" || bad.Header().Get("X-Kring-Cache") != "miss" {
			t.Errorf("error answer %d: ETag %q, cache %q: %s", i, bad.Header().Get("ETag"), bad.Header().Get("X-Kring-Cache"), bad.Body)
		}
	}
}

// TestResponseCacheNeverStale: while batches commit, every request sent after a commit was
// acknowledged sees that commit, whether its answer came from the cache or not.
func TestResponseCacheNeverStale(t *testing.T) {
	st := graphtest.NewMemory(t)
	addSource(t, st, 0)
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})
	const q = `{ sources { totalCount } }`
	var acked atomic.Int64 // sources committed and acknowledged
	acked.Store(1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 1; i <= 30; i++ {
			addSource(t, st, i)
			acked.Store(int64(i + 1))
		}
		close(stop)
	})
	var stale, hits, reqs atomic.Int64
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				want := acked.Load()
				rec := cacheGet(t, h, q, "", nil)
				var r struct {
					Data struct{ Sources struct{ TotalCount int64 } }
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
					t.Error(err)
					return
				}
				reqs.Add(1)
				if rec.Header().Get("X-Kring-Cache") == "hit" {
					hits.Add(1)
				}
				if r.Data.Sources.TotalCount < want {
					stale.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if stale.Load() > 0 {
		t.Errorf("%d of %d answers were older than the last acknowledged commit", stale.Load(), reqs.Load())
	}
	if hits.Load() == 0 {
		t.Errorf("no answer of %d came from the cache", reqs.Load())
	}
	t.Logf("%d requests, %d from the cache, 0 stale", reqs.Load(), hits.Load())
}

// TestResponseCachePersisted: a persisted query shares one entry whether it came with its document
// or by hash alone; a document with someone else's hash is never answered from the cache.
func TestResponseCachePersisted(t *testing.T) {
	st := graphtest.NewMemory(t)
	addSource(t, st, 0)
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})
	const q = `{ sources { totalCount } }`
	sum := sha256.Sum256([]byte(q))
	ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":"%s"}}`, hex.EncodeToString(sum[:]))
	get := func(query string) *httptest.ResponseRecorder {
		v := url.Values{"extensions": {ext}}
		if query != "" {
			v.Set("query", query)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil))
		return rec
	}
	withDoc := get(q)
	if withDoc.Code != 200 || withDoc.Header().Get("X-Kring-Cache") != "miss" || withDoc.Header().Get("ETag") == "" {
		t.Fatalf("document and hash: %d %q: %s", withDoc.Code, withDoc.Header().Get("X-Kring-Cache"), withDoc.Body)
	}
	hashOnly := get("")
	if hashOnly.Header().Get("X-Kring-Cache") != "hit" || hashOnly.Header().Get("ETag") != withDoc.Header().Get("ETag") || hashOnly.Body.String() != withDoc.Body.String() {
		t.Errorf("hash alone: cache %q, ETag %q (want %q)", hashOnly.Header().Get("X-Kring-Cache"), hashOnly.Header().Get("ETag"), withDoc.Header().Get("ETag"))
	}
	forged := get(`{ methods { totalCount } }`) // another document under the first one's hash
	if forged.Header().Get("X-Kring-Cache") == "hit" || !strings.Contains(forged.Body.String(), "errors") {
		t.Errorf("a document with another document's hash: cache %q: %s", forged.Header().Get("X-Kring-Cache"), forged.Body)
	}
}

// TestResponseCacheRelease: making a release is a write for the cache too: the list of releases
// asked again is not the cached one.
func TestResponseCacheRelease(t *testing.T) {
	st := graphtest.NewMemory(t)
	addSource(t, st, 0)
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})
	const q = `{ releases { name } }`
	before := cacheGet(t, h, q, "", nil)
	if again := cacheGet(t, h, q, "", nil); again.Header().Get("X-Kring-Cache") != "hit" {
		t.Fatalf("not cached: %q", again.Header().Get("X-Kring-Cache"))
	}
	if _, err := st.CreateRelease(context.Background(), "2027.1", "", "test"); err != nil {
		t.Fatal(err)
	}
	after := cacheGet(t, h, q, "", map[string]string{"If-None-Match": before.Header().Get("ETag")})
	if after.Code != 200 || !strings.Contains(after.Body.String(), "2027.1") {
		t.Errorf("after createRelease: %d %s", after.Code, after.Body)
	}
}

// TestResponseCacheGzip: a cached answer of some size goes gzipped to a client that accepts it,
// with the same (weak) ETag, and as it is to one that does not.
func TestResponseCacheGzip(t *testing.T) {
	st := graphtest.NewMemory(t)
	for i := range 40 {
		addSource(t, st, i)
	}
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})
	const q = `{ sources(first: 40) { nodes { id title type status } } }`
	plain := cacheGet(t, h, q, "", nil)
	if plain.Body.Len() < 1024 {
		t.Fatalf("answer of %d bytes: too small to test compression", plain.Body.Len())
	}
	gz := cacheGet(t, h, q, "", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") != plain.Header().Get("ETag") || gz.Body.Len() >= plain.Body.Len() {
		t.Fatalf("gzip: encoding %q, ETag %q (plain %q), %d bytes (plain %d)", gz.Header().Get("Content-Encoding"),
			gz.Header().Get("ETag"), plain.Header().Get("ETag"), gz.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil || string(body) != plain.Body.String() {
		t.Errorf("gunzipped answer differs (%v)", err)
	}
	again := cacheGet(t, h, q, "", map[string]string{"Accept-Encoding": "gzip;q=0"})
	if again.Header().Get("Content-Encoding") != "" || again.Body.String() != plain.Body.String() {
		t.Errorf("gzip;q=0: encoding %q", again.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(strings.Join(gz.Header().Values("Vary"), ","), "Accept-Encoding") {
		t.Errorf("Vary %v lacks Accept-Encoding", gz.Header().Values("Vary"))
	}
}

// TestResponseCacheOneExecution: clients asking the same query at once, right after a commit,
// get one execution between them; the others wait for its answer.
func TestResponseCacheOneExecution(t *testing.T) {
	st := graphtest.NewMemory(t)
	for i := range 30 {
		addSource(t, st, i)
	}
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{})
	const q = `{ sources(first: 30) { totalCount nodes { id title type status } } }`
	var misses, hits atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			rec := cacheGet(t, h, q, "", nil)
			switch rec.Header().Get("X-Kring-Cache") {
			case "miss":
				misses.Add(1)
			case "hit":
				hits.Add(1)
			}
		})
	}
	wg.Wait()
	if misses.Load() != 1 || hits.Load() != 15 {
		t.Errorf("16 requests at once: %d executed, %d from the cache; want 1 and 15", misses.Load(), hits.Load())
	}
}
