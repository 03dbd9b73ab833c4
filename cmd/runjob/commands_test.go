package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/goldenfile"
)

const planSecret = "tok-7f3a9c-secret"

// cli runs the real command line in-process and returns its exit code and
// outputs.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// The plan commands print the pipeline without an engine: the engine
// address is unusable, and they still succeed. The sensitive token never
// shows.
func TestPlanOutputs(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	t.Setenv("GITHUB_ACTIONS", "")
	file := filepath.Join("testdata", "plan.hcl")
	cases := map[string][]string{
		"list":          {"list", file, "--var", "token=" + planSecret},
		"graph.dot":     {"graph", file, "--var", "token=" + planSecret},
		"graph.mermaid": {"graph", file, "--format", "mermaid", "--var", "token=" + planSecret},
		"graph.json":    {"graph", file, "--format", "json", "--var", "token=" + planSecret},
		"dry-run":       {file, "--dry-run", "--var", "token=" + planSecret},
		"dry-run-only":  {file, "--dry-run", "--only", "test[1.23]", "--var", "token=" + planSecret},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := cli(t, args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if strings.Contains(stdout+stderr, planSecret) {
				t.Fatalf("the sensitive value was printed:\n%s", stdout)
			}
			golden(t, filepath.Join("testdata", "plan."+name+".golden"), stdout)
		})
	}
}

func TestOnlyUnknownStepSuggests(t *testing.T) {
	code, _, stderr := cli(t, filepath.Join("testdata", "plan.hcl"), "--dry-run", "--only", "tset", "--var", "token=x")
	if code != exitCodes[errkind.Usage] || !strings.Contains(stderr, `no step "tset" in the pipeline (did you mean "test"?)`) {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
}

func TestValidateJSON(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.hcl")
	src := "variable \"v\" {}\nstep \"a\" {\n  image = \"busybox\"\n  comand = [\"x\"]\n}\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := cli(t, "validate", p, "--json")
	if code != exitCodes[errkind.Usage] {
		t.Fatalf("exit %d", code)
	}
	var out struct {
		Valid        bool `json:"valid"`
		ErrorCount   int  `json:"error_count"`
		WarningCount int  `json:"warning_count"`
		Diagnostics  []struct {
			Severity, Summary, Detail string
			Range                     struct {
				Filename   string
				Start, End struct{ Line, Column, Byte int }
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if out.Valid || out.ErrorCount != 2 || out.WarningCount != 0 || len(out.Diagnostics) != 2 {
		t.Fatalf("result = %+v", out)
	}
	d := out.Diagnostics[1]
	if d.Severity != "error" || d.Summary != "Unsupported argument" || !strings.Contains(d.Detail, `Did you mean "command"?`) ||
		d.Range.Filename != p || d.Range.Start.Line != 4 || d.Range.Start.Column != 3 || d.Range.Start.Byte == 0 || d.Range.End.Column <= 3 {
		t.Errorf("second diagnostic = %+v", d)
	}
	if out.Diagnostics[0].Summary != "No value for variable" {
		t.Errorf("first diagnostic = %+v", out.Diagnostics[0])
	}
	code, stdout, _ = cli(t, "validate", filepath.Join("testdata", "plan.hcl"), "--json", "--var", "token="+planSecret)
	if code != 0 || !strings.Contains(stdout, `"valid": true`) || !strings.Contains(stdout, `"diagnostics": []`) {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
}

func TestGitHubAnnotations(t *testing.T) {
	t.Setenv("GITHUB_ACTIONS", "true")
	p := filepath.Join(t.TempDir(), "p.hcl")
	if err := os.WriteFile(p, []byte("step \"a\" {\n  image = \"busybox\"\n  command = [\"echo ${USER}\"]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := cli(t, "validate", p)
	want := "::error file=" + p + ",line=3,col=22,endLine=3,endColumn=26,title=Unknown reference USER::Unknown reference USER: ${USER} is HCL interpolation"
	if code != exitCodes[errkind.Usage] || !strings.Contains(stderr, want) {
		t.Fatalf("exit %d, stderr lacks %q:\n%s", code, want, stderr)
	}
}

func TestFmt(t *testing.T) {
	dir := t.TempDir()
	messy := filepath.Join(dir, "messy.hcl")
	tidy := filepath.Join(dir, "tidy.hcl")
	broken := filepath.Join(dir, "broken.hcl")
	write := func(path, src string) {
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(messy, "step \"a\" {\nimage=\"busybox\"\n    command = [\"echo\"]\n}\n")
	write(tidy, "step \"a\" {\n  image = \"busybox\"\n}\n")
	write(broken, "step \"a\" {\n")

	code, stdout, _ := cli(t, "fmt", "--check", messy, tidy)
	if code != exitCodes[errkind.Failed] || stdout != messy+"\n" {
		t.Fatalf("--check: exit %d, stdout %q", code, stdout)
	}
	if b, _ := os.ReadFile(messy); !strings.Contains(string(b), "image=\"busybox\"") {
		t.Fatal("--check changed the file")
	}
	code, stdout, _ = cli(t, "fmt", messy, tidy)
	if code != 0 || stdout != messy+"\n" {
		t.Fatalf("fmt: exit %d, stdout %q", code, stdout)
	}
	want := "step \"a\" {\n  image   = \"busybox\"\n  command = [\"echo\"]\n}\n"
	if b, _ := os.ReadFile(messy); string(b) != want {
		t.Fatalf("formatted:\n%s\nwant:\n%s", b, want)
	}
	if fi, _ := os.Stat(messy); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode changed to %v", fi.Mode())
	}
	if code, stdout, _ = cli(t, "fmt", "--check", messy, tidy); code != 0 || stdout != "" {
		t.Fatalf("after fmt, --check: exit %d, stdout %q", code, stdout)
	}
	code, _, stderr := cli(t, "fmt", broken, tidy)
	if code != exitCodes[errkind.Usage] || !strings.Contains(stderr, broken+":1,") {
		t.Fatalf("broken: exit %d\n%s", code, stderr)
	}
	// Every example is formatted.
	examples, _ := filepath.Glob("../../examples/*.hcl")
	if code, stdout, _ = cli(t, append([]string{"fmt", "--check"}, examples...)...); code != 0 {
		t.Fatalf("examples need fmt:\n%s", stdout)
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	goldenfile.Check(t, path, []byte(got))
}
