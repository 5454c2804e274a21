package main

import (
	"fmt"
	"io"
	"strings"

	"kring/resolvers"
)

func cmdToken(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("token", "token new --name NAME --role curator|admin", stderr)
	name := fs.String("name", "", "who the token is for")
	role := fs.String("role", "curator", "curator or admin")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "new" || *name == "" || strings.ContainsAny(*name, " \t") {
		fs.Usage()
		return &exitError{code: 2, msg: "kring token: say `new --name NAME --role ROLE` (a name without spaces)"}
	}
	r := resolvers.Role(strings.ToUpper(*role))
	if !r.IsValid() {
		return &exitError{code: 2, msg: fmt.Sprintf("kring token: %q is not a role (curator or admin)", *role)}
	}
	tok, err := resolvers.NewToken()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token (give it to %s; it is not stored anywhere):\n  %s\nline for the tokens file (KRING_TOKENS_FILE):\n  %s %s %s\n", *name, tok, *name, r, resolvers.HashToken(tok))
	return nil
}
