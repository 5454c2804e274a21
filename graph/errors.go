package graph

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// Errors returned (wrapped) by the store. Callers test them with errors.Is; the GraphQL layer maps
// them to extensions.code (NOT_FOUND, BAD_USER_INPUT, CONFLICT, FORBIDDEN, STORAGE_FULL,
// UNAVAILABLE).
var (
	// ErrNotFound: no node with the requested id (or of the requested type) exists.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input is malformed; a *ValidationError carries the details.
	ErrInvalid = errors.New("invalid input")
	// ErrConflict: the request contradicts the stored state (e.g. a rollback that later batches depend on).
	ErrConflict = errors.New("conflict")
	// ErrForbidden: the caller may not perform the operation.
	ErrForbidden = errors.New("forbidden")
	// ErrClosed: the store has been closed.
	ErrClosed = errors.New("store closed")
	// ErrStorageFull: a write failed because the disk is full (ENOSPC) or the quota is used up
	// (EDQUOT). A *StorageError says what was being written. Nothing of the failed batch is
	// stored; the store keeps serving reads, and writes succeed again once there is space.
	ErrStorageFull = errors.New("storage full")
	// ErrUnavailable: a storage layer failed (EIO or any other failure to write or open the
	// quad store, the search index or their files). A *StorageError says what failed. As with
	// ErrStorageFull, nothing of the failed batch is stored and reads keep being served.
	ErrUnavailable = errors.New("storage unavailable")
)

// StorageError is a failed write (or reopen) of one of the store's layers: the quad store, the
// search index or the start-up snapshot. errors.Is(err, ErrStorageFull) holds when the cause is
// ENOSPC or EDQUOT, errors.Is(err, ErrUnavailable) for every other cause; the cause itself stays
// reachable (errors.Is(err, syscall.EIO)).
type StorageError struct {
	Op  string // what failed: "writing the quad store", "writing the search index", …
	Err error  // the cause, as the layer returned it
}

// Error says what failed and why, without file names: "writing the search index: no space
// left on device".
func (e *StorageError) Error() string {
	var errno syscall.Errno
	if errors.As(e.Err, &errno) {
		return "graph: " + e.Op + ": " + errno.Error()
	}
	return "graph: " + e.Op + ": I/O failure"
}

func (e *StorageError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrStorageFull) or errors.Is(err, ErrUnavailable) true.
func (e *StorageError) Is(target error) bool {
	switch target {
	case ErrStorageFull:
		return e.full()
	case ErrUnavailable:
		return !e.full()
	}
	return false
}

func (e *StorageError) full() bool {
	return errors.Is(e.Err, syscall.ENOSPC) || errors.Is(e.Err, syscall.EDQUOT)
}

// storageError wraps a layer's failure as a *StorageError (nil stays nil; a StorageError is
// kept as it is).
func storageError(op string, err error) error {
	var se *StorageError
	if err == nil || errors.As(err, &se) {
		return err
	}
	return &StorageError{Op: op, Err: err}
}

// lowDiskSpace is the free space under which a write failure without an errno (bleve reports
// its persister's failures as text) is taken to be a full disk.
const lowDiskSpace = 1 << 20

// storageErrorIn is storageError for a layer writing under dir: a failure that carries no
// errno is ENOSPC when the disk holding dir is (nearly) full. (bleve turns the persister's
// error into text; the file system's statistics say what the text would.)
func storageErrorIn(op, dir string, err error, f *Faults) error {
	var errno syscall.Errno
	if err == nil || dir == "" || errors.As(err, &errno) {
		return storageError(op, err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if free, ok := f.diskFree(d); ok {
			if free < lowDiskSpace {
				err = fmt.Errorf("%w (%w: %d bytes left)", err, syscall.ENOSPC, free)
			}
			break
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	return storageError(op, err)
}

// ConflictError is a fact that contradicts another: a stored one (another batch stated a
// different value for a single-valued field) or another record of the same load. It is the
// typed cause of a conflict Problem (Problem.Err); errors.Is(err, ErrConflict) holds for it.
type ConflictError struct {
	Type  NodeType // the type of the node the fact is about
	ID    string   // the node, as a short id ("source/mead-2009")
	Field string   // the field whose values differ
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("conflict: %s %s differs", e.ID, e.Field)
}

// Is makes errors.Is(err, ErrConflict) true for a *ConflictError.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Problem is one thing wrong with an input: where it is and why it is rejected.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Err is the typed cause when there is one (a *ConflictError for a conflicting fact), for
	// errors.As; the Message says the same to people.
	Err error `json:"-"`
}

// String renders the problem as "file:line:col: field: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists every problem found in an input. errors.Is(err, ErrInvalid) holds for it.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	switch len(e.Problems) {
	case 0:
		return "invalid input"
	case 1:
		return "invalid input: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid input: %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true for a *ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Problems collects problems while an input is checked.
type Problems []Problem

// Addf records a problem.
func (ps *Problems) Addf(file string, line, col int, field, format string, args ...any) {
	*ps = append(*ps, Problem{File: file, Line: line, Column: col, Field: field, Message: fmt.Sprintf(format, args...)})
}

// AddConflict records a conflicting fact: the message for people, c as its typed cause
// (Problem.Err). field is where the fact stands in the input (a column, a record's field).
func (ps *Problems) AddConflict(file string, line, col int, field string, c *ConflictError, format string, args ...any) {
	ps.Addf(file, line, col, field, format, args...)
	(*ps)[len(*ps)-1].Err = c
}

// Sorted returns the problems ordered by file, line and column.
func (ps Problems) Sorted() Problems {
	out := append(Problems(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return out
}

// Err returns a *ValidationError when problems were recorded, else nil.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: append([]Problem(nil), ps...)}
}
