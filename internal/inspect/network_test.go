package inspect

import (
	"bytes"
	"strings"
	"testing"
)

// list and --dry-run note a step's network when the step or the pipeline
// sets one; a step that sets none adds nothing.
func TestNotesShowTheNetwork(t *testing.T) {
	g, diags := load(t, `
variable "token" {}
pipeline { network = "none" }
step "unit" {
  image = "busybox:latest"
}
step "fetch" {
  image   = "busybox:latest"
  network = "bridge"
}`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var b bytes.Buffer
	render(t, g, List, &b)
	check(t, b.String(), `STEP   IMAGE           DEPENDS ON  NOTES
unit   busybox:latest  -           network none
fetch  busybox:latest  -           network bridge
`)
	if plan := masked(t, g, Plan); !strings.Contains(plan, "1. unit\n   image:       busybox:latest\n   notes:       network none\n") ||
		!strings.Contains(plan, "   notes:       network bridge\n") {
		t.Fatalf("plan:\n%s", plan)
	}
	g, _ = load(t, `
variable "token" {}
step "plain" { image = "busybox:latest" }`)
	if plan := masked(t, g, Plan); strings.Contains(plan, "network") {
		t.Fatalf("a step without a network mentions one:\n%s", plan)
	}
}
