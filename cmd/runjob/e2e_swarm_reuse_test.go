package main

import (
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// Reuse on a swarm: the key holds the image the run pinned (an image ID
// streamed from the local engine), so a second run of an unchanged
// pipeline reuses every step and creates nothing on any node, and its
// artifact comes back from the store.
func TestSwarmReuse(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	p := write(t, `
pipeline { reuse = true }
step "make" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir /out && echo made on $(hostname) > /out/f"]
  artifact "out" { path = "/out" }
}
step "use" {
  image   = "busybox:latest"
  command = ["cat", "/in/f"]
  input "f" {
    from = step.make.artifact.out
    to   = "/in"
  }
}`)
	env := []string{"RUNJOB_CACHE_DIR=" + t.TempDir()}
	if r := runOnSwarm(t, s, env, p, "--log-format", "json"); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	since := time.Now()
	r := runOnSwarm(t, s, env, p, "--log-format", "json")
	if r.code != 0 {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
	}
	evs := events(t, r.stdout)
	for _, step := range []string{"make", "use"} {
		i := index(evs, "event", "step_finished", "step", step)
		if i < 0 || evs[i]["status"] != "reused" {
			t.Fatalf("second run: %s not reused:\n%s", step, r.stdout)
		}
	}
	if nodes := stepNodes(t, s, r.runID, since); len(nodes) != 0 {
		t.Fatalf("a reused run created containers on the swarm: %v", nodes)
	}
}
