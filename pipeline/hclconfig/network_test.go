package hclconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/pipeline"
)

// loadAll loads src and returns its pipeline.
func loadAll(t *testing.T, src string) *pipeline.Pipeline {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	g, diags := New(WithEnviron(nil)).Load(path)
	if diags.HasErrors() {
		t.Fatalf("%s", diags)
	}
	return g.Pipeline()
}

func TestNetworkDecodes(t *testing.T) {
	s := loadStep(t, "p.hcl", `step "s" {
  image   = "busybox:latest"
  network = "none"
}`)
	if s.Network != pipeline.NetworkNone {
		t.Fatalf("Network = %q, want none", s.Network)
	}
	if s := loadStep(t, "p.hcl", `step "s" { image = "busybox:latest" }`); s.Network != "" {
		t.Fatalf("Network of a step that sets none = %q, want empty", s.Network)
	}
}

// The pipeline's network is every step's default; a step may ask for
// the bridge again, and then may use a service.
func TestNetworkPipelineDefaultAndOverride(t *testing.T) {
	p := loadAll(t, `pipeline { network = "none" }
service "db" { image = "postgres:16" }
step "quiet" { image = "busybox:latest" }
step "talks" {
  image      = "busybox:latest"
  network    = "bridge"
  depends_on = [service.db]
}
step "each" {
  for_each = toset(["a", "b"])
  image    = "busybox:latest"
  network  = each.key == "a" ? "none" : "bridge"
}`)
	want := map[string]pipeline.NetworkMode{
		"quiet": pipeline.NetworkNone, "talks": pipeline.NetworkBridge,
		"each[a]": pipeline.NetworkNone, "each[b]": pipeline.NetworkBridge,
	}
	for name, w := range want {
		if got := p.Step(name).Network; got != w {
			t.Errorf("%s: Network = %q, want %q", name, got, w)
		}
	}
}

func TestNetworkDiagnostics(t *testing.T) {
	out, _ := errorsOf(t, `step "s" {
  image   = "busybox:latest"
  network = "host"
}`)
	if !strings.Contains(out, `p.hcl:3:13: Error: Invalid network`) ||
		!strings.Contains(out, `network = "host": want "none" or "bridge".`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
	out, _ = errorsOf(t, `pipeline { network = "host" }
step "s" { image = "busybox:latest" }`)
	if !strings.Contains(out, `p.hcl:1:22: Error: Invalid network`) || !strings.Contains(out, `want "none" or "bridge"`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
}

// A step on no network cannot reach a service: the error is at the
// attribute that made it "none" and names the service.
func TestNetworkNoneWithService(t *testing.T) {
	out, diags := errorsOf(t, `service "db" { image = "postgres:16" }
step "s" {
  image   = "busybox:latest"
  network = "none"
  env     = { DB = service.db.host }
}`)
	if !strings.Contains(out, `p.hcl:4:13: Error: Service on no network`) ||
		!strings.Contains(out, `Step "s" needs service "db" (declared at `) ||
		!strings.Contains(out, `Set it to "bridge".`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
	if len(diags) != 1 {
		t.Errorf("%d diagnostics, want 1:\n%s", len(diags), out)
	}
	out, _ = errorsOf(t, `pipeline { network = "none" }
service "db" { image = "postgres:16" }
step "s" {
  image      = "busybox:latest"
  depends_on = [service.db]
}`)
	if !strings.Contains(out, `p.hcl:1:22: Error: Service on no network`) ||
		!strings.Contains(out, `Step "s" needs service "db"`) ||
		!strings.Contains(out, `set network = "bridge" in the step at `) {
		t.Fatalf("diagnostics:\n%s", out)
	}
	// One error for a for_each block, not one per instance.
	_, diags = errorsOf(t, `service "db" { image = "postgres:16" }
step "s" {
  for_each   = toset(["a", "b"])
  image      = "busybox:latest"
  network    = "none"
  depends_on = [service.db]
}`)
	if len(diags) != 1 {
		t.Errorf("%d diagnostics, want 1: %s", len(diags), diags)
	}
}
