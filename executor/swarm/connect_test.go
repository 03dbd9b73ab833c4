package swarm

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

func TestMain(m *testing.M) { os.Exit(dockertest.SwarmMain(m)) }

// manager returns a pinged engine on s's manager.
func manager(t *testing.T, s *dockertest.Swarm) *docker.Engine {
	t.Helper()
	mgr, err := docker.New(client.WithHost(s.Manager))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := mgr.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	return mgr
}

// setEndpoint sets (or, for "", removes) node i's EndpointLabel.
func setEndpoint(t *testing.T, s *dockertest.Swarm, i int, endpoint string) {
	t.Helper()
	ctx := context.Background()
	cli, err := s.Client(0)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	n, err := cli.NodeInspect(ctx, s.Nodes[i].ID, client.NodeInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec := n.Node.Spec
	if endpoint == "" {
		delete(spec.Labels, EndpointLabel)
	} else {
		spec.Labels[EndpointLabel] = endpoint
	}
	if _, err := cli.NodeUpdate(ctx, n.Node.ID, client.NodeUpdateOptions{Version: n.Node.Version, Spec: spec}); err != nil {
		t.Fatal(err)
	}
}

func connect(t *testing.T, s *dockertest.Swarm, cfg Config) (*Engine, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e, err := New(ctx, manager(t, s), cfg)
	if err == nil {
		t.Cleanup(func() { _ = e.Close() })
	}
	return e, err
}

// Connecting checks every node that may get work, and an error names the
// node and what to do: one the label sends nowhere, one without the label,
// one without TLS material. A drained node without the label is left out.
func TestSwarmConnectNamesTheNodeItCannotReach(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	cfg := Config{CertDir: s.TLSDir}
	e, err := connect(t, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d := e.Describe(); !strings.Contains(d, "3 node(s) (rj-n1, rj-n2, rj-n3)") {
		t.Errorf("Describe: %s", d)
	}
	t.Cleanup(func() {
		setEndpoint(t, s, 2, s.Nodes[2].TCP)
		if err := s.Activate(context.Background(), 2); err != nil {
			t.Error(err)
		}
	})
	wrong := "tcp://" + s.Nodes[2].Addr + ":2399"
	setEndpoint(t, s, 2, wrong)
	if _, err := connect(t, s, cfg); err == nil || !strings.Contains(err.Error(), "swarm node rj-n3: cannot reach the Docker engine at "+wrong) {
		t.Errorf("a wrong endpoint: %v", err)
	}
	setEndpoint(t, s, 2, "")
	if _, err := connect(t, s, cfg); err == nil || !strings.Contains(err.Error(), "swarm node rj-n3 ("+s.Nodes[2].ID+") has no runjob.endpoint label") ||
		!strings.Contains(err.Error(), "docker node update --label-add runjob.endpoint=tcp://HOST:2376 rj-n3") {
		t.Errorf("no endpoint: %v", err)
	}
	if err := s.Drain(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	if e, err := connect(t, s, cfg); err != nil || !strings.Contains(e.Describe(), "2 node(s) (rj-n1, rj-n2)") {
		t.Errorf("a drained node without the label: %v", err)
	}
	setEndpoint(t, s, 2, s.Nodes[2].TCP)
	if err := s.Activate(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	_, err = connect(t, s, Config{CertDir: t.TempDir()})
	for _, n := range []string{"rj-n1", "rj-n2", "rj-n3"} {
		if err == nil || !strings.Contains(err.Error(), "swarm node "+n+": runjob.endpoint=tcp://") || !strings.Contains(err.Error(), "no TLS material") {
			t.Errorf("no TLS material: %v", err)
		}
	}
}
