package graph

// Replicas following one PostgreSQL store. Every kring process on the same database keeps its
// own read model and search index; the one writing at a time (the advisory lock, postgres.go)
// records each commit, and every other process follows:
//
//   - the commit log: each write adds, in its own Cayley transaction (so atomically with the
//     batch), one quad under commitLogLabel whose object is "SEQ TOKEN LABEL…": the commit's
//     sequence number, its new state token and the batch labels whose quads it added or
//     removed. The last commitLogKeep entries are kept (older ones are deleted by the write
//     that makes them old). The read model skips the label.
//   - state tokens are ordered: "SEQ-RANDOM" (tokenSeq), SEQ one more than the token before.
//   - following (Config.Follow): a goroutine LISTENs on the channel kring_commits (the writer
//     NOTIFYs "KEY:TOKEN" right after its commit; KEY is the schema's lock key) and polls the
//     state token every FollowPoll as a fallback. On a new token it catches up incrementally:
//     one REPEATABLE READ transaction reads the token, the log and the quads of the labels the
//     missed commits touched, and the difference with the read model's quads under those labels
//     is applied as a write applies its own (read model, search index, snapshot). When the log
//     cannot explain the gap (a gap wider than the log, a log entry without labels), it falls
//     back to reading every quad, and logs why.
//   - a restart (even after kill -9) reads the snapshot of an older state when the log still
//     covers the commits since, and catches up incrementally.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/quad"
	"github.com/lib/pq"
)

// The commit log (PostgreSQL stores).
var (
	commitLogIRI   = quad.IRI(prefix + "commitlog")
	commitLogPred  = quad.IRI(prefix + "commit")
	commitLogLabel = quad.IRI(prefix + "commitlog")
)

// commitLogKeep is how many commits the log keeps: a replica more commits behind rebuilds.
var commitLogKeep int64 = 1000 // a variable for tests (SetCommitLogKeepForTest)

// FollowPoll is how often a following store polls the state token besides listening.
const FollowPoll = 500 * time.Millisecond

// pgChannel is the NOTIFY channel of commits.
const pgChannel = "kring_commits"

var commitLogHash = csql.HashOf(commitLogLabel).SQLValue()

// tokenSeq returns the sequence number of a state token ("SEQ-RANDOM"); false for the random
// tokens of the embedded backends and of stores written before sequences.
func tokenSeq(token string) (int64, bool) {
	i := strings.IndexByte(token, '-')
	if i <= 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(token[:i], 10, 64)
	return n, err == nil && n > 0
}

// nextToken is the state token of the commit after the one named by token.
func nextToken(token string) string {
	seq, _ := tokenSeq(token)
	return strconv.FormatInt(seq+1, 10) + "-" + newToken()
}

// logEntry is one commit in the log.
type logEntry struct {
	seq    int64
	token  string
	labels []string // batch labels (IRIs) whose quads changed; nil with all: every label
	all    bool
	raw    string // the stored object
}

func parseLogEntry(s string) (logEntry, bool) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return logEntry{}, false
	}
	seq, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return logEntry{}, false
	}
	e := logEntry{seq: seq, token: f[1], raw: s}
	for _, l := range f[2:] {
		if l == "*" {
			e.all = true
		} else {
			e.labels = append(e.labels, l)
		}
	}
	return e, true
}

func logQuad(raw string) quad.Quad {
	return quad.Quad{Subject: commitLogIRI, Predicate: commitLogPred, Object: quad.String(raw), Label: commitLogLabel}
}

// commitEntry is the log entry of a write (s.mu held): its sequence number, token and the labels
// of adds and removes.
func (s *Store) commitEntry(token string, adds, removes []qt) string {
	seq, _ := tokenSeq(token)
	seen := map[uint32]bool{}
	var labels []string
	all := false
	for _, part := range [][]qt{adds, removes} {
		for _, q := range part {
			if seen[q[3]] {
				continue
			}
			seen[q[3]] = true
			iri, ok := s.t.value(q[3]).(quad.IRI)
			if !ok || strings.ContainsAny(string(iri), " \t\n") || string(iri) == "*" {
				all = true
				continue
			}
			labels = append(labels, string(iri))
		}
	}
	sort.Strings(labels)
	if all {
		labels = append(labels, "*")
	}
	return strconv.FormatInt(seq, 10) + " " + token + " " + strings.Join(labels, " ")
}

