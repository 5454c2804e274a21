package graph

// PostgreSQL as the quad store, through Cayley's SQL backend (graph/sql). Cayley keeps two
// tables, nodes (one row per value, by hash) and quads (four hashes), created by its Init in the
// connection's search_path. What Kring adds around it:
//
//   - writes: one Cayley transaction per batch, through a flavour of Cayley's postgres
//     registration ("kring-postgres") whose inserts are multi-row statements (Cayley's own
//     sends one INSERT per node and per quad: one round trip each);
//   - reads: the read model is built from two queries (all nodes, all quads) in one
//     REPEATABLE READ transaction, together with the state token, instead of Cayley's
//     iterators (one query per value) or schema.LoadTo (which panics on this backend);
//   - one writer at a time across processes: a session advisory lock, taken with a bounded
//     wait on a connection of its own for the whole of a write (compare, commit), so that
//     replicas sharing one database never interleave; a writer that finds the state token
//     changed by another process first brings its read model up to date (Refresh).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cayleygraph/cayley"
	cgraph "github.com/cayleygraph/cayley/graph"
	graphlog "github.com/cayleygraph/cayley/graph/log"
	csql "github.com/cayleygraph/cayley/graph/sql"
	cpostgres "github.com/cayleygraph/cayley/graph/sql/postgres"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	"github.com/lib/pq"
)

// BackendPostgres keeps the quads in PostgreSQL (or CockroachDB's PostgreSQL dialect is not
// covered here); Config.URL says where.
const BackendPostgres = "postgres"

// pgFlavour is Cayley's postgres registration with multi-row inserts.
const pgFlavour = "kring-postgres"

// DefaultWriterWait is how long a write waits for another process's write to finish.
const DefaultWriterWait = 10 * time.Second

// ErrBusy: another process holds the store's writer lock for longer than the write may wait
// (PostgreSQL store). Nothing was written; the write can be retried.
var ErrBusy = errors.New("another kring process is writing")

// Advisory lock keys: a constant for Kring and a hash of the schema, so that stores in
// different schemas of one database do not exclude each other.
const pgLockClass = 0x4b726e67 // "Krng"

func init() {
	csql.Register(pgFlavour, csql.Registration{
		Driver:             "postgres",
		HashType:           `BYTEA`,
		BytesType:          `BYTEA`,
		HorizonType:        `BIGSERIAL`,
		TimeType:           `timestamp with time zone`,
		QueryDialect:       cpostgres.QueryDialect,
		ConditionalIndexes: true,
		FillFactor:         true,
		Error:              cpostgres.ConvError,
		Estimated: func(table string) string {
			return "SELECT reltuples::BIGINT AS estimate FROM pg_class WHERE relname='" + table + "';"
		},
		RunTx: pgRunTx,
	})
}

// pgStore is what the Store keeps for PostgreSQL besides Cayley's handle.
type pgStore struct {
	db     *sql.DB // reads (the full scan, the state token)
	lockDB *sql.DB // the writer lock's connections: never idle, so that closing one ends its session
	where  string  // host:port, for messages
	wait   time.Duration
	key    int32 // the schema's lock key
}

// pgURL checks a PostgreSQL URL and adds a connect timeout when it has none (an unreachable
// server fails in seconds instead of hanging).
func pgURL(raw string) (string, string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", "", fmt.Errorf("graph: store %q: not a postgres:// URL", redactURL(raw))
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "5432"
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
	}
	u.RawQuery = q.Encode()
	return u.String(), net.JoinHostPort(host, port), nil
}

