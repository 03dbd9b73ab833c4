package inspect

import "testing"

// A plan shows where another step's output goes, not its placeholder.
func TestPlanShowsOutputs(t *testing.T) {
	g, diags := load(t, `
variable "token" {
  sensitive = true
}
step "build" {
  image  = "busybox:latest"
  script = "echo v=1 >> $RUNJOB_OUTPUT"
}
step "use" {
  image   = "busybox:latest"
  command = ["echo", "v${step.build.output.v}"]
  env     = { V = step.build.output.v }
}
`)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	check(t, masked(t, g, Plan), `pipeline p: 2 steps

1. build
   image:       busybox:latest
   command:     /bin/sh -e -c "echo v=1 >> $RUNJOB_OUTPUT"

2. use
   image:       busybox:latest
   command:     echo "v(output of step build)"
   env:         V=(output of step build)
   depends on:  build
`)
}
