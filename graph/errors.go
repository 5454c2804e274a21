package graph

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Errors returned (wrapped) by the store. Callers test them with errors.Is; the GraphQL layer maps
// them to extensions.code (NOT_FOUND, BAD_USER_INPUT, CONFLICT, FORBIDDEN).
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
)

// Problem is one thing wrong with an input: where it is and why it is rejected.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
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
