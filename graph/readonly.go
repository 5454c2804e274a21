package graph

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/blevesearch/bleve/v2"
)

// A read-only store (Config.ReadOnly, `kring serve --read-only`) writes nothing to its data
// directory: bbolt is opened read-only (a shared lock), no data-directory lock file is created
// when none exists, no owner record is written, the start-up snapshot is read but never
// written, and Apply and Rollback answer ErrReadOnly. The search index on disk is used (opened
// read-only) when its fingerprint matches the store; otherwise it is built in memory for the
// life of the process, and the data directory is left as it was.

// openDir prepares a bolt data directory and takes its lock (lock.go).
func openDir(cfg Config) (*dirLock, error) {
	if cfg.ReadOnly {
		if fi, err := os.Stat(cfg.Path); err != nil {
			return nil, fmt.Errorf("graph: open %s read-only: %w", cfg.Path, err)
		} else if !fi.IsDir() {
			return nil, fmt.Errorf("graph: open %s read-only: not a directory", cfg.Path)
		}
	} else if err := os.MkdirAll(cfg.Path, 0o700); err != nil {
		return nil, fmt.Errorf("graph: open bolt: %w", err)
	}
	cmd := cfg.Command
	if cmd == "" {
		cmd = "kring"
	}
	l, err := lockDir(cfg.Path, cmd, cfg.Addr, cfg.ReadOnly)
	if err != nil && !cfg.ReadOnly && (errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EROFS)) {
		return nil, fmt.Errorf("%w (a read-only data directory can be served with --read-only)", err)
	}
	return l, err
}

// openSearch opens the search index: the one on disk (rebuilt when stale), in memory for the
// memory backend, and for a read-only store the one on disk read-only when it is current, else
// one built in memory.
func (s *Store) openSearch(ctx context.Context, cfg Config) (*searchIndex, error) {
	dir := searchDir(cfg)
	if !s.readOnly || dir == "" {
		return openSearch(ctx, dir, s.idx.Load(), s.token, s.log, cfg.Faults)
	}
	reason := "missing"
	bi, stale, err := openPersisted(dir, s.token, map[string]any{"read_only": true})
	switch {
	case bi != nil:
		si := &searchIndex{path: dir, bi: bi, log: s.log}
		return si, si.initAnalyzers()
	case err == nil:
		reason = stale
	case !errors.Is(err, os.ErrNotExist) && !errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		reason = "unreadable: " + err.Error()
	}
	si, err := openSearch(ctx, "", s.idx.Load(), s.token, s.log, cfg.Faults)
	if err == nil {
		s.info.SearchInMemory, s.info.SearchReason = true, reason
	}
	return si, err
}

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }
