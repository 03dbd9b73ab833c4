package hclconfig

import (
	"strings"
	"testing"

	"github.com/runjob/runjob/pipeline"
)

// The pipeline's reuse is every step's default; a step may opt out, and a
// step the default cannot apply to loads, with the reason to show.
func TestReusePipelineDefaultAndOverride(t *testing.T) {
	p := loadAll(t, `pipeline { reuse = true }
service "db" { image = "postgres:16" }
step "build" { image = "busybox:latest" }
step "deploy" {
  image = "busybox:latest"
  reuse = false
}
step "itest" {
  image      = "busybox:latest"
  depends_on = [service.db]
}
step "deps" {
  image = "busybox:latest"
  cache "go" { path = "/go" }
}`)
	for name, want := range map[string]bool{"build": true, "deploy": false, "itest": true, "deps": true} {
		if got := p.Step(name).Reuse; got != want {
			t.Errorf("%s: Reuse = %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]string{"build": "", "deploy": "", "itest": "uses service db",
		"deps": "uses cache go, a read-write volume"} {
		if got := pipeline.ReuseBlocker(p.Step(name)); got != want {
			t.Errorf("%s: ReuseBlocker = %q, want %q", name, got, want)
		}
	}
	if !pipeline.Reusable(p.Step("build")) || pipeline.Reusable(p.Step("itest")) || pipeline.Reusable(p.Step("deploy")) {
		t.Error("Reusable disagrees with Reuse and ReuseBlocker")
	}
	if s := loadStep(t, "p.hcl", `step "s" { image = "busybox:latest" }`); s.Reuse {
		t.Error("a step is reused without anyone asking")
	}
}

func TestReuseDiagnostics(t *testing.T) {
	out, _ := errorsOf(t, `step "s" {
  image = "busybox:latest"
  reuse = "sometimes"
}`)
	if !strings.Contains(out, `p.hcl:3:11: Error: Invalid value`) || !strings.Contains(out, "reuse must be bool") {
		t.Fatalf("diagnostics:\n%s", out)
	}
	out, _ = errorsOf(t, `pipeline { reuse = 3 }
step "s" { image = "busybox:latest" }`)
	if !strings.Contains(out, `p.hcl:1:20: Error: Invalid value`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
}

// A step that asks for reuse itself but cannot have it is an error at its
// attribute, once per block; a read-only mount does not block it.
func TestReuseRefusedOnTheStep(t *testing.T) {
	out, diags := errorsOf(t, `service "db" { image = "postgres:16" }
step "s" {
  for_each   = toset(["a", "b"])
  image      = "busybox:latest"
  reuse      = true
  depends_on = [service.db]
}`)
	if !strings.Contains(out, `p.hcl:5:16: Error: Step cannot be reused`) ||
		!strings.Contains(out, `uses service db, so what it does depends on more than its key`) || len(diags) != 1 {
		t.Fatalf("%d diagnostics:\n%s", len(diags), out)
	}
	out, _ = errorsOf(t, `step "s" {
  image = "busybox:latest"
  reuse = true
  mount {
    source = "."
    target = "/src"
  }
}`)
	if !strings.Contains(out, `p.hcl:3:11: Error: Step cannot be reused`) || !strings.Contains(out, "read-write") {
		t.Fatalf("diagnostics:\n%s", out)
	}
	s := loadStep(t, "p.hcl", `step "s" {
  image = "busybox:latest"
  reuse = true
  mount {
    source   = "."
    target   = "/src"
    readonly = true
  }
}`)
	if !pipeline.Reusable(s) {
		t.Errorf("a step with a read-only mount is not reusable: %q", pipeline.ReuseBlocker(s))
	}
}
