package main

import (
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// --only runs the named step and what it needs, nothing else; a reference
// to an upstream artifact counts as a need.
func TestOnlyRunsTheStepAndItsNeeds(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "build" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /out && echo built > /out/x"]
  artifact "out" {
    path = "/out"
  }
}
step "test" {
  image   = "busybox:latest"
  command = ["echo", "testing ${step.build.name}"]
}
step "package" {
  image   = "busybox:latest"
  command = ["echo", "packaging"]
  input "out" {
    from = step.build.artifact.out
    to   = "/in"
  }
}
step "unrelated" {
  image   = "busybox:latest"
  command = ["echo", "must not run"]
}`)
	r := runjob(t, nil, p, "--only", "test", "--artifacts", t.TempDir())
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "| testing build") || strings.Contains(r.stdout, "must not run") || strings.Contains(r.stdout, "packaging") {
		t.Fatalf("stdout:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "2 steps: 2 ok") {
		t.Fatalf("summary:\n%s", r.stderr)
	}
}

// --dry-run never contacts the engine: it succeeds with an unusable one.
func TestDryRunNeedsNoEngine(t *testing.T) {
	r := runjob(t, []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}, "../../examples/matrix.hcl", "--dry-run")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"pipeline matrix-demo: 6 steps", "draw[circle-s]", "depends on:  prepare", "input:       greeting: step prepare artifact greeting -> /in"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.stdout)
		}
	}
}
