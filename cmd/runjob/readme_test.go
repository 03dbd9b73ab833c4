package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/runjob/runjob/pipeline/hclconfig"
)

var fence = regexp.MustCompile("(?s)```(hcl|json)\n(.*?)```")

// Every ```hcl and ```json example in the README is a pipeline that loads
// without errors, so the manual cannot drift from the loader.
func TestReadmeExamplesLoad(t *testing.T) {
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := fence.FindAllStringSubmatch(string(src), -1)
	if len(blocks) < 6 {
		t.Fatalf("found %d examples", len(blocks))
	}
	dir := t.TempDir()
	for i, b := range blocks {
		name := filepath.Join(dir, "example"+strings.Repeat("_", i)+"."+b[1])
		l := hclconfig.New(hclconfig.WithEnviron(nil))
		if _, diags := l.LoadSource(name, []byte(b[2])); diags.HasErrors() {
			var out strings.Builder
			l.WriteDiagnostics(&out, diags)
			t.Errorf("README example %d (%s) does not load:\n%s\n%s", i+1, b[1], b[2], out.String())
		}
	}
}
