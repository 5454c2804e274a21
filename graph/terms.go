package graph

import (
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cayleygraph/quad"
)

// terms interns every value the store holds (IRIs and literals) as a 32-bit id, so that the
// read model can keep quads as small integer tuples instead of interface values and strings.
//
// A term is stored as its encoding: one kind byte and the payload (an IRI's text, a literal's
// value), so that two values are the same term exactly when they are equal quad values. Terms
// are never removed (a term of a rolled-back batch stays, unused). The table is append-only and
// chunked: a chunk, once allocated, never moves, and an entry, once written, never changes. The
// writer appends; readers resolve only ids of the read model they were handed, which the
// writer published (atomic pointer) after writing those entries, so reads need no lock.
type terms struct {
	chunks [maxChunks]*[chunkSize]string
	n      uint32 // entries written; owned by the writer
	// ids maps an encoding to its id. It belongs to the writer and is built on its first
	// write (a store opened from a snapshot serves reads without it).
	ids map[string]uint32
	// preds maps the local name of every kring: predicate in use to its id, for readers: the
	// writer replaces the map (copy on write) before it publishes a read model that uses a new
	// predicate.
	preds atomic.Pointer[map[string]uint32]
}

// predID returns the id of predicate kring:local, if any quad uses it.
func (t *terms) predID(local string) (uint32, bool) {
	m := t.preds.Load()
	if m == nil {
		return 0, false
	}
	id, ok := (*m)[local]
	return id, ok
}

// notePreds records the predicates of quads (writer only), before a read model that holds them
// is published.
func (t *terms) notePreds(quads []qt) {
	old := t.preds.Load()
	var next map[string]uint32
	for _, q := range quads {
		iri := t.iri(q[1])
		if !strings.HasPrefix(iri, prefix) || t.str(q[1])[0] != kIRI {
			continue
		}
		local := iri[len(prefix):]
		if old != nil {
			if _, ok := (*old)[local]; ok {
				continue
			}
		}
		if next == nil {
			next = map[string]uint32{}
			if old != nil {
				maps.Copy(next, *old)
			}
		}
		next[local] = q[1]
	}
	if next != nil {
		t.preds.Store(&next)
	}
}

const (
	chunkBits = 16
	chunkSize = 1 << chunkBits
	maxChunks = 1 << 14 // 2^30 terms
)

// Term kinds: the first byte of an encoding.
const (
	kIRI    = 'I'
	kBNode  = 'B'
	kString = 's'
	kLang   = 'l' // lang + "\x00" + value
	kInt    = 'i'
	kFloat  = 'f'
	kBool   = 'b'
	kTyped  = 't' // type IRI + "\x00" + value
	kTime   = 'T' // RFC 3339 with nanoseconds
)

// noLabel encodes the label of a quad without one (an empty IRI).
const noLabel = "I"

// str returns the encoding of term id.
func (t *terms) str(id uint32) string { return t.chunks[id>>chunkBits][id&(chunkSize-1)] }

// iri returns the text of an IRI term (or the payload of any term).
func (t *terms) iri(id uint32) string { return t.str(id)[1:] }

// isIRI reports whether term id is an IRI.
func (t *terms) isIRI(id uint32) bool { return t.str(id)[0] == kIRI }

// append adds an encoding without looking it up (the caller knows it is new).
func (t *terms) append(enc string) uint32 {
	id := t.n
	c := id >> chunkBits
	if c >= maxChunks {
		panic("graph: term table full")
	}
	if t.chunks[c] == nil {
		t.chunks[c] = new([chunkSize]string)
	}
	t.chunks[c][id&(chunkSize-1)] = enc
	t.n++
	if t.ids != nil {
		t.ids[enc] = id
	}
	return id
}

// writerReady builds the writer's lookup map when it does not exist yet.
func (t *terms) writerReady() {
	if t.ids != nil {
		return
	}
	t.ids = make(map[string]uint32, t.n+t.n/4)
	for id := uint32(0); id < t.n; id++ {
		t.ids[t.str(id)] = id
	}
}

// intern returns the id of an encoding, adding it when new. Writer only.
func (t *terms) intern(enc string) uint32 {
	if id, ok := t.ids[enc]; ok {
		return id
	}
	return t.append(strings.Clone(enc))
}

