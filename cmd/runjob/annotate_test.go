package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/internal/errkind"
)

// runjob run annotates load errors in GitHub Actions, as validate does.
func TestRunAnnotatesLoadErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.hcl")
	if err := os.WriteFile(p, []byte("step \"a\" {\n  image = \"busybox\"\n  command = [\"echo ${USER}\"]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	code, _, stderr := cli(t, p)
	if code != exitCodes[errkind.Usage] || !strings.Contains(stderr, "::error file="+p+",line=3") {
		t.Fatalf("exit %d, no annotation:\n%s", code, stderr)
	}
}
