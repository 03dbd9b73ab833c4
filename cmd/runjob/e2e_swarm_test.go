package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A DAG on the swarm: a fan-out spreads over the nodes (as their own
// engines tell), an artifact made on one node is the input of a step on
// another, and what the steps print arrives byte for byte, stdout and
// stderr apart.
func TestSwarmDAGSpreadsOverNodes(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	p := write(t, `
step "make" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /out && printf 'made on the swarm\n' > /out/data && seq 1 20000 > /out/seq"]
  placement { constraints = ["node.hostname==rj-n2"] }
  artifact "out" { path = "/out" }
}
step "fan" {
  for_each   = toset(["1", "2", "3", "4", "5", "6"])
  image      = "busybox:latest"
  command    = ["sh", "-c", "sleep 1; echo fan ${each.key}"]
  depends_on = [step.make]
}
step "use" {
  image   = "busybox:latest"
  command = ["sh", "-c", "cat /in/data; wc -l < /in/seq; printf 'bin\\001\\377\\r\\n'; echo oops >&2; printf 'no newline'"]
  placement { constraints = ["node.hostname==rj-n3"] }
  input "made" {
    from = step.make.artifact.out
    to   = "/in"
  }
}`)
	since := time.Now()
	r := runOnSwarm(t, s, nil, p, "-j", "8", "--log-format", "plain")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "Docker Swarm at "+s.Nodes[0].TCP+": 3 node(s) (rj-n1, rj-n2, rj-n3)") {
		t.Errorf("the run does not say it runs on the swarm:\n%s", r.stderr)
	}
	nodes := stepNodes(t, s, r.runID, since)
	if got := nodes["make"]; !slices.Equal(got, []string{"rj-n2"}) {
		t.Errorf("make ran on %v, want rj-n2 (its constraint)", got)
	}
	if got := nodes["use"]; !slices.Equal(got, []string{"rj-n3"}) {
		t.Errorf("use ran on %v, want rj-n3 (its constraint)", got)
	}
	fan := map[string][]string{}
	for k, v := range nodes {
		if strings.HasPrefix(k, "fan[") {
			fan[k] = v
		}
	}
	if len(fan) != 6 || distinct(fan) < 2 {
		t.Errorf("the fan-out ran on %d node(s): %v; want more than one", distinct(fan), fan)
	}
	t.Logf("nodes: %v", nodes)

	dir := filepath.Dir(p)
	if b, err := os.ReadFile(filepath.Join(dir, ".runjob", "artifacts", "make", "out", "data")); err != nil || string(b) != "made on the swarm\n" {
		t.Errorf("artifact: %q, %v", b, err)
	}
	var want bytes.Buffer
	want.WriteString("made on the swarm\n20000\nbin\x01\xff\r\nno newline")
	if r := runjob(t, nil, "logs", "--dir", dir, "use", "--stdout"); r.code != 0 || r.stdout != want.String() {
		t.Errorf("logs --stdout: exit %d, %q, want %q\n%s", r.code, r.stdout, want.String(), r.stderr)
	}
	if r := runjob(t, nil, "logs", "--dir", dir, "use", "--stderr"); r.code != 0 || r.stdout != "oops\n" {
		t.Errorf("logs --stderr: exit %d, %q", r.code, r.stdout)
	}
}
