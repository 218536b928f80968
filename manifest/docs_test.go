package manifest

import (
	"os"
	"strings"
	"testing"
)

// TestCodesDocumented keeps docs/manifest.md true: every code is listed.
func TestCodesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/manifest.md")
	if err != nil {
		t.Fatal(err)
	}
	for code := range Codes {
		if !strings.Contains(string(doc), "`"+code+"`") {
			t.Errorf("docs/manifest.md does not list code %s", code)
		}
	}
}
