package swarm

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker"
)

// node is one swarm node whose engine runjob drives.
type node struct {
	id, hostname, endpoint string
	cli                    *client.Client
	eng                    *docker.Engine
}

// String names the node in messages: hostname and endpoint.
func (n *node) String() string { return fmt.Sprintf("node %s (%s)", n.hostname, n.endpoint) }

// nodeSet holds the nodes runjob reaches, by node ID, and those it lost
// during the run. Safe for concurrent use.
type nodeSet struct {
	e    *Engine
	mu   sync.Mutex
	byID map[string]*node
	// lost are nodes whose engine stopped answering: they get no further
	// containers of this engine (Place excludes them).
	lost map[string]error
}

// connectAll lists the swarm's nodes and connects to every ready one. A
// node that may get work (ready, availability active) and cannot be
// reached is an error naming it; so is one without EndpointLabel. Drained
// and paused nodes are connected when they can be (they may still hold
// containers to clean up), down ones are left out.
func (s *nodeSet) connectAll(ctx context.Context) error {
	list, err := s.e.api.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		return fmt.Errorf("list the swarm's nodes at %s: %w", s.e.Host(), err)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, sn := range list.Items {
		if sn.Status.State != swarm.NodeStateReady {
			continue
		}
		wg.Go(func() {
			n, err := s.e.dial(ctx, sn)
			if err == nil {
				err = s.e.ensurePause(ctx, n)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				s.add(n)
			case sn.Spec.Availability == swarm.NodeAvailabilityActive:
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	if len(errs) == 0 && len(s.byID) == 0 {
		return fmt.Errorf("the swarm at %s has no ready node runjob can reach", s.e.Host())
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

func (s *nodeSet) add(n *node) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.byID[n.id]; old != nil {
		_ = old.cli.Close()
	}
	s.byID[n.id] = n
}

// get returns the node with the given ID, connecting to it when it is new
// to this engine (it joined the swarm after the run started).
func (s *nodeSet) get(ctx context.Context, id string) (*node, error) {
	s.mu.Lock()
	n := s.byID[id]
	s.mu.Unlock()
	if n != nil {
		return n, nil
	}
	res, err := s.e.api.NodeInspect(ctx, id, client.NodeInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("inspect swarm node %s: %w", id, err)
	}
	n, err = s.e.dial(ctx, res.Node)
	if err == nil {
		err = s.e.ensurePause(ctx, n)
	}
	if err != nil {
		return nil, err
	}
	s.add(n)
	return n, nil
}

// known returns the node with the given ID if runjob is connected to it.
func (s *nodeSet) known(id string) *node {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id]
}

// all returns the connected nodes, by hostname.
func (s *nodeSet) all() []*node {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*node, 0, len(s.byID))
	for _, n := range s.byID {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].hostname < out[j].hostname })
	return out
}

func (s *nodeSet) names() []string {
	var out []string
	for _, n := range s.all() {
		out = append(out, n.hostname)
	}
	return out
}

// markLost records that n's engine stopped answering.
func (s *nodeSet) markLost(n *node, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.lost[n.id]; !ok {
		s.lost[n.id] = err
	}
}

// lostIDs are the IDs of the nodes lost so far, sorted.
func (s *nodeSet) lostIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.lost))
	for id := range s.lost {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func (s *nodeSet) closeAll() {
	for _, n := range s.all() {
		_ = n.cli.Close()
	}
}

// isLost reports whether n was lost during the run.
func (s *nodeSet) isLost(n *node) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.lost[n.id]
	return ok
}
