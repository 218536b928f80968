package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parcelguard/parcelguard/api"
)

// testTokens are the API tokens every test engine accepts, by name. The
// engine is configured with their hashes only, as in production.
var testTokens = map[string]struct {
	token    string
	roles    []string
	operator string
}{
	"monitor":  {"pg_test_monitor_token_0000000000000000", []string{api.RoleMonitor}, ""},
	"officer":  {"pg_test_officer_token_0000000000000000", []string{api.RoleOfficer}, ""},
	"analyst":  {"pg_test_analyst_token_0000000000000000", []string{api.RoleAnalyst}, ""},
	"operator": {"pg_test_operator_token_000000000000000", []string{api.RoleOperator}, "TEST-POST"},
	"admin":    {"pg_test_admin_token_00000000000000000000", []string{api.RoleAdmin}, ""},
	"web":      {"pg_test_web_token_0000000000000000000000", []string{api.RoleOfficer, api.RoleAnalyst}, ""},
}

// token returns the bearer token of a test identity.
func token(name string) string { return testTokens[name].token }

// writeTokensFile writes the hashed tokens as an api.tokens_file.
func writeTokensFile(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	for name, t := range testTokens {
		fmt.Fprintf(&b, "- name: %s\n  hash: %s\n  roles: [%s]\n", name, api.HashToken(t.token), strings.Join(t.roles, ", "))
		if t.operator != "" {
			fmt.Fprintf(&b, "  operator: %s\n", t.operator)
		}
	}
	p := filepath.Join(tb.TempDir(), "tokens.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}
