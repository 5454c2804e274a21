package resolvers

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
)

// The response cache: anonymous reads are deterministic for one read-model version, so their
// answers are kept, keyed by what decides them, and sent again without parsing, validating or
// executing anything.
//
//   - The key is a hash of the read-model version (the store's state token, Store.Version), the
//     response media type, the query text (for a persisted query: its hash), the operation
//     name, and the variables and extensions in a canonical JSON form. The
//     role is part of it by construction: only anonymous requests are cached.
//   - The ETag is that key. A request whose If-None-Match names it gets 304 Not Modified, also
//     when this process has no entry (it may have been evicted, or served by another replica of
//     the same store): an ETag is only ever given to a complete, error-free query answer, and
//     the same key at the same version is the same answer.
//   - Cache-Control is "public, no-cache": browsers and proxies may keep the answer but must
//     revalidate it every time, so a commit is never hidden behind a max-age. Authenticated
//     answers get "private, no-store".
//   - Invalidation is by version only: a commit changes the version, so no later request
//     can meet an older entry; entries of older versions are dropped when the first answer of a
//     newer one is stored.
//   - Only 200 answers to queries without errors are stored (no TIMEOUT, no partial data), each
//     at most maxEntryBytes, all together at most maxBytes (least recently used go first).
type responseCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	version  string
	order    *list.List // of *cacheEntry, most recently used first
	entries  map[string]*list.Element
	// current is the store's current version (Store.Version of an unpinned context).
	current func() string
	// inflight are the keys being executed, each with a channel closed when it is done.
	inflight map[string]chan struct{}

	hits, misses, notModified atomic.Int64
}

type cacheEntry struct {
	key  string
	body []byte
	ct   string
	// gz is body gzipped, made on the first request that accepts it (gzipOnce).
	gz       []byte
	gzipOnce sync.Once
	// operation is the operation's name as the metrics record it (outcomeExt).
	operation string
}

const (
	defaultCacheBytes = 64 << 20
	maxEntryBytes     = 4 << 20
)

func newResponseCache(maxBytes int, current func() string) *responseCache {
	if maxBytes <= 0 {
		return nil
	}
	return &responseCache{maxBytes: maxBytes, order: list.New(), entries: map[string]*list.Element{}, current: current,
		inflight: map[string]chan struct{}{}}
}

// cacheKey is the key (and the ETag's value) of a request's answer, or "" when the request
// cannot be cached (variables or extensions that do not encode, or a persisted-query hash that
// is not the query's: the executor refuses that request).
//
// A persisted query is keyed by its hash whether the document came with it or not, so that
// the explorer's first request of a document (hash and document) and every later one (the
// hash alone) share one entry.
func cacheKey(version, media string, p *graphql.RawParams) string {
	doc := p.Query
	ext := p.Extensions
	if pq, ok := p.Extensions["persistedQuery"].(map[string]any); ok {
		hash, _ := pq["sha256Hash"].(string)
		if hash == "" {
			return ""
		}
		if doc != "" {
			sum := sha256.Sum256([]byte(doc))
			if hex.EncodeToString(sum[:]) != hash {
				return ""
			}
		}
		doc = "persisted:" + hash
		ext = maps.Clone(p.Extensions)
		delete(ext, "persistedQuery")
	}
	vars, err := json.Marshal(p.Variables) // maps encode with sorted keys: a canonical form
	if err != nil {
		return ""
	}
	extJSON, err := json.Marshal(ext)
	if err != nil {
		return ""
	}
	h := sha256.New()
	for _, part := range []string{version, media, doc, p.OperationName, string(vars), string(extJSON)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:20])
}

// etag is a weak ETag: the identity and the gzip encoding of an answer share it (they are the
// same answer; RFC 9110 §8.8.3).
func etag(key string) string { return `W/"` + key + `"` }

// minGzipBytes is the smallest answer sent gzipped (smaller ones gain too little).
const minGzipBytes = 1024

// gzipped returns the entry's body gzipped, compressing it once, or nil when it is too small.
func (e *cacheEntry) gzipped() []byte {
	if len(e.body) < minGzipBytes {
		return nil
	}
	e.gzipOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		_, _ = zw.Write(e.body)
		if zw.Close() == nil {
			e.gz = b.Bytes()
		}
	})
	return e.gz
}

// acceptsGzip reports whether the request's Accept-Encoding names gzip (without q=0).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0" {
				return true
			}
		}
	}
	return false
}

// get returns the entry for key at version.
func (c *responseCache) get(version, key string) (*cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return nil, false
	}
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry), true
}

// put stores an answer of version, unless version is no longer the store's current one (a
// slow request that read before a commit). The first answer of a new version empties the cache.
func (c *responseCache) put(version string, e *cacheEntry) {
	size := entrySize(e)
	if size > maxEntryBytes || size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current != nil && c.current() != version {
		return // read before a commit that is visible now: never stored
	}
	if c.version != version {
		c.version = version
		c.order.Init()
		clear(c.entries)
		c.bytes = 0
	}
	if _, ok := c.entries[e.key]; ok {
		return
	}
	c.entries[e.key] = c.order.PushFront(e)
	c.bytes += size
	for c.bytes > c.maxBytes {
		last := c.order.Back()
		old := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.entries, old.key)
		c.bytes -= entrySize(old)
	}
}

// flight registers an execution of key: leader is true when none was under way (the caller
// executes and calls land); otherwise wait is closed when the leader lands.
func (c *responseCache) flight(key string) (leader bool, wait <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.inflight[key]; ok {
		return false, ch
	}
	c.inflight[key] = make(chan struct{})
	return true, nil
}

// land ends the leader's execution of key.
func (c *responseCache) land(key string) {
	c.mu.Lock()
	ch := c.inflight[key]
	delete(c.inflight, key)
	c.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}

// cacheStats are the cache's counters, for /metrics.
func (c *responseCache) stats() (hits, misses, notModified int64, entries, bytes int) {
	if c == nil {
		return
	}
	c.mu.Lock()
	entries, bytes = len(c.entries), c.bytes
	c.mu.Unlock()
	return c.hits.Load(), c.misses.Load(), c.notModified.Load(), entries, bytes
}

// entrySize is what an entry counts against the cache's bound: its body, key and a gzipped
// copy (at most a quarter of the body for JSON answers; made on demand).
func entrySize(e *cacheEntry) int { return len(e.body) + len(e.body)/4 + len(e.key) + 64 }

// ifNoneMatch reports whether the If-None-Match header names tag.
func ifNoneMatch(r *http.Request, tag string) bool {
	for _, v := range r.Header.Values("If-None-Match") {
		for _, t := range strings.Split(v, ",") {
			// Weak comparison (RFC 9110 §13.1.2): W/ prefixes do not count.
			if t = strings.TrimSpace(t); strings.TrimPrefix(t, "W/") == strings.TrimPrefix(tag, "W/") {
				return true
			}
		}
	}
	return false
}

// bufferWriter keeps an answer in memory so that it can be stored after it was produced (the
// GraphQL answers are built in memory anyway, see writeResult).
type bufferWriter struct {
	header http.Header
	status int
	body   []byte
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body = append(b.body, p...)
	return len(p), nil
}
