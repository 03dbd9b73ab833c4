package hclconfig

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/internal/goldenfile"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/pipeline"
)

// fixtures returns the pipeline files in dir, HCL and JSON.
func fixtures(t *testing.T, dir string) []string {
	t.Helper()
	hclFiles, _ := filepath.Glob(filepath.Join(dir, "*.hcl"))
	jsonFiles, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	files := append(hclFiles, jsonFiles...)
	if len(files) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	return files
}

// loaderFor builds the loader a fixture wants. A file NAME.args beside the
// fixture holds its command line, one setting a line:
//
//	var name=value
//	var-file testdata/vars/x.hcl
//	env RUNJOB_VAR_name=value
func loaderFor(t *testing.T, file string) *Loader {
	t.Helper()
	vars := map[string]string{}
	var varFiles, environ []string
	f, err := os.Open(strings.TrimSuffix(file, filepath.Ext(file)) + ".args")
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			kind, arg, _ := strings.Cut(sc.Text(), " ")
			switch kind {
			case "var":
				k, v, _ := strings.Cut(arg, "=")
				vars[k] = v
			case "var-file":
				varFiles = append(varFiles, arg)
			case "env":
				environ = append(environ, arg)
			case "", "#":
			default:
				t.Fatalf("%s.args: unknown setting %q", file, kind)
			}
		}
	}
	return New(WithVars(vars), WithVarFiles(varFiles...), WithEnviron(environ))
}

// TestInvalidPipelines loads every testdata/invalid fixture and compares the
// rendered diagnostics, as the CLI prints them, with the .golden beside it.
func TestInvalidPipelines(t *testing.T) {
	for _, file := range fixtures(t, "testdata/invalid") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			l := loaderFor(t, file)
			g, diags := l.Load(file)
			if g != nil || !diags.HasErrors() {
				t.Fatalf("loaded without errors")
			}
			var buf bytes.Buffer
			l.WriteDiagnostics(&buf, diags)
			golden(t, strings.TrimSuffix(file, filepath.Ext(file))+".golden", buf.Bytes())
			for _, d := range diags {
				if d.Subject == nil && !strings.Contains(d.Detail, "--var") {
					t.Errorf("diagnostic without a position: %s: %s", d.Summary, d.Detail)
				}
				if d.Summary == "" || d.Detail == "" {
					t.Errorf("diagnostic without summary or detail: %+v", d)
				}
			}
		})
	}
}

// TestValidPipelines loads every testdata/valid fixture and compares the
// model it produced (and any warnings) with the .golden beside it.
func TestValidPipelines(t *testing.T) {
	for _, file := range fixtures(t, "testdata/valid") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			l := loaderFor(t, file)
			g, diags := l.Load(file)
			var buf bytes.Buffer
			l.WriteDiagnostics(&buf, diags)
			if diags.HasErrors() {
				t.Fatalf("errors:\n%s", buf.String())
			}
			buf.WriteString(dump(t, g.Pipeline()))
			golden(t, strings.TrimSuffix(file, filepath.Ext(file))+".golden", buf.Bytes())
		})
	}
}

// dump renders a model as indented JSON without positions and zero
// fields, with absolute paths of this checkout shown as $PWD.
func dump(t *testing.T, p *pipeline.Pipeline) string {
	t.Helper()
	cp := *p
	cp.File = ""
	b, err := json.Marshal(&cp)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	b, err = json.MarshalIndent(prune(v), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	return strings.ReplaceAll(string(b), wd, "$PWD") + "\n"
}

// prune drops positions and zero values from decoded JSON.
func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			e = prune(e)
			if k == "Pos" || k == "WhenPos" || e == nil || e == "" || e == 0.0 || e == false {
				delete(v, k)
				continue
			}
			if m, ok := e.(map[string]any); ok && len(m) == 0 {
				delete(v, k)
				continue
			}
			v[k] = e
		}
		return v
	case []any:
		if len(v) == 0 {
			return nil
		}
		for i := range v {
			v[i] = prune(v[i])
		}
	}
	return v
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	goldenfile.Check(t, path, got)
}

// Every fixture with a JSON twin loads to the same model as its HCL form.
func TestJSONTwinsAgree(t *testing.T) {
	twins, _ := filepath.Glob("testdata/valid/*.json")
	if len(twins) == 0 {
		t.Fatalf("twins: %v", twins)
	}
	for _, jsonFile := range twins {
		hclFile := strings.TrimSuffix(jsonFile, ".json") + ".hcl"
		t.Run(filepath.Base(hclFile), func(t *testing.T) {
			load := func(file string) string {
				g, diags := loaderFor(t, file).Load(file)
				if diags.HasErrors() {
					t.Fatalf("%s: %s", file, diags)
				}
				return dump(t, g.Pipeline())
			}
			if h, j := load(hclFile), load(jsonFile); h != j {
				t.Errorf("models differ:\n--- %s\n%s\n--- %s\n%s", hclFile, h, jsonFile, j)
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

// errorsOf loads src (written to a temp file) and returns its rendered
// diagnostics.
func errorsOf(t *testing.T, src string, opts ...Option) (string, hcl.Diagnostics) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	l := New(append([]Option{WithEnviron(nil)}, opts...)...)
	_, diags := l.Load(path)
	var buf bytes.Buffer
	l.WriteDiagnostics(&buf, diags)
	return buf.String(), diags
}
