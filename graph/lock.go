package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	hkv "github.com/hidal-go/hidalgo/kv"
	hbolt "github.com/hidal-go/hidalgo/kv/bbolt"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// One owner per data directory. A process that opens a bolt store takes a non-blocking file
// lock on <data>/kring.lock (exclusive; shared when read-only) and writes who it is into
// <data>/owner.json. A second process does not wait: Open fails at once with an *InUseError
// that names the holder (pid, command and, for `kring serve`, the address it listens on: Config.Addr), read
// from owner.json. The lock goes with the process (the kernel drops it on exit, also on
// kill -9), so owner.json is only believed while the lock is held.
//
// Behind that lock, bbolt is opened through a Kring-owned Cayley backend (boltBackend) with a
// lock timeout, so that even a holder that did not take kring.lock (an older kring) makes Open
// fail after boltLockTimeout instead of hanging in bbolt's flock forever (Cayley's own bbolt
// backend opens it with no timeout).

const (
	lockFile  = "kring.lock"
	ownerFile = "owner.json"
	// boltBackend is the Cayley backend name under which Kring opens bbolt.
	boltBackend = "kring-bbolt"
	// boltLockTimeout bounds the wait for bbolt's own file lock.
	boltLockTimeout = time.Second
	// optReadOnly is the Cayley option that opens bbolt read-only.
	optReadOnly = "kring_read_only"
)

// ErrInUse: the data directory is held by another process. An *InUseError carries who.
var ErrInUse = errors.New("data directory in use")

// ErrReadOnly: the store was opened read-only and cannot be written. errors.Is(ErrReadOnly,
// ErrForbidden) holds: the API answers FORBIDDEN with this message.
var ErrReadOnly error = readOnlyError{}

type readOnlyError struct{}

func (readOnlyError) Error() string {
	return "the store is read-only (kring serve --read-only): it accepts no writes"
}
func (readOnlyError) Is(target error) bool { return target == ErrForbidden }

// Owner describes the process holding a data directory, as recorded in owner.json.
type Owner struct {
	PID      int    `json:"pid"`
	Command  string `json:"command"`            // e.g. "kring serve"
	Started  string `json:"started"`            // RFC 3339
	Addr     string `json:"addr,omitempty"`     // http://host:port, for kring serve once listening
	ReadOnly bool   `json:"readOnly,omitempty"` // holds a shared (read-only) lock
}

// InUseError says that a data directory is held by another process. errors.Is(err, ErrInUse)
// holds for it.
type InUseError struct {
	Dir   string
	Owner *Owner // nil when the holder is unknown (it wrote no owner record)
}

func (e *InUseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "data directory %s is in use", e.Dir)
	if o := e.Owner; o != nil {
		fmt.Fprintf(&b, " by pid %d (%s, since %s)", o.PID, o.Command, o.Started)
		if o.Addr != "" {
			fmt.Fprintf(&b, ", serving %s", o.Addr)
		}
	} else {
		b.WriteString(" by another process")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInUse) true for an *InUseError.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// dirLock is a held data-directory lock.
type dirLock struct {
	f     *os.File
	dir   string
	owner Owner
	wrote bool // owner.json is ours
}

// lockDir takes the data directory's lock without waiting. readOnly takes a shared lock and
// writes no owner record; when the directory cannot be written and has no lock file, it
// returns (nil, nil): bbolt's own (shared, timed) lock is then the only one.
func lockDir(dir, command, addr string, readOnly bool) (*dirLock, error) {
	path := filepath.Join(dir, lockFile)
	flag, how := os.O_RDWR|os.O_CREATE, syscall.LOCK_EX
	if readOnly {
		flag, how = os.O_RDONLY, syscall.LOCK_SH
	}
	f, err := os.OpenFile(path, flag, 0o600)
	if err != nil {
		if readOnly && errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("graph: lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &InUseError{Dir: dir, Owner: readOwner(dir)}
		}
		return nil, fmt.Errorf("graph: lock %s: %w", dir, err)
	}
	l := &dirLock{f: f, dir: dir, owner: Owner{
		PID: os.Getpid(), Command: command, Started: time.Now().UTC().Format(time.RFC3339), Addr: addr, ReadOnly: readOnly,
	}}
	if !readOnly {
		if err := l.writeOwner(); err != nil {
			l.release()
			return nil, err
		}
	}
	return l, nil
}

// readOwner reads owner.json; nil when it is missing, unreadable or names a dead process. A
// holder that has just taken the lock may not have written it yet: wait for it briefly.
func readOwner(dir string) *Owner {
	for i := 0; i < 10; i++ {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		var o Owner
		if err == nil && json.Unmarshal(b, &o) == nil && o.PID > 0 && syscall.Kill(o.PID, 0) != syscall.ESRCH {
			return &o
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// writeOwner writes owner.json atomically (a temporary file renamed over it).
func (l *dirLock) writeOwner() error {
	b, _ := json.MarshalIndent(l.owner, "", "  ")
	tmp := filepath.Join(l.dir, "."+ownerFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("graph: write owner record: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(l.dir, ownerFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("graph: write owner record: %w", err)
	}
	l.wrote = true
	return nil
}

// release removes the owner record (when it is ours) and drops the lock.
func (l *dirLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	if l.wrote {
		os.Remove(filepath.Join(l.dir, ownerFile))
	}
	err := l.f.Close() // closing the descriptor drops the flock
	l.f = nil
	return err
}

func init() {
	kv.Register(boltBackend, kv.Registration{NewFunc: openBoltKV, InitFunc: openBoltKV, IsPersistent: true})
}

// openBoltKV opens <dir>/indexes.bolt (the file Cayley's bbolt backend uses) with a lock
// timeout, read-only when the option says so.
func openBoltKV(dir string, opt cgraph.Options) (hkv.KV, error) {
	if dir == "" {
		return nil, kv.ErrEmptyPath
	}
	ro, err := opt.BoolKey(optReadOnly, false)
	if err != nil {
		return nil, err
	}
	// (InitialMmapSize as set in bolt_options.go: these options replace bbolt.DefaultOptions.)
	db, err := bolt.Open(filepath.Join(dir, "indexes.bolt"), 0o600, &bolt.Options{Timeout: boltLockTimeout, ReadOnly: ro,
		InitialMmapSize: bolt.DefaultOptions.InitialMmapSize})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, &InUseError{Dir: dir, Owner: readOwner(dir)}
	}
	if err != nil {
		return nil, err
	}
	if !ro {
		openedBolt.Store(filepath.Clean(dir), db)
	}
	return hbolt.New(db), nil
}

// openedBolt maps a data directory to the bolt database last opened in it (read-write), for
// dropMapped.
var openedBolt sync.Map

// boltOf returns the bolt database of the quad store opened last in dir, nil when none.
func boltOf(dir string) *bolt.DB {
	if v, ok := openedBolt.Load(filepath.Clean(dir)); ok {
		return v.(*bolt.DB)
	}
	return nil
}