// commitLogDeltas are the commit log's part of a write (PostgreSQL, s.mu held): the new entry,
// and the deletion of entries that fall out of the log.
func (s *Store) commitLogDeltas(raw string, seq int64, del, add func(quad.Quad)) {
	add(logQuad(raw))
	for q, r := range s.plog {
		if q <= seq-commitLogKeep {
			del(logQuad(r))
		}
	}
}

// noteCommitted updates the commit log the store knows after its own commit.
func (s *Store) noteCommitted(raw string, seq int64) {
	if s.plog == nil {
		s.plog = map[int64]string{}
	}
	s.plog[seq] = raw
	for q := range s.plog {
		if q <= seq-commitLogKeep {
			delete(s.plog, q)
		}
	}
}

// readLog reads the commit log.
func (p *pgStore) readLog(ctx context.Context, db interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}) ([]logEntry, error) {
	rows, err := db.QueryContext(ctx, `SELECT n.value_string FROM quads q JOIN nodes n ON n.hash = q.object_hash
		WHERE q.label_hash = $1`, commitLogHash)
	if err != nil {
		return nil, fmt.Errorf("graph: read the commit log: %w", err)
	}
	defer rows.Close()
	var out []logEntry
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("graph: read the commit log: %w", err)
		}
		if e, ok := parseLogEntry(v.String); ok {
			out = append(out, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("graph: read the commit log: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, nil
}

func logMap(es []logEntry) map[int64]string {
	m := make(map[int64]string, len(es))
	for _, e := range es {
		m[e.seq] = e.raw
	}
	return m
}

// covers reports whether the log explains every commit after token up to the store's token
// to (and which labels they touched), or why not.
func covers(log []logEntry, from, to string) ([]string, string) {
	a, ok1 := tokenSeq(from)
	if from == "" {
		a, ok1 = 0, true // an empty store never written
	}
	b, ok2 := tokenSeq(to)
	switch {
	case !ok1:
		return nil, "the read model's state has no commit sequence"
	case !ok2:
		return nil, "the store's state has no commit sequence"
	case b < a:
		return nil, fmt.Sprintf("the store's commit %d is older than the read model's %d", b, a)
	}
	labels := map[string]bool{}
	next := a + 1
	for _, e := range log {
		if e.seq <= a {
			if e.seq == a && e.token != from {
				return nil, fmt.Sprintf("commit %d in the log is another state than the read model's", a)
			}
			continue
		}
		if e.seq != next {
			return nil, fmt.Sprintf("the commit log has no entry for commit %d", next)
		}
		if e.all {
			return nil, fmt.Sprintf("commit %d changed quads without a batch label", e.seq)
		}
		for _, l := range e.labels {
			labels[l] = true
		}
		if e.seq == b {
			if e.token != to {
				return nil, fmt.Sprintf("commit %d in the log is another state than the store's", b)
			}
			out := make([]string, 0, len(labels))
			for l := range labels {
				out = append(out, l)
			}
			sort.Strings(out)
			return out, ""
		}
		next++
	}
	return nil, fmt.Sprintf("the commit log has no entry for commit %d", next)
}

// labelQuads reads every quad under the given labels, in tx.
func (p *pgStore) labelQuads(ctx context.Context, tx *sql.Tx, labels []string, f func(q quad.Quad) error) error {
	hashes := make(pq.ByteaArray, 0, len(labels))
	for _, l := range labels {
		hashes = append(hashes, csql.HashOf(quad.IRI(l)).SQLValue().([]byte))
	}
	rows, err := tx.QueryContext(ctx, `SELECT subject_hash, predicate_hash, object_hash, label_hash FROM quads
		WHERE label_hash = ANY($1)`, hashes)
	if err != nil {
		return fmt.Errorf("graph: read quads: %w", err)
	}
	var qs [][4][]byte
	need := map[[quad.HashSize]byte]bool{}
	for rows.Next() {
		var hs [4][]byte
		if err := rows.Scan(&hs[0], &hs[1], &hs[2], &hs[3]); err != nil {
			rows.Close()
			return fmt.Errorf("graph: read quads: %w", err)
		}
		for _, h := range hs {
			if len(h) == quad.HashSize {
				need[[quad.HashSize]byte(h)] = true
			}
		}
		qs = append(qs, hs)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("graph: read quads: %w", err)
	}
	want := make(pq.ByteaArray, 0, len(need))
	for h := range need {
		want = append(want, h[:])
	}
	vals := map[[quad.HashSize]byte]quad.Value{}
	if len(want) > 0 {
		if err := pgNodes(ctx, tx, `WHERE hash = ANY($1)`, vals, want); err != nil {
			return err
		}
	}
	for _, hs := range qs {
		var q quad.Quad
		for i, h := range hs {
			if h == nil && i == 3 {
				continue
			}
			v, ok := vals[[quad.HashSize]byte(h)]
			if !ok {
				return fmt.Errorf("graph: read quads: a quad names a value that is not stored")
			}
			q.Set(quad.Direction(i+1), v)
		}
		if err := f(q); err != nil {
			return err
		}
	}
	return nil
}

// catchUp brings the read model up to date with the store by the commit log (s.mu held):
// changed reports whether it did, ok=false (with why) when the log cannot explain the gap.
func (s *Store) catchUp(ctx context.Context) (changed, ok bool, why string, err error) {
	tx, err := s.pg.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return false, true, "", fmt.Errorf("graph: read quads: %w", err)
	}
	defer tx.Rollback()
	token, err := pgToken(ctx, tx)
	if err != nil {
		return false, true, "", err
	}
	if token == s.token {
		return false, true, "", nil
	}
	log, err := s.pg.readLog(ctx, tx)
	if err != nil {
		return false, true, "", err
	}
	labels, why := covers(log, s.token, token)
	if why != "" {
		return false, false, why, nil
	}
	start := time.Now()
	s.writerReady()
	ix := s.idx.Load()
	var conv quadConv
	now := map[qt]struct{}{}
	err = s.pg.labelQuads(ctx, tx, labels, func(q quad.Quad) error {
		id, err := conv.intern(s.t, q)
		if err == nil {
			now[id] = struct{}{}
		}
		return err
	})
	if err != nil {
		return false, true, "", err
	}
	var adds, removes []qt
	for _, l := range labels {
		id, ok := s.t.lookup(mustEncode(quad.IRI(l)))
		if !ok {
			continue
		}
		for _, q := range s.labelled(ix, id) {
			if _, ok := now[q]; ok {
				delete(now, q)
			} else {
				removes = append(removes, q)
			}
		}
	}
	for q := range now {
		adds = append(adds, q)
	}
	from := s.token
	if err := s.applyRefresh(ix, adds, removes, token, start); err != nil {
		return false, true, "", err
	}
	s.plog = logMap(log)
	s.follow.incremental.Add(1)
	s.log.Info("read model caught up incrementally from the commit log", "from", from, "to", token,
		"commits", seqDiff(from, token), "labels", len(labels), "added", len(adds), "removed", len(removes), "took", time.Since(start))
	return true, true, "", nil
}

func seqDiff(from, to string) int64 {
	a, _ := tokenSeq(from)
	b, _ := tokenSeq(to)
	return b - a
}

// applyRefresh makes adds and removes (read from the quad store, written by another process)
// the read model's and the search index's, at token (s.mu held).
func (s *Store) applyRefresh(ix *index, adds, removes []qt, token string, start time.Time) error {
	s.t.notePreds(adds)
	nx := ix.apply(adds, removes, s.typePred)
	nx.token = token
	if err := s.search.ready(ix, s.token); err != nil {
		return err
	}
	if err := s.search.update(ix, nx, adds, removes, token); err != nil {
		s.search.reset(nx, token, err)
	}
	for _, q := range adds {
		s.addLabel(q[3], q[0])
	}
	for _, q := range removes {
		if n := nx.lookup(s.t.iri(q[0])); n == nil || !n.inBatch(s.t.iri(q[3])) {
			delete(s.labels[q[3]], q[0])
		}
	}
	s.token = token
	s.idx.Store(nx)
	s.stats.noteBuild(time.Since(start))
	s.snap.schedule()
	s.follow.noteApplied(token)
	return nil
}

// follower is a following store's state (Config.Follow; PostgreSQL only).
type follower struct {
	on          bool
	stopOnce    sync.Once
	stop        chan struct{}
	done        chan struct{}
	nudge       chan struct{}
	errors      atomic.Int64
	incremental atomic.Int64
	full        atomic.Int64

	mu          sync.Mutex
	storeSeq    int64     // the newest commit the follower knows of
	behindSince time.Time // when the read model first fell behind storeSeq (zero: caught up)
	lastPoll    time.Time // the last successful read of the store's token
	applied     int64     // the read model's commit
}

func (f *follower) noteApplied(token string) {
	seq, _ := tokenSeq(token)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = seq
	if seq >= f.storeSeq {
		f.storeSeq = seq
		f.behindSince = time.Time{}
	}
}

func (f *follower) noteStore(token string) {
	seq, ok := tokenSeq(token)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastPoll = time.Now()
	if ok && seq > f.storeSeq {
		f.storeSeq = seq
	}
	if f.storeSeq > f.applied && f.behindSince.IsZero() {
		f.behindSince = time.Now()
	}
}

// FollowStatus says how far a store following a shared PostgreSQL store is behind.
type FollowStatus struct {
	Following    bool          // the store follows other processes' commits (Config.Follow)
	Commit       int64         // the read model's commit sequence number
	StoreCommit  int64         // the newest commit the store knows of
	Behind       int64         // StoreCommit - Commit
	Lag          time.Duration // how long the read model has been behind (0 when caught up)
	SincePoll    time.Duration // since the store's state was last read successfully
	Errors       int64         // failed polls and catch-ups
	Incremental  int64         // catch-ups by the commit log
	FullRebuilds int64         // catch-ups that read every quad
}

// Follow returns the follower's state.
func (s *Store) Follow() FollowStatus {
	f := &s.follow
	if !f.on {
		return FollowStatus{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	st := FollowStatus{Following: true, Commit: f.applied, StoreCommit: f.storeSeq, Errors: f.errors.Load(),
		Incremental: f.incremental.Load(), FullRebuilds: f.full.Load(), SincePoll: time.Since(f.lastPoll)}
	if st.StoreCommit > st.Commit {
		st.Behind = st.StoreCommit - st.Commit
		if !f.behindSince.IsZero() {
			st.Lag = time.Since(f.behindSince)
		}
	}
	return st
}

// StateToken is the state token of the store's current read model (not of a request's pin).
func (s *Store) StateToken() string { return s.idx.Load().token }

// ErrBehind: the store did not reach the state a read asked for (Kring-Min-State) in time.
var ErrBehind = errors.New("this replica has not caught up with the requested state yet")

// WaitFor waits until the read model is at the state named by token or a later one, or ctx
// ends (then ErrBehind). On a store that does not follow others it returns at once (its own
// writes are all it sees). A token without a sequence number is reached when it is current.
func (s *Store) WaitFor(ctx context.Context, token string) error {
	if token == "" || !s.follow.on {
		return nil
	}
	want, ordered := tokenSeq(token)
	reached := func() bool {
		cur := s.idx.Load().token
		if !ordered {
			return cur == token
		}
		seq, _ := tokenSeq(cur)
		return seq >= want
	}
	if reached() {
		return nil
	}
	select {
	case s.follow.nudge <- struct{}{}:
	default:
	}
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if reached() {
				return nil
			}
			return fmt.Errorf("graph: state %s: %w", token, ErrBehind)
		case <-t.C:
			if reached() {
				return nil
			}
		}
	}
}

// startFollowing starts the follower (Open, PostgreSQL with Config.Follow).
func (s *Store) startFollowing(addr string) {
	f := &s.follow
	f.on = true
	f.stop, f.done, f.nudge = make(chan struct{}), make(chan struct{}), make(chan struct{}, 1)
	f.noteApplied(s.token)
	f.noteStore(s.token)
	prefix := strconv.Itoa(int(s.pg.key)) + ":"
	events := make(chan string, 16)
	l := pq.NewListener(addr, 100*time.Millisecond, 5*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			f.errors.Add(1)
			s.log.Warn("commit notifications: connection problem; polling meanwhile", "err", err)
		}
		if ev == pq.ListenerEventReconnected {
			select {
			case events <- "":
			default:
			}
		}
	})
	if err := l.Listen(pgChannel); err != nil {
		f.errors.Add(1)
		s.log.Warn("commit notifications: LISTEN failed; polling every "+FollowPoll.String(), "err", err)
	}
	go func() {
		defer close(f.done)
		defer l.Close()
		poll := time.NewTicker(FollowPoll)
		defer poll.Stop()
		for {
			select {
			case <-f.stop:
				return
			case n := <-l.Notify:
				if n != nil && !strings.HasPrefix(n.Extra, prefix) {
					continue // another schema's store
				}
				if n != nil {
					f.noteStore(strings.TrimPrefix(n.Extra, prefix))
				}
			case <-poll.C:
			case <-f.nudge:
			case <-events:
			}
			s.followOnce()
		}
	}()
}

