package resolvers

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"kring/graph"
)

// Error codes in extensions.code.
const (
	CodeNotFound     = "NOT_FOUND"
	CodeBadUserInput = "BAD_USER_INPUT"
	CodeForbidden    = "FORBIDDEN"
	CodeConflict     = "CONFLICT"
	CodeInternal     = "INTERNAL"
	CodeTimeout      = "TIMEOUT"
	// CodeUnauthenticated: no bearer token where one is needed, or a token nobody issued.
	// CodeForbidden is for a known token whose role lacks the right.
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeUnavailable     = "UNAVAILABLE"
	CodeStorageFull     = "STORAGE_FULL"
)

var ourCodes = map[string]bool{
	CodeNotFound: true, CodeBadUserInput: true, CodeForbidden: true, CodeConflict: true, CodeInternal: true,
	CodeTimeout: true, CodeUnauthenticated: true, CodeUnavailable: true, CodeStorageFull: true,
}

// presenter is the one error boundary of the API: graph errors become coded GraphQL errors;
// anything unexpected is logged and shown only as "internal error".
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Errors gqlgen and gqlparser made themselves (parsing, validation, complexity) are
			// meant for clients: they are all bad input; their own code stays as the reason.
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			if c, ok := gqlErr.Extensions["code"].(string); ok && !ourCodes[c] {
				gqlErr.Extensions["reason"] = c
				gqlErr.Extensions["code"] = CodeBadUserInput
			} else if !ok {
				gqlErr.Extensions["code"] = CodeBadUserInput
			}
			return gqlErr
		}
		pres := graphql.DefaultErrorPresenter(ctx, err)
		cause := err
		if gqlErr != nil && gqlErr.Err != nil {
			cause = gqlErr.Err
		}
		code, msg := classify(cause)
		switch code {
		case CodeInternal:
			log.ErrorContext(ctx, "resolver failed", "path", pres.Path.String(), "err", cause)
		case CodeStorageFull, CodeUnavailable:
			log.ErrorContext(ctx, "storage failure", "path", pres.Path.String(), "code", code, "err", cause, "cause", errors.Unwrap(cause))
		}
		pres.Message = msg
		if pres.Extensions == nil {
			pres.Extensions = map[string]any{}
		}
		pres.Extensions["code"] = code
		return pres
	}
}

// classify maps an error to its code and the message a client may see.
func classify(err error) (code, msg string) {
	var ve *graph.ValidationError
	switch {
	case errors.As(err, &ve):
		return CodeBadUserInput, ve.Error()
	case errors.Is(err, graph.ErrNotFound):
		return CodeNotFound, clientMessage(err)
	case errors.Is(err, graph.ErrInvalid):
		return CodeBadUserInput, clientMessage(err)
	case errors.Is(err, graph.ErrConflict):
		return CodeConflict, clientMessage(err)
	case errors.Is(err, graph.ErrForbidden):
		return CodeForbidden, clientMessage(err)
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout, "the request took too long and was stopped"
	case errors.Is(err, graph.ErrStorageFull):
		return CodeStorageFull, storageMessage(err)
	case errors.Is(err, graph.ErrBusy): // another process writes to the shared store
		return CodeUnavailable, clientMessage(err)
	case errors.Is(err, graph.ErrUnavailable):
		return CodeUnavailable, storageMessage(err)
	}
	return CodeInternal, "internal error"
}

// storageMessage says what failed and why ("writing the search index: no space left on
// device"), without file names: the *graph.StorageError's own text.
func storageMessage(err error) string {
	var se *graph.StorageError
	if errors.As(err, &se) {
		return clientMessage(se)
	}
	return "the storage failed"
}

// clientMessage strips the package prefix from our own error strings.
func clientMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{"graph: ", "loaders: "} {
		if len(msg) > len(p) && msg[:len(p)] == p {
			msg = msg[len(p):]
		}
	}
	return msg
}

// recoverFunc turns a panic in a resolver into an INTERNAL error and logs it.
func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "resolver panicked", "panic", p)
		return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": CodeInternal}}
	}
}
