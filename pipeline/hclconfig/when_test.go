package hclconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/pipeline"
)

// loadStep loads src from a file named name and returns its step "s".
func loadStep(t *testing.T, name, src string, opts ...Option) *pipeline.Step {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	l := New(append([]Option{WithEnviron(nil)}, opts...)...)
	g, diags := l.Load(path)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", name, diags)
	}
	return g.Pipeline().Step("s")
}

func TestWhenDecodesWordsAndBools(t *testing.T) {
	cases := []struct {
		when string
		cond pipeline.Condition
		skip bool
	}{
		{`"on_success"`, pipeline.WhenOnSuccess, false},
		{`"on_failure"`, pipeline.WhenOnFailure, false},
		{`"always"`, pipeline.WhenAlways, false},
		{`true`, "", false},
		{`false`, "", true},
		{`"false"`, "", true},
		{`"true"`, "", false},
		{`var.w`, pipeline.WhenAlways, false},
		{`var.w == "always" ? "on_failure" : "always"`, pipeline.WhenOnFailure, false},
	}
	for _, c := range cases {
		src := `variable "w" { default = "always" }
step "b" { image = "busybox:latest" }
step "s" {
  image      = "busybox:latest"
  depends_on = [step.b]
  when       = ` + c.when + `
}`
		s := loadStep(t, "p.hcl", src)
		if s.When != c.cond || s.Skip != c.skip {
			t.Errorf("when = %s: When %q, Skip %v; want %q, %v", c.when, s.When, s.Skip, c.cond, c.skip)
		}
		if s.WhenPos.Line != 6 || s.WhenPos.Column != 16 {
			t.Errorf("when = %s: WhenPos = %s, want line 6 column 16", c.when, s.WhenPos)
		}
	}
}

func TestWhenInJSONSyntax(t *testing.T) {
	s := loadStep(t, "p.json", `{
  "step": {
    "b": {"image": "busybox:latest"},
    "s": {"image": "busybox:latest", "depends_on": ["step.b"], "when": "on_failure"}
  }
}`)
	if s.When != pipeline.WhenOnFailure {
		t.Fatalf("When = %q", s.When)
	}
}

// A condition may come from a variable on the command line, and a
// reference to the failing step is a dependency, which on_failure needs.
func TestWhenFromVarAndReferencedDependency(t *testing.T) {
	src := `variable "notify_when" { default = "on_success" }
step "b" {
  image = "busybox:latest"
  artifact "log" { path = "/log" }
}
step "s" {
  image = "busybox:latest"
  when  = var.notify_when
  input "log" {
    from = step.b.artifact.log
    to   = "/log"
  }
}`
	if s := loadStep(t, "p.hcl", src, WithVars(map[string]string{"notify_when": "on_failure"})); s.When != pipeline.WhenOnFailure {
		t.Fatalf("When = %q", s.When)
	}
}

func TestWhenDiagnostics(t *testing.T) {
	out, _ := errorsOf(t, `step "s" {
  image = "busybox:latest"
  when  = "never"
}`)
	if !strings.Contains(out, `p.hcl:3:11: Error: Invalid step condition`) ||
		!strings.Contains(out, `when = "never": want "on_success", "on_failure", "always", true or false.`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
	out, _ = errorsOf(t, `step "s" {
  image = "busybox:latest"
  when  = "on_failure"
}`)
	if !strings.Contains(out, `p.hcl:3:11: Error: Step never runs`) || !strings.Contains(out, `it has none`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
}
