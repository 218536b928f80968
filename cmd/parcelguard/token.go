package main

import (
	"bufio"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/parcelguard/parcelguard/api"
)

// token makes API tokens: the token is printed once, for the user; the
// configuration holds only its hash.
func (m *Main) token(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, "Usage: parcelguard token new -name NAME -roles officer,analyst [-operator CODE]\n       parcelguard token hash < token.txt\n")
		return errUsage
	}
	switch args[0] {
	case "new":
		fs := m.newFlags("token new", "token new -name NAME -roles ROLE[,ROLE] [-operator CODE]")
		name := fs.String("name", "", "who or what uses the token; it appears in the audit log")
		roles := fs.String("roles", "", "comma-separated: officer, analyst, operator, admin, monitor")
		operator := fs.String("operator", "", "the operator code an operator-role token sends for")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		var rs []string
		for _, r := range strings.Split(*roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				rs = append(rs, r)
			}
		}
		tok := api.NewToken()
		entry := TokenConfig{Name: *name, Hash: api.HashToken(tok), Roles: rs, Operator: *operator}
		if err := api.CheckToken(api.Token{Name: entry.Name, Hash: entry.Hash, Roles: entry.Roles, Operator: entry.Operator}); err != nil {
			fmt.Fprintln(m.Stderr, "parcelguard token new:", err)
			return errUsage
		}
		out, err := yaml.Marshal([]TokenConfig{entry})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "The token (give it to %s; it is shown only now):\n", *name)
		fmt.Fprintln(m.Stdout, tok)
		fmt.Fprintf(m.Stderr, "Its entry for api.tokens (or the api.tokens_file list):\n%s", out)
		return nil
	case "hash":
		sc := bufio.NewScanner(m.Stdin)
		if !sc.Scan() || strings.TrimSpace(sc.Text()) == "" {
			fmt.Fprintln(m.Stderr, "parcelguard token hash: give the token on stdin")
			return errUsage
		}
		fmt.Fprintln(m.Stdout, api.HashToken(strings.TrimSpace(sc.Text())))
		return nil
	}
	fmt.Fprintf(m.Stderr, "parcelguard token: unknown subcommand %q: use new or hash\n", args[0])
	return errUsage
}