// redactURL drops a password from a URL for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// openPostgres connects, creates Cayley's tables when they do not exist (under the writer lock:
// two processes starting at once), and opens Cayley's SQL quad store.
func openPostgres(ctx context.Context, cfg Config) (*cayley.Handle, *pgStore, error) {
	addr, where, err := pgURL(cfg.URL)
	if err != nil {
		return nil, nil, err
	}
	unreachable := func(err error) error {
		return fmt.Errorf("graph: PostgreSQL at %s: %v: %w", where, err, ErrUnavailable)
	}
	db, err := sql.Open("postgres", addr)
	if err != nil {
		return nil, nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, nil, unreachable(err)
	}
	lockDB, _ := sql.Open("postgres", addr)
	lockDB.SetMaxIdleConns(0)
	p := &pgStore{db: db, lockDB: lockDB, where: where, wait: cfg.WriterWait}
	if p.wait == 0 {
		p.wait = DefaultWriterWait
	}
	if err := db.QueryRowContext(pctx, `SELECT hashtext(coalesce(current_schema(), ''))`).Scan(&p.key); err != nil {
		p.close()
		return nil, nil, unreachable(err)
	}
	var h *cayley.Handle
	err = func() error {
		if !cfg.ReadOnly {
			if err := p.initTables(ctx, addr, unreachable); err != nil {
				return err
			}
		}
		h, err = cayley.NewGraph(pgFlavour, addr, nil)
		if err != nil {
			return unreachable(err)
		}
		return nil
	}()
	if err != nil {
		p.close()
		return nil, nil, err
	}
	if cfg.Faults != nil {
		h.QuadWriter = faultWriter{h.QuadWriter, cfg.Faults}
	}
	return h, p, nil
}

// initTables creates Cayley's tables unless they exist, under the writer lock (two processes
// starting at once on a new database).
func (p *pgStore) initTables(ctx context.Context, addr string, unreachable func(error) error) error {
	exists := func() (bool, error) {
		var ok bool
		if err := p.db.QueryRowContext(ctx, `SELECT to_regclass('quads') IS NOT NULL`).Scan(&ok); err != nil {
			return false, unreachable(err)
		}
		return ok, nil
	}
	// Checked first without the lock: a process starting while another writes a long batch
	// must not wait for it.
	if ok, err := exists(); err != nil || ok {
		return err // (Cayley's Init would log an error for tables that exist)
	}
	release, err := p.lock(ctx)
	if err != nil {
		return err
	}
	defer release()
	if ok, err := exists(); err != nil || ok {
		return err
	}
	if err := cgraph.InitQuadStore(pgFlavour, addr, nil); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
		return storageError("creating the PostgreSQL tables", err)
	}
	return nil
}

func (p *pgStore) close() error {
	if p == nil {
		return nil
	}
	return errors.Join(p.db.Close(), p.lockDB.Close())
}

