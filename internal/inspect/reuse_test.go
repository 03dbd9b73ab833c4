package inspect

import (
	"bytes"
	"strings"
	"testing"
)

// list and --dry-run say whether a step that asks for reuse can have it,
// and why not; a step that does not ask says nothing.
func TestNotesShowReuse(t *testing.T) {
	g, diags := load(t, `
variable "token" {}
pipeline { reuse = true }
service "db" { image = "postgres:16" }
step "build" { image = "busybox:latest" }
step "itest" {
  image      = "busybox:latest"
  depends_on = [service.db]
}
step "deploy" {
  image = "busybox:latest"
  reuse = false
}`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var b bytes.Buffer
	render(t, g, List, &b)
	check(t, b.String(), `STEP    IMAGE           DEPENDS ON  NOTES
build   busybox:latest  -           reuse: yes
itest   busybox:latest  -           reuse: no (uses service db)
deploy  busybox:latest  -
`)
	if plan := masked(t, g, Plan); !strings.Contains(plan, "1. build\n   image:       busybox:latest\n   notes:       reuse: yes\n") ||
		!strings.Contains(plan, "   notes:       reuse: no (uses service db)\n") {
		t.Fatalf("plan:\n%s", plan)
	}
}
