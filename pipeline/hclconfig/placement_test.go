package hclconfig

import (
	"slices"
	"strings"
	"testing"
)

func TestPlacementDecodes(t *testing.T) {
	s := loadStep(t, "p.hcl", `variable "pool" { default = "ci" }
step "s" {
  image = "busybox:latest"
  placement {
    constraints = ["node.labels.gpu==true", "node.labels.pool == ${var.pool}"]
  }
}`)
	want := []string{"node.labels.gpu==true", "node.labels.pool == ci"}
	if !slices.Equal(s.Placement.Constraints, want) {
		t.Fatalf("Constraints = %q, want %q", s.Placement.Constraints, want)
	}
	if s.Placement.Pos.Line != 4 {
		t.Errorf("Placement.Pos = %s, want line 4", s.Placement.Pos)
	}
	if s := loadStep(t, "p.hcl", `step "s" { image = "busybox:latest" }`); s.Placement.Constraints != nil {
		t.Errorf("a step without placement has constraints %q", s.Placement.Constraints)
	}
}

// A bad constraint is reported at its own element, with what is wrong.
func TestPlacementDiagnostics(t *testing.T) {
	out, diags := errorsOf(t, `step "s" {
  image = "busybox:latest"
  placement {
    constraints = ["node.labels.gpu==true", "node.lables.gpu==true", "gpu=true"]
  }
}`)
	if !strings.Contains(out, `p.hcl:4:45: Error: Invalid placement constraint`) ||
		!strings.Contains(out, `unknown key "node.lables.gpu"`) ||
		!strings.Contains(out, `p.hcl:4:70: Error: Invalid placement constraint`) ||
		!strings.Contains(out, `"gpu=true" has no operator: want key==value or key!=value`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
	if len(diags) != 2 {
		t.Errorf("%d diagnostics, want 2:\n%s", len(diags), out)
	}
	out, _ = errorsOf(t, `step "s" {
  image = "busybox:latest"
  placement {}
}`)
	if !strings.Contains(out, `Missing required argument`) || !strings.Contains(out, `"constraints" is required`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
	out, _ = errorsOf(t, `step "s" {
  image = "busybox:latest"
  placement { constraints = ["node.role==manager"] }
  placement { constraints = ["node.role==worker"] }
}`)
	if !strings.Contains(out, `p.hcl:4:3: Error: Duplicate placement block`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
	out, _ = errorsOf(t, `step "s" {
  image = "busybox:latest"
  placement { constraints = "node.role==manager" }
}`)
	if !strings.Contains(out, `p.hcl:3:29`) {
		t.Fatalf("a string for the list: diagnostics:\n%s", out)
	}
}
