package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/runjob/runjob/pipeline/hclconfig"
)

var fence = regexp.MustCompile("(?s)```(hcl|json)\n(.*?)```")

// Every ```hcl example, and every ```json example that is a pipeline (a
// top-level "step" object; other JSON blocks document report.json and the
// like), loads without errors, so the manual cannot drift from the loader.
func TestReadmeExamplesLoad(t *testing.T) {
	blocks := fence.FindAllStringSubmatch(manual(t), -1)
	if len(blocks) < 6 {
		t.Fatalf("found %d examples", len(blocks))
	}
	dir := t.TempDir()
	for i, b := range blocks {
		if b[1] == "json" && !isPipelineJSON(b[2]) {
			continue
		}
		name := filepath.Join(dir, "example"+strings.Repeat("_", i)+"."+b[1])
		l := hclconfig.New(hclconfig.WithEnviron(nil))
		if _, diags := l.LoadSource(name, []byte(b[2])); diags.HasErrors() {
			var out strings.Builder
			l.WriteDiagnostics(&out, diags)
			t.Errorf("manual example %d (%s) does not load:\n%s\n%s", i+1, b[1], b[2], out.String())
		}
	}
}

func isPipelineJSON(src string) bool {
	var top map[string]json.RawMessage
	return json.Unmarshal([]byte(src), &top) == nil && top["step"] != nil
}

// manualFiles are the README and the pages of docs/.
func manualFiles(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob("../../docs/*.md")
	if err != nil || len(pages) < 5 {
		t.Fatalf("docs/: %v %v", pages, err)
	}
	return append([]string{"../../README.md"}, pages...)
}

// manual is the text of the README and every page of docs/, one after
// the other.
func manual(t *testing.T) string {
	t.Helper()
	var all strings.Builder
	for _, f := range manualFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
		all.WriteString("\n")
	}
	return all.String()
}
