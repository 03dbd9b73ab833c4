package dockertest_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

func TestMain(m *testing.M) { os.Exit(dockertest.SwarmMain(m)) }

// onNode runs the docker CLI against node i's unix socket; it must succeed.
func onNode(t *testing.T, s *dockertest.Swarm, i int, env []string, args ...string) string {
	t.Helper()
	out, err := docker(s, i, env, args...)
	if err != nil {
		t.Fatalf("node %s: docker %s: %v\n%s", s.Nodes[i].Name, strings.Join(args, " "), err, out)
	}
	return out
}

// docker runs the docker CLI against node i's unix socket, with env added
// (env naming DOCKER_HOST: that host instead).
func docker(s *dockertest.Swarm, i int, env []string, args ...string) (string, error) {
	if !slices.ContainsFunc(env, func(e string) bool { return strings.HasPrefix(e, "DOCKER_HOST=") }) {
		args = append([]string{"-H", s.Nodes[i].Unix}, args...)
	}
	cmd := exec.Command("docker", args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func unique(t *testing.T) string {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "swarmtest-" + hex.EncodeToString(b[:])
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

func TestSwarmHasThreeReadyNodesWithTheirOwnHostnames(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	cli, err := s.Client(0)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	res, err := cli.NodeList(ctx(t), client.NodeListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 3 || len(s.Nodes) != 3 {
		t.Fatalf("want 3 nodes, the manager lists %d, the harness %d", len(res.Items), len(s.Nodes))
	}
	var hostnames []string
	for i, want := range s.Nodes {
		n := nodeByID(res.Items, want.ID)
		if n == nil {
			t.Fatalf("node %s (%s) is not in the swarm", want.Name, want.ID)
		}
		if n.Status.State != swarm.NodeStateReady || n.Spec.Availability != swarm.NodeAvailabilityActive {
			t.Errorf("node %s: state %s, availability %s", want.Name, n.Status.State, n.Spec.Availability)
		}
		if n.Description.Hostname != want.Hostname {
			t.Errorf("node %s: hostname %q, want %q", want.Name, n.Description.Hostname, want.Hostname)
		}
		if got := n.Spec.Labels["runjob.endpoint"]; got != want.TCP {
			t.Errorf("node %s: label runjob.endpoint=%q, want %q", want.Name, got, want.TCP)
		}
		if isManager := n.ManagerStatus != nil; isManager != (i == 0) {
			t.Errorf("node %s: manager %v; want node 1 the only manager", want.Name, isManager)
		}
		hostnames = append(hostnames, n.Description.Hostname)
	}
	slices.Sort(hostnames)
	if len(slices.Compact(hostnames)) != 3 {
		t.Errorf("hostnames not distinct: %v", hostnames)
	}
}

func nodeByID(nodes []swarm.Node, id string) *swarm.Node {
	for i := range nodes {
		if nodes[i].ID == id {
			return &nodes[i]
		}
	}
	return nil
}

func TestSwarmNodesStartWithoutImagesAndLoadImage(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	// Another test may have loaded busybox on a node already; n1 is never
	// loaded by the tests of this package.
	if out := onNode(t, s, 0, nil, "images", "-q"); out != "" {
		t.Errorf("node n1 has images at the start: %s", out)
	}
	if err := s.LoadImage(ctx(t), 1, "busybox:latest"); err != nil {
		t.Fatal(err)
	}
	if out := onNode(t, s, 1, nil, "run", "--rm", "busybox:latest", "echo", "loaded"); out != "loaded" {
		t.Errorf("busybox on n2 after LoadImage says %q", out)
	}
}

func TestSwarmOverlayNetworkSpansNodes(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	runID := unique(t)
	s.NoLeftovers(t, runID)
	for _, i := range []int{1, 2} {
		if err := s.LoadImage(ctx(t), i, "busybox:latest"); err != nil {
			t.Fatal(err)
		}
	}
	label := executor.LabelRunID + "=" + runID
	net := onNode(t, s, 0, nil, "network", "create", "-d", "overlay", "--attachable", "--label", label, runID)
	t.Cleanup(func() { onNode(t, s, 0, nil, "network", "rm", net) })
	// busybox's httpd on n3 under an alias; nc from n2 asks it by that alias
	// (busybox's wget crashes in this image). No VIP: the kernel has no IPVS.
	srv := onNode(t, s, 2, nil, "run", "-d", "--label", label, "--network", runID, "--network-alias", "web",
		"busybox:latest", "sh", "-c", "echo hello-from-n3 >/i && head -c 1048576 /dev/urandom >/big && exec httpd -f -p 80 -h /")
	t.Cleanup(func() { onNode(t, s, 2, nil, "rm", "-f", srv) })
	// One client container: a second one attached right after the first
	// left may find the network gone on n2 (the worker drops its copy when
	// its last container leaves), and the failed attachment then blocks
	// `network rm` until that dockerd restarts (moby 20.10).
	// The 1 MiB goes in full-size packets: a VXLAN MTU mismatch stalls it.
	out := onNode(t, s, 1, nil, "run", "--rm", "--label", label, "--network", runID, "busybox:latest", "sh", "-c",
		`get() { printf 'GET /%s HTTP/1.0\r\n\r\n' "$1" | nc -w 10 web 80 | sed '1,/^\r$/d'; }
		for i in 1 2 3 4 5 6 7 8 9 10; do get i | grep . && break; sleep 0.5; done
		echo "big: $(get big | wc -c)"`)
	if !strings.Contains(out, "hello-from-n3") {
		t.Fatalf("n2 did not reach n3's container by alias over the overlay:\n%s", out)
	}
	if !strings.Contains(out, "big: 1048576") {
		t.Errorf("n2 did not get n3's 1 MiB file in full over the overlay:\n%s", out)
	}
}
