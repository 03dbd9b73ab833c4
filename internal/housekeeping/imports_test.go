package housekeeping

import (
	"go/build"
	"strings"
	"testing"
)

// Housekeeping talks to engines through executor.Inventory only, and
// knows nothing of the console or inspect views.
func TestImportsNoEngineAndNoSiblings(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		for _, banned := range []string{"executor/docker", "moby", "internal/console", "internal/inspect", "internal/session"} {
			if strings.Contains(imp, banned) {
				t.Errorf("housekeeping imports %s", imp)
			}
		}
	}
}