// lock takes the store's writer lock: a session advisory lock on a connection of its own, held
// until release (which closes that connection, so that the lock cannot outlive it). It waits at
// most p.wait for another writer, then fails with ErrBusy.
func (p *pgStore) lock(ctx context.Context) (release func(), err error) {
	conn, err := p.lockDB.Conn(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("graph: PostgreSQL at %s: %v: %w", p.where, err, ErrUnavailable)
	}
	ms := max(p.wait.Milliseconds(), 1)
	_, err = conn.ExecContext(ctx, `SET lock_timeout = `+strconv.FormatInt(ms, 10))
	if err == nil {
		_, err = conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, $2)`, pgLockClass, p.key)
	}
	if err != nil {
		conn.Close()
		var pe *pq.Error
		if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
			return nil, fmt.Errorf("graph: %w (waited %s for its write to finish)", ErrBusy, p.wait)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("graph: PostgreSQL at %s: writer lock: %v: %w", p.where, err, ErrUnavailable)
	}
	return func() {
		conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, pgLockClass, p.key)
		conn.Close() // never kept idle (lockDB): the session, and any lock left, ends here
	}, nil
}

var (
	stateSubjHash = csql.HashOf(stateIRI).SQLValue()
	statePredHash = csql.HashOf(statePred).SQLValue()
)

const pgTokenQuery = `SELECT n.value_string FROM quads q JOIN nodes n ON n.hash = q.object_hash
	WHERE q.subject_hash = $1 AND q.predicate_hash = $2`

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func pgToken(ctx context.Context, db queryer) (string, error) {
	var tok sql.NullString
	err := db.QueryRowContext(ctx, pgTokenQuery, stateSubjHash, statePredHash).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("graph: read state token: %w", err)
	}
	return tok.String, nil
}

// token reads the stored state token in one query.
func (p *pgStore) token(ctx context.Context) (string, error) { return pgToken(ctx, p.db) }

// scan reads every quad and the state token from one snapshot of the database: the nodes
// table, then the quads table (two queries).
func (p *pgStore) scan(ctx context.Context, f func(q quad.Quad) error) (string, error) {
	tx, err := p.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return "", fmt.Errorf("graph: read quads: %w", err)
	}
	defer tx.Rollback()
	token, err := pgToken(ctx, tx)
	if err != nil {
		return "", err
	}
	vals := map[[quad.HashSize]byte]quad.Value{}
	if err := pgNodes(ctx, tx, "", vals); err != nil {
		return "", err
	}
	rows, err := tx.QueryContext(ctx, `SELECT subject_hash, predicate_hash, object_hash, label_hash FROM quads`)
	if err != nil {
		return "", fmt.Errorf("graph: read quads: %w", err)
	}
	defer rows.Close()
	var hs [4][]byte
	for n := 0; rows.Next(); n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return "", err
			}
		}
		if err := rows.Scan(&hs[0], &hs[1], &hs[2], &hs[3]); err != nil {
			return "", fmt.Errorf("graph: read quads: %w", err)
		}
		var q quad.Quad
		for i, h := range hs {
			if h == nil && i == 3 {
				continue // no label
			}
			v, ok := vals[[quad.HashSize]byte(h)]
			if !ok {
				return "", fmt.Errorf("graph: read quads: a quad names a value that is not stored")
			}
			q.Set(quad.Direction(i+1), v)
		}
		if err := f(q); err != nil {
			return "", err
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("graph: read quads: %w", err)
	}
	return token, nil
}

// pgNodes reads the nodes table's rows (those matching where, e.g. "WHERE hash = ANY($1)")
// into vals, decoded as Cayley's QuadStore.NameOf decodes a row.
func pgNodes(ctx context.Context, tx *sql.Tx, where string, vals map[[quad.HashSize]byte]quad.Value, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT hash, value, value_string, datatype, language, iri, bnode,
		value_int, value_bool, value_float, value_time FROM nodes `+where, args...)
	if err != nil {
		return fmt.Errorf("graph: read nodes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			hash, data       []byte
			str, typ, lang   sql.NullString
			iri, bnode, bval sql.NullBool
			vint             sql.NullInt64
			vfloat           sql.NullFloat64
			vtime            sql.NullTime
		)
		if err := rows.Scan(&hash, &data, &str, &typ, &lang, &iri, &bnode, &vint, &bval, &vfloat, &vtime); err != nil {
			return fmt.Errorf("graph: read nodes: %w", err)
		}
		// As Cayley's QuadStore.NameOf decodes a row.
		var v quad.Value
		switch {
		case str.Valid && iri.Bool:
			v = quad.IRI(str.String)
		case str.Valid && bnode.Bool:
			v = quad.BNode(str.String)
		case str.Valid && lang.Valid:
			v = quad.LangString{Value: quad.String(unescapeNull(str.String)), Lang: lang.String}
		case str.Valid && typ.Valid:
			v = quad.TypedString{Value: quad.String(unescapeNull(str.String)), Type: quad.IRI(typ.String)}
		case str.Valid:
			v = quad.String(unescapeNull(str.String))
		case vint.Valid:
			v = quad.Int(vint.Int64)
		case bval.Valid:
			v = quad.Bool(bval.Bool)
		case vfloat.Valid:
			v = quad.Float(vfloat.Float64)
		case vtime.Valid:
			v = quad.Time(vtime.Time.UTC())
		default:
			if v, err = pquads.UnmarshalValue(data); err != nil {
				return fmt.Errorf("graph: read nodes: %w", err)
			}
		}
		if len(hash) != quad.HashSize {
			return fmt.Errorf("graph: read nodes: hash of %d bytes", len(hash))
		}
		vals[[quad.HashSize]byte(hash)] = v
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("graph: read nodes: %w", err)
	}
	return nil
}

