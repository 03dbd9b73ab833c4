package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// volumeNodes are the nodes that hold volume vol.
func volumeNodes(t *testing.T, s *dockertest.Swarm, vol string) []string {
	t.Helper()
	var out []string
	for i, n := range s.Nodes {
		cli, err := s.Client(i)
		if err != nil {
			t.Fatal(err)
		}
		_, err = cli.VolumeInspect(context.Background(), vol, client.VolumeInspectOptions{})
		_ = cli.Close()
		if err == nil {
			out = append(out, n.Hostname)
		}
	}
	return out
}

// A cache volume lives on one node, and the steps that use it go there,
// so what one run left the next finds. When that node is drained, the
// step goes where Swarm puts it and starts with an empty cache there; the
// volume is then on two nodes, as cache ls says, and cache prune removes
// both.
func TestSwarmCachePinsItsSteps(t *testing.T) {
	s := dockertest.StartSwarm(t)
	name := uniqueLabel(t)
	vol := executor.CacheVolume(name, "c")
	fill := write(t, `
pipeline { name = "`+name+`" }
step "fill" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo kept > /c/stamp"]
  cache "c" { path = "/c" }
}`)
	if r := runOnSwarm(t, s, nil, fill); r.code != 0 {
		t.Fatalf("fill: exit %d\n%s", r.code, r.stderr)
	}
	holders := volumeNodes(t, s, vol)
	if len(holders) != 1 {
		t.Fatalf("the cache is on %v, want one node", holders)
	}
	read := write(t, `
pipeline { name = "`+name+`" }
step "read" {
  for_each = toset(["1", "2", "3", "4"])
  image    = "busybox:latest"
  command  = ["sh", "-c", "cat /c/stamp 2>/dev/null || echo empty"]
  cache "c" { path = "/c" }
}`)
	since := time.Now()
	r := runOnSwarm(t, s, nil, read, "-j", "4", "--log-format", "plain")
	if r.code != 0 || strings.Count(r.stdout, "kept") != 4 {
		t.Fatalf("read: exit %d, want 4 steps that found the cache\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for step, ns := range stepNodes(t, s, r.runID, since) {
		if !slices.Equal(ns, holders) {
			t.Errorf("%s ran on %v, want %v, the cache's node", step, ns, holders)
		}
	}

	idx := slices.IndexFunc(s.Nodes, func(n dockertest.SwarmNode) bool { return n.Hostname == holders[0] })
	ctx := context.Background()
	if err := s.Drain(ctx, idx); err != nil {
		t.Fatal(err)
	}
	r = runOnSwarm(t, s, nil, read, "-j", "1", "--only", "read[1]", "--log-format", "plain")
	if r.code != 0 || !strings.Contains(r.stdout, "empty") {
		t.Fatalf("read with the cache's node drained: exit %d, want an empty cache elsewhere\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if err := s.Activate(ctx, idx); err != nil {
		t.Fatal(err)
	}
	if got := volumeNodes(t, s, vol); len(got) != 2 {
		t.Fatalf("the cache is on %v, want two nodes now", got)
	}
	r = runjob(t, s.TCPEnv(0), "--engine", "swarm", "cache", "ls", "--pipeline", name)
	if r.code != 0 || strings.Count(r.stdout, vol) != 2 || !strings.Contains(r.stdout, "NODE") {
		t.Errorf("cache ls: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	removeSwarmCaches(t, s, name)
	if got := volumeNodes(t, s, vol); len(got) != 0 {
		t.Errorf("cache prune left the cache on %v", got)
	}
}
