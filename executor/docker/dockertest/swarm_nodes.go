package dockertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker"
)

// Client is a moby client on node i's unix socket; the caller closes it.
func (s *Swarm) Client(i int) (*client.Client, error) {
	if i < 0 || i >= len(s.Nodes) {
		return nil, fmt.Errorf("no node %d (the swarm has %d)", i, len(s.Nodes))
	}
	return client.New(client.WithHost(s.Nodes[i].Unix), client.WithAPIVersionNegotiation())
}

// Engine is a runjob engine on node i's unix socket, closed when t ends.
func (s *Swarm) Engine(t testing.TB, i int) *docker.Engine {
	t.Helper()
	eng, err := docker.New(client.WithHost(s.Nodes[i].Unix))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if err := eng.Ping(ctx); err != nil {
		t.Fatalf("node %s: %v", s.Nodes[i].Name, err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	return eng
}

// TCPEnv is the environment that points a docker CLI or runjob at node
// i's TLS endpoint, as a user would: DOCKER_HOST, DOCKER_TLS_VERIFY,
// DOCKER_CERT_PATH.
func (s *Swarm) TCPEnv(i int) []string {
	return []string{"DOCKER_HOST=" + s.Nodes[i].TCP, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + s.TLSDir}
}

// TLSFiles are the client's CA, certificate and key files.
func (s *Swarm) TLSFiles() (ca, cert, key string) {
	return filepath.Join(s.TLSDir, "ca.pem"), filepath.Join(s.TLSDir, "cert.pem"), filepath.Join(s.TLSDir, "key.pem")
}

// KillNode SIGKILLs node i's dockerd, as an engine crash: its containers
// and their shims live on (its containerd dies with it). The swarm
// manager sees the node go Down after its heartbeat period (5 s here).
func (s *Swarm) KillNode(i int) error { return s.nodeScript("kill-node", i) }

// StopNode stops node i's dockerd gracefully: it stops its containers.
func (s *Swarm) StopNode(i int) error { return s.nodeScript("stop-node", i) }

// StartNode starts node i's dockerd again (after KillNode or StopNode)
// and waits until it answers; it rejoins the swarm by itself.
func (s *Swarm) StartNode(i int) error { return s.nodeScript("start-node", i) }

func (s *Swarm) nodeScript(cmd string, i int) error {
	if i < 0 || i >= len(s.Nodes) {
		return fmt.Errorf("%s: no node %d (the swarm has %d)", cmd, i, len(s.Nodes))
	}
	if out, err := swarmScript(cmd, s.Dir, strconv.Itoa(i+1)); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", cmd, s.Nodes[i].Name, err, out)
	}
	return nil
}

// Drain sets node i's availability to drain: Swarm places no new task
// there and moves its service tasks away.
func (s *Swarm) Drain(ctx context.Context, i int) error {
	return s.setAvailability(ctx, i, swarm.NodeAvailabilityDrain)
}

// Activate makes node i active again.
func (s *Swarm) Activate(ctx context.Context, i int) error {
	return s.setAvailability(ctx, i, swarm.NodeAvailabilityActive)
}

func (s *Swarm) setAvailability(ctx context.Context, i int, a swarm.NodeAvailability) error {
	cli, err := s.Client(0)
	if err != nil {
		return err
	}
	defer cli.Close()
	n, err := cli.NodeInspect(ctx, s.Nodes[i].ID, client.NodeInspectOptions{})
	if err != nil {
		return fmt.Errorf("inspect node %s: %w", s.Nodes[i].Name, err)
	}
	spec := n.Node.Spec
	spec.Availability = a
	if _, err := cli.NodeUpdate(ctx, n.Node.ID, client.NodeUpdateOptions{Version: n.Node.Version, Spec: spec}); err != nil {
		return fmt.Errorf("set node %s %s: %w", s.Nodes[i].Name, a, err)
	}
	return nil
}

// LoadImage streams ref from the engine the other tests use (DOCKER_HOST
// or /var/run/docker.sock) into node i (GET /images/get into POST
// /images/load): nodes start with no images at all.
func (s *Swarm) LoadImage(ctx context.Context, i int, ref string) error {
	src, err := client.New(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := s.Client(i)
	if err != nil {
		return err
	}
	defer dst.Close()
	rd, err := src.ImageSave(ctx, []string{ref})
	if err != nil {
		return fmt.Errorf("save %s: %w", ref, err)
	}
	defer rd.Close()
	res, err := dst.ImageLoad(ctx, rd, client.ImageLoadWithQuiet(true))
	if err != nil {
		return fmt.Errorf("load %s into %s: %w", ref, s.Nodes[i].Name, err)
	}
	defer res.Close()
	// The load reports a failure inside its JSON stream, with a 200.
	dec := json.NewDecoder(res)
	for {
		var msg struct{ Error string }
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("load %s into %s: %w", ref, s.Nodes[i].Name, err)
		}
		if msg.Error != "" {
			return fmt.Errorf("load %s into %s: %s", ref, s.Nodes[i].Name, msg.Error)
		}
	}
}
