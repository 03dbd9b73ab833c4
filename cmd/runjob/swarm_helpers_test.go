package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// runOnSwarm runs the binary against s as a user would: DOCKER_HOST at
// the manager's TLS endpoint, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, and
// --engine swarm. When the run reached the swarm, a check that nothing of
// it is left on any node is registered (after the test's own cleanups).
func runOnSwarm(t *testing.T, s *dockertest.Swarm, env []string, args ...string) result {
	t.Helper()
	r := runjob(t, append(s.TCPEnv(0), env...), append([]string{"--engine", "swarm"}, args...)...)
	if r.runID != "" {
		s.NoLeftovers(t, r.runID)
	}
	return r
}

// stepNodes says, from the nodes' own engines, which node created the
// containers of run runID: step (or service) name -> node hostnames, in
// node order. It reads each engine's event log since the test began.
func stepNodes(t *testing.T, s *dockertest.Swarm, runID string, since time.Time) map[string][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := map[string][]string{}
	for i, n := range s.Nodes {
		cli, err := s.Client(i)
		if err != nil {
			t.Fatal(err)
		}
		f := make(client.Filters).Add("type", "container").Add("event", "create").Add("label", executor.LabelRunID+"="+runID)
		res := cli.Events(ctx, client.EventsListOptions{Since: strconv.FormatInt(since.Unix()-1, 10),
			Until: strconv.FormatInt(time.Now().Unix()+1, 10), Filters: f})
	read:
		for {
			select {
			case m, ok := <-res.Messages:
				if !ok {
					break read
				}
				name := m.Actor.Attributes[executor.LabelStep]
				if svc := m.Actor.Attributes[executor.LabelService]; svc != "" {
					name = "svc:" + svc
				}
				if name != "" { // not a network's anchor
					out[name] = append(out[name], n.Hostname)
				}
			case err := <-res.Err:
				if err != nil && !errors.Is(err, io.EOF) {
					t.Fatalf("events of %s: %v", n.Name, err)
				}
				break read
			}
		}
		_ = cli.Close()
	}
	return out
}

// distinct counts the different nodes in a stepNodes map.
func distinct(nodes map[string][]string) int {
	seen := map[string]bool{}
	for _, ns := range nodes {
		for _, n := range ns {
			seen[n] = true
		}
	}
	return len(seen)
}

// uniqueLabel is a node label key no other test (or test process) uses.
func uniqueLabel(t *testing.T) string {
	return fmt.Sprintf("runjob-test-%d-%d", time.Now().UnixNano()%1e6, len(t.Name()))
}
