package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"kring/graph"
)

// BundleStarter and BundleBatches name the bundled knowledge base inside its directory (kb/):
// the starter batch, then the later batches (corrections, evidence), one batch per file.
const (
	BundleStarter = "starter.yaml"
	BundleBatches = "batches"
)

// BundleFiles returns the files of a bundled knowledge base: fsys is its directory (kb/), and
// prefix is put before every name (problems name the file by it, e.g. "kb/"). starter.yaml
// comes first, then every batches/*.yaml in file-name order, so that a later batch may refer to
// what an earlier one defines. A directory without batches/ is just the starter.
func BundleFiles(fsys fs.FS, prefix string) ([]File, error) {
	data, err := fs.ReadFile(fsys, BundleStarter)
	if err != nil {
		return nil, fmt.Errorf("bundled knowledge base: %w", err)
	}
	files := []File{{Name: prefix + BundleStarter, Data: data}}
	names, err := fs.Glob(fsys, BundleBatches+"/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("bundled knowledge base: %w", err)
	}
	sort.Strings(names)
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("bundled knowledge base: %w", err)
		}
		files = append(files, File{Name: prefix + path.Clean(n), Data: data})
	}
	return files, nil
}

// LoadBundle loads the bundled knowledge base (see BundleFiles) into st, each file as its own
// batch, in order. It is all-or-nothing: when a batch is rejected, the batches of the bundle
// already written are rolled back, so that a store is never left with half a bundle.
func LoadBundle(ctx context.Context, st *graph.Store, files []File, loadedBy string) (*Report, error) {
	rep, err := Load(ctx, st, files, Options{LoadedBy: loadedBy})
	if err == nil {
		return rep, nil
	}
	var errs []error
	for i := len(rep.Batches) - 1; i >= 0; i-- {
		if b := rep.Batches[i]; b.Written {
			if _, rerr := st.Rollback(ctx, b.Batch, false); rerr != nil {
				errs = append(errs, fmt.Errorf("roll back %s: %w", b.Batch, rerr))
			}
		}
	}
	return rep, errors.Join(append([]error{err}, errs...)...)
}