// find returns the id of an encoding by looking through every term: for a table read from a
// snapshot, before the writer's map exists.
func (t *terms) find(enc string) (uint32, bool) {
	for id := uint32(0); id < t.n; id++ {
		if t.str(id) == enc {
			return id, true
		}
	}
	return 0, false
}

// lookup returns the id of an encoding, if interned. Writer only.
func (t *terms) lookup(enc string) (uint32, bool) {
	id, ok := t.ids[enc]
	return id, ok
}

// value decodes term id.
func (t *terms) value(id uint32) quad.Value { return decodeTerm(t.str(id)) }

// encodeTerm returns the encoding of v.
func encodeTerm(v quad.Value) (string, error) {
	b, err := appendTerm(nil, v)
	return string(b), err
}

// appendTerm appends the encoding of v to b.
func appendTerm(b []byte, v quad.Value) ([]byte, error) {
	switch v := v.(type) {
	case quad.IRI:
		return append(append(b, kIRI), v...), nil
	case quad.BNode:
		return append(append(b, kBNode), v...), nil
	case quad.String:
		return append(append(b, kString), v...), nil
	case quad.LangString:
		b = append(append(b, kLang), v.Lang...)
		return append(append(b, 0), v.Value...), nil
	case quad.Int:
		return strconv.AppendInt(append(b, kInt), int64(v), 10), nil
	case quad.Float:
		return strconv.AppendFloat(append(b, kFloat), float64(v), 'g', -1, 64), nil
	case quad.Bool:
		if v {
			return append(b, kBool, '1'), nil
		}
		return append(b, kBool, '0'), nil
	case quad.TypedString:
		b = append(append(b, kTyped), v.Type...)
		return append(append(b, 0), v.Value...), nil
	case quad.Time:
		return time.Time(v).AppendFormat(append(b, kTime), time.RFC3339Nano), nil
	case nil:
		return append(b, noLabel...), nil
	}
	return b, fmt.Errorf("graph: unsupported quad value %T", v)
}

// internValue returns the id of v, adding it when new; buf is scratch space. Writer only.
func (t *terms) internValue(v quad.Value, buf *[]byte) (uint32, error) {
	b, err := appendTerm((*buf)[:0], v)
	*buf = b
	if err != nil {
		return 0, err
	}
	if id, ok := t.ids[string(b)]; ok { // no allocation for the lookup
		return id, nil
	}
	return t.append(string(b)), nil
}

// decodeTerm is the inverse of encodeTerm.
func decodeTerm(enc string) quad.Value {
	if enc == "" {
		return nil
	}
	p := enc[1:]
	switch enc[0] {
	case kIRI:
		return quad.IRI(p)
	case kBNode:
		return quad.BNode(p)
	case kString:
		return quad.String(p)
	case kLang:
		lang, val, _ := strings.Cut(p, "\x00")
		return quad.LangString{Value: quad.String(val), Lang: lang}
	case kInt:
		i, _ := strconv.ParseInt(p, 10, 64)
		return quad.Int(i)
	case kFloat:
		f, err := strconv.ParseFloat(p, 64)
		if err != nil {
			f = math.NaN()
		}
		return quad.Float(f)
	case kBool:
		return quad.Bool(p == "1")
	case kTyped:
		typ, val, _ := strings.Cut(p, "\x00")
		return quad.TypedString{Value: quad.String(val), Type: quad.IRI(typ)}
	case kTime:
		tm, _ := time.Parse(time.RFC3339Nano, p)
		return quad.Time(tm)
	}
	return nil
}

// termLess orders two encodings as their quad.StringOf forms order for IRIs ("<iri>", so the end
// of an IRI sorts as '>'), which the read model has always used for the order of values; other
// terms order by their encoding.
func termLess(a, b string) bool {
	if a[0] == kIRI && b[0] == kIRI {
		return iriLess(a[1:], b[1:])
	}
	return a < b
}

func iriLess(a, b string) bool {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	// One is a prefix of the other: compare '>' with the longer one's next byte.
	switch {
	case len(a) == len(b):
		return false
	case len(a) < len(b):
		return '>' < b[n]
	default:
		return a[n] < '>'
	}
}
