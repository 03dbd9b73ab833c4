package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A step's resources are reserved on its node: three steps that each
// reserve all of a node's 2 CPUs run on three different nodes, and a
// fourth waits for one of them to end.
func TestSwarmResourcesAreReserved(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	p := write(t, `
step "big" {
  for_each = toset(["1", "2", "3", "4"])
  image    = "busybox:latest"
  command  = ["sh", "-c", "sleep 2; echo done"]
  resources { cpus = 2 }
}`)
	since := time.Now()
	r := runOnSwarm(t, s, nil, p, "-j", "4", "--log-format", "plain")
	if r.code != 0 || strings.Count(r.stdout, "done") != 4 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	nodes := stepNodes(t, s, r.runID, since)
	if len(nodes) != 4 || distinct(nodes) != 3 {
		t.Errorf("the four steps ran on %v, want the three nodes", nodes)
	}
	// The reservation is what is reserved, beyond what a node has is an
	// error at once.
	p = write(t, `
step "huge" {
  image   = "busybox:latest"
  command = ["true"]
  resources { cpus = 3 }
}`)
	r = runOnSwarm(t, s, nil, p, "--log-format", "plain")
	if r.code != 3 || !strings.Contains(r.stderr, "2 CPUs, the step reserves 3") {
		t.Errorf("exit %d, want 3\n%s", r.code, r.stderr)
	}
}

// What holds on one engine holds on each node: no-new-privileges, a
// memory limit with its OOM kill, a timeout that stops the step with
// grace and keeps what it printed on the way out.
func TestSwarmStepsAreContainedAsLocally(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	p := write(t, `
step "nnp" {
  image   = "busybox:latest"
  command = ["grep", "NoNewPrivs", "/proc/self/status"]
  placement { constraints = ["node.hostname==rj-n2"] }
}
step "oom" {
  image   = "busybox:latest"
  command = ["sh", "-c", "head -c 200m /dev/zero | tail > /dev/null"]
  resources { memory = "16m" }
  placement { constraints = ["node.hostname==rj-n3"] }
}
step "slow" {
  image   = "busybox:latest"
  command = ["sh", "-c", "trap 'echo stopping; exit 7' TERM; echo up; while true; do sleep 0.1; done"]
  timeout = "3s"
  placement { constraints = ["node.hostname==rj-n2"] }
}`)
	r := runOnSwarm(t, s, nil, p, "-j", "3", "--log-format", "plain")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"| NoNewPrivs:\t1", "| up", "| stopping"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	lines := strings.Split(r.stderr, "\n")
	for _, want := range []string{"oom oom_killed", "slow timeout", "nnp ok"} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(strings.Join(strings.Fields(l), " "), want+" ") }) {
			t.Errorf("summary lacks %q:\n%s", want, r.stderr)
		}
	}
}

// A bind mount names a path on runjob's host, and the step runs on
// another: it is refused, naming the path and what to do instead.
func TestSwarmBindMountIsRefused(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	p := write(t, `
step "mounted" {
  image   = "busybox:latest"
  command = ["ls", "/src"]
  mount {
    source = "."
    target = "/src"
  }
}`)
	r := runOnSwarm(t, s, nil, p, "--log-format", "plain")
	if r.code != 3 || !strings.Contains(r.stderr, "cannot be used on a swarm: the step runs on another host (copy files in with an input block instead)") {
		t.Errorf("exit %d, want 3\n%s", r.code, r.stderr)
	}
}
