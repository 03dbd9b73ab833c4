package inspect

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const whenDemo = `
variable "token" {}
step "deploy" {
  image = "busybox:latest"
}
step "notify" {
  image      = "busybox:latest"
  depends_on = [step.deploy]
  when       = "on_failure"
}
step "cleanup" {
  image      = "busybox:latest"
  depends_on = [step.deploy]
  when       = "always"
}
step "plain" {
  image      = "busybox:latest"
  depends_on = [step.deploy]
  when       = "on_success"
}
`

// list and --dry-run note a step's condition; on_success, the default,
// adds nothing.
func TestNotesShowTheCondition(t *testing.T) {
	g, diags := load(t, whenDemo)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var b bytes.Buffer
	render(t, g, List, &b)
	check(t, b.String(), `STEP     IMAGE           DEPENDS ON  NOTES
deploy   busybox:latest  -
notify   busybox:latest  deploy      when = on_failure
cleanup  busybox:latest  deploy      when = always
plain    busybox:latest  deploy
`)
	if plan := masked(t, g, Plan); !strings.Contains(plan, "   notes:       when = on_failure\n") ||
		!strings.Contains(plan, "   notes:       when = always\n") {
		t.Fatalf("plan:\n%s", plan)
	}
	var out struct {
		Steps []struct {
			Name string `json:"name"`
			When string `json:"when"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(masked(t, g, graphView("json"))), &out); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range out.Steps {
		got = append(got, s.Name+"="+s.When)
	}
	if strings.Join(got, " ") != "deploy= notify=on_failure cleanup=always plain=" {
		t.Fatalf("graph json conditions: %v", got)
	}
}
