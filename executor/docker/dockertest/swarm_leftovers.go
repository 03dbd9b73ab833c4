package dockertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
)

// callTimeout bounds one call of the harness to a node.
const callTimeout = 30 * time.Second

// Leftovers lists what carries runjob's run label on any node, as
// "n2 container runjob-...": containers, networks, volumes and built
// images on every node (as scripts/check-leftovers.sh does on one engine),
// and services on the manager. runID "" means any run's. A node that does
// not answer is an error: nothing can be said about it.
func (s *Swarm) Leftovers(ctx context.Context, runID string) ([]string, error) {
	labels := map[string]string{executor.LabelRunID: runID}
	var left []string
	for i, n := range s.Nodes {
		eng, err := docker.New(client.WithHost(n.Unix))
		if err != nil {
			return nil, err
		}
		rs, err := eng.Resources(ctx, labels)
		_ = eng.Close()
		if err != nil {
			return nil, fmt.Errorf("node %s: %w", n.Name, err)
		}
		for _, r := range rs {
			left = append(left, n.Name+" "+r.Kind+" "+r.Name)
		}
		if i == 0 {
			svcs, err := s.services(ctx, labels)
			if err != nil {
				return nil, err
			}
			left = append(left, svcs...)
		}
	}
	return left, nil
}

func (s *Swarm) services(ctx context.Context, labels map[string]string) ([]string, error) {
	cli, err := s.Client(0)
	if err != nil {
		return nil, err
	}
	defer cli.Close()
	f := make(client.Filters)
	for k, v := range labels {
		if v == "" {
			f.Add("label", k)
		} else {
			f.Add("label", k+"="+v)
		}
	}
	res, err := cli.ServiceList(ctx, client.ServiceListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list services on %s: %w", s.Nodes[0].Name, err)
	}
	var out []string
	for _, svc := range res.Items {
		out = append(out, s.Nodes[0].Name+" service "+svc.Spec.Name)
	}
	return out, nil
}

// settleTime bounds how long WaitNoLeftovers waits for the nodes to agree
// with the manager: a worker drops its copy of a removed overlay network
// asynchronously (about a second after the manager, here).
const settleTime = 20 * time.Second

// WaitNoLeftovers returns once Leftovers(runID) is empty, or what is still
// left after settleTime: what the manager removed, workers drop soon after;
// a real leftover stays.
func (s *Swarm) WaitNoLeftovers(ctx context.Context, runID string) ([]string, error) {
	deadline := time.Now().Add(settleTime)
	for {
		left, err := s.Leftovers(ctx, runID)
		if err != nil || len(left) == 0 || time.Now().After(deadline) {
			return left, err
		}
		select {
		case <-ctx.Done():
			return left, nil
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// NoLeftovers registers a cleanup, to run after the test's own, that
// fails the test if anything of runID ("": of any run) is left on any
// node (WaitNoLeftovers).
func (s *Swarm) NoLeftovers(t testing.TB, runID string) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), settleTime+callTimeout)
		defer cancel()
		left, err := s.WaitNoLeftovers(ctx, runID)
		if err != nil {
			t.Errorf("list swarm leftovers: %v", err)
		} else if len(left) > 0 {
			t.Errorf("left on the swarm %s after %s: %s", s.Dir, settleTime, strings.Join(left, ", "))
		}
	})
}
