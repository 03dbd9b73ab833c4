package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/executor/swarm"
)

// setEndpoints removes (or restores) every node's runjob.endpoint label.
func setEndpoints(t *testing.T, s *dockertest.Swarm, restore bool) {
	t.Helper()
	ctx := context.Background()
	cli, err := s.Client(0)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	for _, sn := range s.Nodes {
		n, err := cli.NodeInspect(ctx, sn.ID, client.NodeInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		spec := n.Node.Spec
		if restore {
			spec.Labels[swarm.EndpointLabel] = sn.TCP
		} else {
			delete(spec.Labels, swarm.EndpointLabel)
		}
		if _, err := cli.NodeUpdate(ctx, n.Node.ID, client.NodeUpdateOptions{Version: n.Node.Version, Spec: spec}); err != nil {
			t.Fatal(err)
		}
	}
}

// --engine auto runs on the swarm an engine manages when its nodes say
// where runjob reaches them, and says so; --engine docker runs on that
// engine alone; a manager whose nodes carry no label is used alone, with a
// word why; --engine swarm on an engine that manages none is an error.
func TestSwarmEngineChoice(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.LoadImage(ctx, 0, "busybox:latest"); err != nil {
		t.Fatal(err)
	}
	p := write(t, `
step "where" {
  image   = "busybox:latest"
  command = ["echo", "ran"]
}`)
	since := time.Now()
	r := runjob(t, s.TCPEnv(0), p, "--log-format", "plain")
	if r.code != 0 || !strings.Contains(r.stderr, "INF Docker Swarm at "+s.Nodes[0].TCP) {
		t.Fatalf("auto: exit %d\n%s", r.code, r.stderr)
	}
	s.NoLeftovers(t, r.runID)
	r = runjob(t, s.TCPEnv(0), "--engine", "docker", p, "--log-format", "plain")
	if r.code != 0 || strings.Contains(r.stderr, "Docker Swarm") {
		t.Fatalf("docker: exit %d\n%s", r.code, r.stderr)
	}
	s.NoLeftovers(t, r.runID)
	if got := stepNodes(t, s, r.runID, since)["where"]; len(got) != 1 || got[0] != "rj-n1" {
		t.Errorf("--engine docker ran on %v, want the manager rj-n1 alone", got)
	}
	t.Cleanup(func() { setEndpoints(t, s, true) })
	setEndpoints(t, s, false)
	r = runjob(t, s.TCPEnv(0), p, "--log-format", "plain")
	s.NoLeftovers(t, r.runID)
	if r.code != 0 || !strings.Contains(r.stderr, "manages a Docker Swarm, but no node is labelled runjob.endpoint: the steps run on it alone") {
		t.Errorf("auto, no labels: exit %d\n%s", r.code, r.stderr)
	}
	setEndpoints(t, s, true)
	if r := runjob(t, nil, "--engine", "swarm", p); r.code != 3 || !strings.Contains(r.stderr, "is not a Docker Swarm manager") {
		t.Errorf("swarm on the shared engine: exit %d\n%s", r.code, r.stderr)
	}
	if r := runjob(t, nil, "--engine", "kubernetes", p); r.code != 2 || !strings.Contains(r.stderr, `--engine "kubernetes": want docker, swarm or auto`) {
		t.Errorf("unknown engine: exit %d\n%s", r.code, r.stderr)
	}
}
