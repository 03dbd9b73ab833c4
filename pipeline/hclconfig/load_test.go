package hclconfig

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestInvalidPipelines loads every testdata/invalid/*.hcl and compares the
// rendered diagnostics, as the CLI prints them, with the .golden beside it.
func TestInvalidPipelines(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.hcl")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".hcl"), func(t *testing.T) {
			l := New()
			g, diags := l.Load(file)
			if g != nil || !diags.HasErrors() {
				t.Fatalf("loaded without errors")
			}
			var buf bytes.Buffer
			l.WriteDiagnostics(&buf, diags)
			golden(t, strings.TrimSuffix(file, ".hcl")+".golden", buf.Bytes())
			// Every error points at file:line:col.
			if !strings.HasPrefix(buf.String(), file+":") && !strings.Contains(buf.String(), "Undeclared") {
				t.Errorf("diagnostics do not start with %s:line:col:\n%s", file, buf.String())
			}
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestValidPipelineHCLAndJSONAgree(t *testing.T) {
	for _, file := range []string{"testdata/valid/full.hcl", "testdata/valid/full.json"} {
		t.Run(filepath.Ext(file), func(t *testing.T) {
			g, diags := New(WithVars(map[string]string{"count": "5"})).Load(file)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			p := g.Pipeline()
			if p.Name != "full" || p.Dir != "testdata/valid" || g.Len() != 2 {
				t.Fatalf("pipeline = %+v", p)
			}
			build := p.Step("build")
			wantCmd := []string{"sh", "-c", "mkdir -p /out && echo hello > /out/result.txt && echo ${HOME}"}
			if !slices.Equal(build.Command, wantCmd) {
				t.Errorf("command = %q, want %q", build.Command, wantCmd)
			}
			if build.Env["GREETING"] != "hello" || build.Env["COUNT"] != "5" || build.Workdir != "/tmp" {
				t.Errorf("env = %v workdir = %q", build.Env, build.Workdir)
			}
			if len(build.Artifacts) != 1 || build.Artifacts[0].Path != "/out" || build.Artifacts[0].Name != "out" {
				t.Errorf("artifacts = %+v", build.Artifacts)
			}
			test := p.Step("test")
			if len(test.DependsOn) != 1 || test.DependsOn[0].Step != "build" || test.DependsOn[0].Pos.Line == 0 {
				t.Errorf("depends_on = %+v", test.DependsOn)
			}
		})
	}
}

func TestVarErrors(t *testing.T) {
	cases := map[string]struct {
		vars map[string]string
		want string
	}{
		"undeclared with suggestion": {map[string]string{"greting": "x"}, `declares no variable "greting". Did you mean "greeting"?`},
		"wrong type":                 {map[string]string{"count": "many"}, `--var count="many"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			l := New(WithVars(tc.vars))
			_, diags := l.Load("testdata/valid/full.hcl")
			var buf bytes.Buffer
			l.WriteDiagnostics(&buf, diags)
			if !diags.HasErrors() || !strings.Contains(buf.String(), tc.want) {
				t.Fatalf("diagnostics:\n%s\nwant to contain %q", buf.String(), tc.want)
			}
		})
	}
}

func TestUnreadableFileNamesIt(t *testing.T) {
	l := New()
	_, diags := l.Load("testdata/does-not-exist.hcl")
	var buf bytes.Buffer
	l.WriteDiagnostics(&buf, diags)
	if !strings.Contains(buf.String(), "testdata/does-not-exist.hcl") {
		t.Fatalf("diagnostic does not name the file:\n%s", buf.String())
	}
}
