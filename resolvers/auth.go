package resolvers

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"kring/graph"
)

// Token is an API token as configured: only its SHA-256 hash is kept.
type Token struct {
	Name string
	Role Role
	Hash [sha256.Size]byte
}

// Principal is the caller of a request.
type Principal struct {
	Name string
	Role Role
}

type principalKey struct{}

// PrincipalFrom returns the authenticated caller, or nil for an anonymous request.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// HashToken returns the hex SHA-256 of a token, as written in a tokens file.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewToken returns a fresh random token (256 bits, URL-safe).
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "kring_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// ParseTokens reads a tokens file: one token a line, "name role sha256-hex"; blank lines and
// lines starting with # are ignored. Plain tokens are never stored.
func ParseTokens(name string, r io.Reader) ([]Token, error) {
	var out []Token
	var ps graph.Problems
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 3 {
			ps.Addf(name, line, 0, "", "want \"name role sha256-hex\", got %d fields", len(f))
			continue
		}
		role := Role(strings.ToUpper(f[1]))
		if !role.IsValid() {
			ps.Addf(name, line, 0, "role", "%q is not a role (CURATOR or ADMIN)", f[1])
			continue
		}
		raw, err := hex.DecodeString(f[2])
		if err != nil || len(raw) != sha256.Size {
			ps.Addf(name, line, 0, "hash", "not a hex SHA-256 (make one with `kring token new`)")
			continue
		}
		t := Token{Name: f[0], Role: role}
		copy(t.Hash[:], raw)
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, ps.Err()
}

// authenticate resolves the bearer token of a request; every configured hash is compared in
// constant time, so timing tells nothing about which token nearly matched.
func authenticate(tokens []Token, header string) (*Principal, bool) {
	if header == "" {
		return nil, true
	}
	scheme, tok, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return nil, false
	}
	h := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	var found *Principal
	for _, t := range tokens {
		if subtle.ConstantTimeCompare(h[:], t.Hash[:]) == 1 && found == nil {
			found = &Principal{Name: t.Name, Role: t.Role}
		}
	}
	return found, found != nil
}

// unauthenticated answers 401 with a WWW-Authenticate challenge and code UNAUTHENTICATED, in
// the media type the request accepts.
func unauthenticated(w http.ResponseWriter, r *http.Request, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="kring"`)
	writeResult(w, responseMedia(r), http.StatusUnauthorized, &graphql.Response{Errors: gqlerror.List{{
		Message: msg, Extensions: map[string]any{"code": CodeUnauthenticated}}}}, false)
}

// responseMedia is the response media type for r (application/json when nothing fits).
func responseMedia(r *http.Request) string {
	if m := negotiate(r.Header.Values("Accept")); m != "" {
		return m
	}
	return mediaJSON
}

// hasRole implements the @hasRole directive.
func hasRole(ctx context.Context, _ any, next graphql.Resolver, roles []Role) (any, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		return nil, &gqlerror.Error{
			Message:    fmt.Sprintf("this operation needs a bearer token with role %s", joinRoles(roles)),
			Extensions: map[string]any{"code": CodeUnauthenticated},
		}
	}
	for _, r := range roles {
		if p.Role == r {
			return next(ctx)
		}
	}
	return nil, fmt.Errorf("token %q has role %s; this operation needs %s: %w", p.Name, p.Role, joinRoles(roles), graph.ErrForbidden)
}

func joinRoles(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, " or ")
}