func unescapeNull(s string) string { return strings.ReplaceAll(s, `\x00`, "\u0000") }

// Rows per multi-row INSERT (PostgreSQL takes at most 65535 parameters in one statement).
const (
	pgNodeRows = 2000 // 12 parameters each
	pgQuadRows = 5000 // 4 parameters each
)

var pgNodeCols = []string{"value", "value_string", "datatype", "language", "iri", "bnode",
	"value_int", "value_bool", "value_float", "value_time"}

// pgRunTx is Cayley's postgres RunTx (graph/sql/postgres) with multi-row statements: the new
// values and reference counts, then the new quads, pgNodeRows and pgQuadRows at a time.
func pgRunTx(tx *sql.Tx, nodes []graphlog.NodeUpdate, quads []graphlog.QuadUpdate, opts cgraph.IgnoreOpts) error {
	col := map[string]int{}
	for i, c := range pgNodeCols {
		col[c] = i
	}
	for start := 0; start < len(nodes); start += pgNodeRows {
		part := nodes[start:min(start+pgNodeRows, len(nodes))]
		var b strings.Builder
		b.WriteString(`INSERT INTO nodes(refs, hash, ` + strings.Join(pgNodeCols, ", ") + `) VALUES `)
		args := make([]any, 0, len(part)*(2+len(pgNodeCols)))
		for i, n := range part {
			if n.RefInc < 0 {
				return fmt.Errorf("graph: unexpected node update")
			}
			key, values, err := csql.NodeValues(csql.NodeHash{ValueHash: n.Hash}, n.Val)
			if err != nil {
				return err
			}
			row := make([]any, 2+len(pgNodeCols))
			row[0], row[1] = n.RefInc, values[0]
			for j, c := range key.Columns() {
				row[2+col[c]] = values[1+j]
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range row {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(len(args)+j+1))
			}
			b.WriteByte(')')
			args = append(args, row...)
		}
		b.WriteString(` ON CONFLICT (hash) DO UPDATE SET refs = nodes.refs + EXCLUDED.refs`)
		if _, err := tx.Exec(b.String(), args...); err != nil {
			return pgInsertError(err)
		}
	}
	end := ""
	if opts.IgnoreDup {
		end = ` ON CONFLICT DO NOTHING`
	}
	for start := 0; start < len(quads); start += pgQuadRows {
		part := quads[start:min(start+pgQuadRows, len(quads))]
		var b strings.Builder
		b.WriteString(`INSERT INTO quads(subject_hash, predicate_hash, object_hash, label_hash, ts) VALUES `)
		args := make([]any, 0, len(part)*4)
		for i, d := range part {
			if d.Del {
				return fmt.Errorf("graph: unexpected quad delete")
			}
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, now())", n+1, n+2, n+3, n+4)
			for _, h := range d.Quad.Dirs() {
				args = append(args, csql.NodeHash{ValueHash: h}.SQLValue())
			}
		}
		b.WriteString(end)
		if _, err := tx.Exec(b.String(), args...); err != nil {
			return pgInsertError(err)
		}
	}
	return nil
}

// pgInsertError maps a unique violation to Cayley's "quad exists", as its postgres flavour does.
func pgInsertError(err error) error {
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23505" {
		return &cgraph.DeltaError{Err: cgraph.ErrQuadExists}
	}
	return err
}

// beginWrite prepares a write (s.mu held): a dry run brings the read model up to date (and,
// writing nothing, checks even when ctx is done, as on every backend); a write takes the
// cross-process writer lock (writerLock). release is never nil.
func (s *Store) beginWrite(ctx context.Context, dryRun bool) (release func(), err error) {
	if dryRun {
		_, err := s.refreshLocked(context.WithoutCancel(ctx))
		return func() {}, err
	}
	return s.writerLock(ctx)
}

