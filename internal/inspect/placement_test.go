package inspect

import (
	"bytes"
	"strings"
	"testing"
)

// list and --dry-run show a step's placement constraints as written.
func TestNotesShowThePlacement(t *testing.T) {
	g, diags := load(t, `
variable "token" {}
step "train" {
  image = "busybox:latest"
  placement { constraints = ["node.labels.gpu==true", "node.role!=manager"] }
}
step "plain" { image = "busybox:latest" }`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var b bytes.Buffer
	render(t, g, List, &b)
	check(t, b.String(), `STEP   IMAGE           DEPENDS ON  NOTES
train  busybox:latest  -           placement node.labels.gpu==true, node.role!=manager
plain  busybox:latest  -
`)
	plan := masked(t, g, Plan)
	if !strings.Contains(plan, "   notes:       placement node.labels.gpu==true, node.role!=manager\n") ||
		strings.Count(plan, "placement") != 1 {
		t.Fatalf("plan:\n%s", plan)
	}
}
