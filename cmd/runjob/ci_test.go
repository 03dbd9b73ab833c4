package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// action is the part of action.yml the tests check.
type action struct {
	Inputs map[string]struct {
		Required bool   `yaml:"required"`
		Default  string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID    string            `yaml:"id"`
			If    string            `yaml:"if"`
			Uses  string            `yaml:"uses"`
			Shell string            `yaml:"shell"`
			Env   map[string]string `yaml:"env"`
			Run   string            `yaml:"run"`
			With  map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) action {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

func TestActionIsACompositeThatUploadsTheRecord(t *testing.T) {
	a := readAction(t)
	if a.Runs.Using != "composite" || !a.Inputs["pipeline"].Required {
		t.Fatalf("action.yml: using %q, pipeline input %+v", a.Runs.Using, a.Inputs["pipeline"])
	}
	for _, in := range []string{"vars", "args", "junit"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("action.yml has no input %q", in)
		}
	}
	uses := map[string]int{}
	for _, s := range a.Runs.Steps {
		if s.Run != "" && s.Shell != "bash" {
			t.Errorf("step %q: a composite run step needs shell: bash, has %q", s.ID, s.Shell)
		}
		if s.Uses != "" {
			uses[strings.Split(s.Uses, "@")[0]]++
			if s.Uses == "actions/upload-artifact@v4" && !strings.HasPrefix(s.If, "always()") {
				t.Errorf("upload step runs only on success: if = %q", s.If)
			}
		}
	}
	if uses["actions/setup-go"] != 1 || uses["actions/upload-artifact"] != 2 {
		t.Errorf("action.yml uses %v: want setup-go once and upload-artifact twice (record, junit)", uses)
	}
}

// script returns the run script of the action's step id and its env, with
// ${{ inputs.X }} replaced from inputs and ${{ github.action_path }} by the
// repository root; the other expressions (steps' outputs) from outputs.
func script(t *testing.T, a action, id string, inputs, outputs map[string]string) (string, []string) {
	t.Helper()
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	expr := regexp.MustCompile(`\$\{\{\s*([^}]+?)\s*\}\}`)
	for _, s := range a.Runs.Steps {
		if s.ID != id {
			continue
		}
		var env []string
		for k, v := range s.Env {
			v = expr.ReplaceAllStringFunc(v, func(m string) string {
				e := expr.FindStringSubmatch(m)[1]
				switch {
				case strings.HasPrefix(e, "inputs."):
					name := strings.TrimPrefix(e, "inputs.")
					if v, ok := inputs[name]; ok {
						return v
					}
					return a.Inputs[name].Default
				case e == "github.action_path":
					return root
				}
				if v, ok := outputs[e]; ok {
					return v
				}
				t.Fatalf("step %s: unknown expression %s", id, e)
				return ""
			})
			env = append(env, k+"="+v)
		}
		return s.Run, env
	}
	t.Fatalf("action.yml has no step %q", id)
	return "", nil
}

// runStep runs a step's script as GitHub runs a bash step, with runjob on
// PATH, and returns its exit code, its output and what it wrote to
// $GITHUB_OUTPUT.
func runStep(t *testing.T, dir, src string, env []string) (int, string, map[string]string) {
	t.Helper()
	out := filepath.Join(dir, "github_output")
	_ = os.WriteFile(out, nil, 0o644)
	f := filepath.Join(dir, "step.sh")
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", f)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(env, "GITHUB_OUTPUT="+out, "RUNNER_TEMP="+dir,
		"PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))...)
	b, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	lines, _ := os.ReadFile(out)
	for _, l := range strings.Split(strings.TrimSpace(string(lines)), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			got[k] = v
		}
	}
	return code, string(b), got
}