// writerLock takes the cross-process writer lock for a write (PostgreSQL only; the writer's
// mutex s.mu is held) and brings the read model up to date when another process has written
// since. release is never nil.
func (s *Store) writerLock(ctx context.Context) (release func(), err error) {
	if s.pg == nil {
		return func() {}, nil
	}
	release, err = s.pg.lock(ctx)
	if err != nil {
		return func() {}, err
	}
	if _, err := s.refreshLocked(ctx); err != nil {
		release()
		return func() {}, err
	}
	return release, nil
}

// Refresh brings the read model and the search index up to date with the quad store when
// another process has written to it (PostgreSQL: replicas sharing one database), and reports
// whether anything changed. It reads the state token (one query); only when that differs from
// the read model's does it read every quad and apply the difference, as a write would. For
// the embedded backends, which have one writer, it does nothing.
func (s *Store) Refresh(ctx context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return false, ErrClosed
	}
	return s.refreshLocked(ctx)
}

func (s *Store) refreshLocked(ctx context.Context) (bool, error) {
	if s.pg == nil {
		return false, nil
	}
	token, err := s.pg.token(ctx)
	if err != nil {
		return false, storageError("reading the quad store", err)
	}
	if token == s.token {
		return false, nil
	}
	// By the commit log when it explains the gap (follow.go), else by every quad.
	changed, ok, why, err := s.catchUp(ctx)
	if err != nil {
		return false, storageError("reading the quad store", err)
	}
	if ok {
		return changed, nil
	}
	s.log.Info("read model: the commit log does not cover the gap; reading every quad", "reason", why)
	start := time.Now()
	s.writerReady()
	ix := s.idx.Load()
	var conv quadConv
	now := map[qt]struct{}{}
	var log []logEntry
	token, err = s.pg.scan(ctx, func(q quad.Quad) error {
		if q.Label == commitLogLabel {
			if str, ok := q.Object.(quad.String); ok {
				if e, ok := parseLogEntry(string(str)); ok {
					log = append(log, e)
				}
			}
			return nil
		}
		if q.Label == stateLabel || q.Label == writingLabel {
			return nil
		}
		id, err := conv.intern(s.t, q)
		if err == nil {
			now[id] = struct{}{}
		}
		return err
	})
	if err != nil {
		return false, storageError("reading the quad store", err)
	}
	var adds, removes []qt
	ix.eachQuad(func(q qt) {
		if _, ok := now[q]; ok {
			delete(now, q)
		} else {
			removes = append(removes, q)
		}
	})
	for q := range now {
		adds = append(adds, q)
	}
	if err := s.applyRefresh(ix, adds, removes, token, start); err != nil {
		return false, err
	}
	s.plog = logMap(log)
	s.follow.full.Add(1)
	s.log.Info("read model refreshed from every quad of the quad store", "added", len(adds), "removed", len(removes), "took", time.Since(start))
	return true, nil
}

// PostgresSchema creates (drop false) or drops with all it holds (drop true) the schema name
// on the PostgreSQL server at rawURL, and returns rawURL with search_path set to it: a store
// of its own on a shared server (scripts/benchload).
func PostgresSchema(ctx context.Context, rawURL, name string, drop bool) (string, error) {
	addr, where, err := pgURL(rawURL)
	if err != nil {
		return "", err
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return "", fmt.Errorf("graph: schema name %q: only a-z, 0-9 and _", name)
		}
	}
	db, err := sql.Open("postgres", addr)
	if err != nil {
		return "", err
	}
	defer db.Close()
	stmt := `CREATE SCHEMA "` + name + `"`
	if drop {
		stmt = `DROP SCHEMA IF EXISTS "` + name + `" CASCADE`
	}
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return "", fmt.Errorf("graph: PostgreSQL at %s: %v: %w", where, err, ErrUnavailable)
	}
	u, _ := url.Parse(rawURL)
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