// followHook, when set (by tests), runs before a follower catches up.
var followHook func()

// followOnce reads the store's token and catches up when it changed.
func (s *Store) followOnce() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	token, err := s.pg.token(ctx)
	if err != nil {
		s.follow.errors.Add(1)
		s.follow.mu.Lock()
		failed := time.Since(s.follow.lastPoll) > 5*time.Second
		s.follow.mu.Unlock()
		if failed {
			s.log.Warn("following the store: cannot read its state", "err", err)
		}
		return
	}
	s.follow.noteStore(token)
	if token == s.idx.Load().token {
		return
	}
	if followHook != nil {
		followHook()
	}
	if _, err := s.Refresh(ctx); err != nil && !errors.Is(err, ErrClosed) {
		s.follow.errors.Add(1)
		s.log.Warn("following the store: catching up failed; retrying", "err", err)
	}
}

func (f *follower) stopFollowing() {
	if !f.on {
		return
	}
	f.stopOnce.Do(func() {
		close(f.stop)
		<-f.done
	})
}

// notify tells the processes following the store of a commit (right after it; a lost
// notification is made up for by their polls).
func (p *pgStore) notify(token string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	p.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, pgChannel, strconv.Itoa(int(p.key))+":"+token)
}

// pgLogAt reads the commit log (Open).
func (s *Store) pgLogAt(ctx context.Context) (map[int64]string, error) {
	log, err := s.pg.readLog(ctx, s.pg.db)
	if err != nil {
		return nil, err
	}
	return logMap(log), nil
}

// olderSnapshot returns the token of the start-up snapshot when it holds an earlier state
// that the commit log (s.plog) explains up to token, else token (Open).
func (s *Store) olderSnapshot(token string) string {
	if s.snap.path == "" {
		return token
	}
	snap, err := snapshotToken(s.snap.path)
	if err != nil || snap == token {
		return token
	}
	log := make([]logEntry, 0, len(s.plog))
	for _, raw := range s.plog {
		if e, ok := parseLogEntry(raw); ok {
			log = append(log, e)
		}
	}
	sort.Slice(log, func(i, j int) bool { return log[i].seq < log[j].seq })
	if _, why := covers(log, snap, token); why != "" {
		s.log.Info("start-up snapshot of an earlier state not usable", "reason", why)
		return token
	}
	return snap
}
