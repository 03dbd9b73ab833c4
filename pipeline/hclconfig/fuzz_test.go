package hclconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader, as HCL and as JSON. It must
// never panic or hang, and an input it rejects must come with an error
// diagnostic that renders.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/*/*.hcl", "testdata/*/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src, filepath.Ext(file) == ".json")
		}
	}
	f.Add([]byte(`step "a" { image = "x" }`), false)
	f.Add([]byte(`{"step": {"a": {"image": "x"}}}`), true)
	f.Fuzz(func(t *testing.T, src []byte, json bool) {
		name := "testdata/fuzz.hcl"
		if json {
			name = "testdata/fuzz.json"
		}
		l := New(WithEnviron([]string{"RUNJOB_VAR_count=3"}))
		g, diags := l.LoadSource(name, src)
		if g == nil && !diags.HasErrors() {
			t.Fatal("no graph and no error")
		}
		var buf bytes.Buffer
		l.WriteDiagnostics(&buf, diags)
		if g != nil {
			if len(g.Order()) != g.Len() {
				t.Fatal("order misses steps of a valid graph")
			}
		}
	})
}
