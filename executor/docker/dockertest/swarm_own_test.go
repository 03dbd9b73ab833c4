package dockertest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A swarm of the test's own next to the shared one: they must not clash;
// its nodes can be killed, restarted, drained; and once destroyed (with
// a node killed and containers running, the worst case) nothing of it
// remains on the host.
func TestSwarmOfItsOwnBesideTheSharedOneAndNothingLeftAfterDestroy(t *testing.T) {
	shared := dockertest.SharedSwarm(t)
	s := dockertest.StartSwarm(t)
	t.Logf("own swarm started in %s", s.StartTime)
	if s.Subnet == shared.Subnet || s.Nodes[0].Netns == shared.Nodes[0].Netns || s.HostVeth == shared.HostVeth {
		t.Fatalf("two swarms share a subnet or names: %s %s %s / %s %s %s", s.Subnet, s.Nodes[0].Netns, s.HostVeth,
			shared.Subnet, shared.Nodes[0].Netns, shared.HostVeth)
	}
	for _, sw := range []*dockertest.Swarm{shared, s} {
		if out := onNode(t, sw, 0, sw.TCPEnv(2), "info", "--format", "{{.Name}}"); out != sw.Nodes[2].Hostname {
			t.Errorf("%s: node 3 over TLS says %q", sw.Dir, out)
		}
	}

	if err := s.KillNode(2); err != nil {
		t.Fatal(err)
	}
	waitNode(t, s, 2, swarm.NodeStateDown)
	if err := s.StartNode(2); err != nil {
		t.Fatal(err)
	}
	waitNode(t, s, 2, swarm.NodeStateReady)
	if err := s.Drain(ctx(t), 1); err != nil {
		t.Fatal(err)
	}
	if got := availability(t, s, 1); got != swarm.NodeAvailabilityDrain {
		t.Errorf("after Drain, node 2 is %s", got)
	}
	if err := s.Activate(ctx(t), 1); err != nil {
		t.Fatal(err)
	}
	if got := availability(t, s, 1); got != swarm.NodeAvailabilityActive {
		t.Errorf("after Activate, node 2 is %s", got)
	}

	for _, i := range []int{0, 1} {
		if err := s.LoadImage(ctx(t), i, "busybox:latest"); err != nil {
			t.Fatal(err)
		}
		onNode(t, s, i, nil, "run", "-d", "busybox:latest", "sleep", "600")
	}
	if err := s.KillNode(1); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if err := s.Destroy(); err != nil {
		t.Fatal(err)
	}
	t.Logf("destroyed in %s", time.Since(t0))
	for _, left := range hostLeftovers(s) {
		t.Errorf("left after destroy: %s", left)
	}
	// The shared swarm is unharmed.
	if out := onNode(t, shared, 0, nil, "node", "ls", "-q"); len(strings.Fields(out)) != 3 {
		t.Errorf("the shared swarm lists %q", out)
	}
}

func waitNode(t *testing.T, s *dockertest.Swarm, i int, want swarm.NodeState) {
	t.Helper()
	cli, err := s.Client(0)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	// The manager marks a node down after missing its heartbeats (5 s).
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, err := cli.NodeInspect(context.Background(), s.Nodes[i].ID, client.NodeInspectOptions{})
		if err == nil && n.Node.Status.State == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s is not %s after 60s: %+v %v", s.Nodes[i].Name, want, n.Node.Status, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func availability(t *testing.T, s *dockertest.Swarm, i int) swarm.NodeAvailability {
	t.Helper()
	return swarm.NodeAvailability(onNode(t, s, 0, nil, "node", "inspect", "--format", "{{.Spec.Availability}}", s.Nodes[i].ID))
}

// hostLeftovers lists what of swarm s still exists on the host: its
// namespaces, its host veth and route, processes and mounts under its
// directory, the nodes' cgroups, the directory itself.
func hostLeftovers(s *dockertest.Swarm) []string {
	var left []string
	names := []string{s.BridgeNetns}
	for _, n := range s.Nodes {
		names = append(names, n.Netns)
		if m, _ := filepath.Glob("/sys/fs/cgroup/*/" + n.Netns); len(m) > 0 {
			left = append(left, "cgroups "+strings.Join(m, " "))
		}
	}
	for _, ns := range names {
		if _, err := os.Stat("/run/netns/" + ns); err == nil {
			left = append(left, "netns "+ns)
		}
	}
	if _, err := os.Stat("/sys/class/net/" + s.HostVeth); err == nil {
		left = append(left, "link "+s.HostVeth)
	}
	if out, _ := exec.Command("ip", "-4", "route", "show", s.Subnet).Output(); len(strings.TrimSpace(string(out))) > 0 {
		left = append(left, "route "+strings.TrimSpace(string(out)))
	}
	mounts, _ := os.ReadFile("/proc/self/mounts")
	for _, line := range strings.Split(string(mounts), "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[1], s.Dir+"/") {
			left = append(left, "mount "+f[1])
		}
	}
	for _, p := range dockertest.ProcessesUnder(s.Dir) {
		left = append(left, "process "+p)
	}
	if _, err := os.Stat(s.Dir); err == nil {
		left = append(left, fmt.Sprintf("directory %s", s.Dir))
	}
	return left
}