func TestActionScriptsRunAPipeline(t *testing.T) {
	dockertest.Engine(t)
	a := readAction(t)
	for name, tc := range map[string]struct {
		src, vars string
		code      string
	}{
		"ok": {src: `variable "greeting" {}
step "hello" {
  image   = "busybox:latest"
  command = ["echo", "${var.greeting} world"]
}
`, vars: "  greeting=hello  \n\n", code: "0"},
		"failed": {src: `step "bad" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo broken; exit 3"]
}
`, code: "1"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "ci"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "ci", "pipeline.hcl"), []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			inputs := map[string]string{"pipeline": "ci/pipeline.hcl", "vars": tc.vars, "args": "-j 1  --stop-timeout 2s"}
			locate, env := script(t, a, "locate", inputs, nil)
			if code, out, got := runStep(t, dir, locate, env); code != 0 || got["found"] != "true" {
				t.Fatalf("locate: exit %d, outputs %v:\n%s", code, got, out)
			}
			run, env := script(t, a, "run", inputs, nil)
			code, out, got := runStep(t, dir, run, env)
			if m := runIDPattern.FindStringSubmatch(out); m != nil {
				dockertest.NoLeftovers(t, dockertest.Engine(t), m[1])
			}
			if code != 0 || got["exit-code"] != tc.code {
				t.Fatalf("run step: exit %d, outputs %v (want exit-code %s):\n%s", code, got, tc.code, out)
			}
			if !strings.Contains(out, "::group::") {
				t.Errorf("not --log-format github:\n%s", out)
			}
			if name == "ok" && !strings.Contains(out, "hello world") {
				t.Errorf("the var did not reach the step:\n%s", out)
			}
			if _, err := os.Stat(filepath.Join(got["record"], "report.json")); err != nil || !filepath.IsAbs(got["record"]) {
				t.Errorf("record %q: %v", got["record"], err)
			}
			if b, err := os.ReadFile(filepath.Join(dir, got["junit"])); err != nil || !strings.Contains(string(b), "<testsuite") {
				t.Errorf("junit %q: %v", got["junit"], err)
			}
			result, env := script(t, a, "result", inputs, map[string]string{"steps.run.outputs.exit-code": got["exit-code"]})
			if code, out, _ := runStep(t, dir, result, env); got["exit-code"] != strconv.Itoa(code) {
				t.Errorf("result step: exit %d, want %s:\n%s", code, got["exit-code"], out)
			}
		})
	}
}

// The GitLab example wires --junit to GitLab's test report, kept also
// when the job fails.
func TestGitLabExampleReportsJUnit(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "ci", "gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var jobs map[string]struct {
		Script    []string `yaml:"script"`
		Artifacts struct {
			When    string   `yaml:"when"`
			Paths   []string `yaml:"paths"`
			Reports struct {
				JUnit string `yaml:"junit"`
			} `yaml:"reports"`
		} `yaml:"artifacts"`
	}
	if err := yaml.Unmarshal(b, &jobs); err != nil {
		t.Fatalf("docs/ci/gitlab-ci.yml: %v", err)
	}
	job, ok := jobs["runjob"]
	if !ok {
		t.Fatalf("no job runjob in %v", jobs)
	}
	junit := job.Artifacts.Reports.JUnit
	var runs []string
	for _, line := range job.Script {
		if strings.HasPrefix(line, "runjob ") {
			runs = append(runs, line)
		}
	}
	if junit == "" || len(runs) != 1 || !strings.Contains(runs[0], "--junit "+junit+" ") {
		t.Errorf("reports: junit %q does not match the script's --junit: %q", junit, runs)
	}
	if job.Artifacts.When != "always" || !slices.Contains(job.Artifacts.Paths, ".runjob/runs/") {
		t.Errorf("artifacts: when %q, paths %v: want always, with .runjob/runs/", job.Artifacts.When, job.Artifacts.Paths)
	}
	if o, _, code, stderr := parse(t, strings.Fields(strings.TrimPrefix(runs[0], "runjob "))...); code != 0 || o == nil || o.JUnit != junit {
		t.Errorf("the example's runjob command does not parse: exit %d, %+v: %s", code, o, stderr)
	}
}
