package swarm

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
)

// CreateNetwork creates the run's network on the manager: an attachable
// overlay network, which spans the nodes, so that a step on one node
// reaches a service on another by its alias. (The containers are plain
// containers, not swarm services, so their names resolve to their own
// addresses: no virtual IP, which needs IPVS in the kernel.)
func (e *Engine) CreateNetwork(ctx context.Context, name string, labels map[string]string) (string, error) {
	res, err := e.api.NetworkCreate(ctx, name, client.NetworkCreateOptions{Driver: "overlay", Attachable: true, Labels: labels})
	if err != nil {
		return "", e.managerErr(ctx, fmt.Errorf("create overlay network %s on the swarm manager %s: %w", name, e.Host(), err))
	}
	e.anchors.mu.Lock()
	e.anchors.nets[res.ID] = network{name: name, labels: maps.Clone(labels)}
	e.anchors.mu.Unlock()
	return res.ID, nil
}

// A worker drops its copy of an overlay network when its last container on
// it leaves, and a container attached in that moment fails with "network
// not found"; the failed attachment then keeps the manager from removing
// the network until the worker's dockerd restarts (Engine 20.10). So the
// first container of a run on a node's overlay network is an anchor, a
// pause container that stays attached until the network is removed: the
// step and service containers never leave the node without one.

// anchors are the run networks and, per node, the anchor holding each.
type anchors struct {
	mu   sync.Mutex
	nets map[string]network
	held map[string][]anchor // network ID -> its anchors
	once onceMap             // network ID + " " + node ID
}

type network struct {
	name   string
	labels map[string]string
}

type anchor struct {
	node *node
	id   string
}

// anchor makes sure network netID has its anchor on n.
func (e *Engine) anchor(ctx context.Context, n *node, netID string) error {
	e.anchors.mu.Lock()
	net, ok := e.anchors.nets[netID]
	e.anchors.mu.Unlock()
	if !ok {
		return nil // not a network of this engine's run
	}
	return e.anchors.once.do(ctx, netID+" "+n.id, func() error {
		_, pauseID := pauseImage()
		labels := maps.Clone(net.labels)
		spec := &executor.ContainerSpec{Name: net.name + "-anchor-" + n.id, Image: pauseID, Labels: labels, Network: netID}
		id, err := n.eng.Create(ctx, spec)
		if err == nil {
			_, err = n.cli.ContainerStart(ctx, id, client.ContainerStartOptions{})
			e.anchors.mu.Lock()
			e.anchors.held[netID] = append(e.anchors.held[netID], anchor{node: n, id: id})
			e.anchors.mu.Unlock()
		}
		if err != nil {
			return e.nodeErr(n, fmt.Errorf("attach to network %s: %w", net.name, err))
		}
		return nil
	})
}

// dropAnchors removes network netID's anchors from their nodes.
func (e *Engine) dropAnchors(ctx context.Context, netID string) {
	e.anchors.mu.Lock()
	held := e.anchors.held[netID]
	delete(e.anchors.held, netID)
	e.anchors.mu.Unlock()
	for _, a := range held {
		_ = a.node.eng.Remove(ctx, a.id)
	}
}

// networkSettle bounds the wait for the nodes to let go of a network: a
// node detaches a removed container from an overlay network a moment
// later, and until then the manager refuses to remove the network.
const networkSettle = 15 * time.Second

// RemoveNetwork removes the run's network, its anchors first, once the
// nodes have let go of it; a missing one is removed already.
func (e *Engine) RemoveNetwork(ctx context.Context, id string) error {
	e.dropAnchors(ctx, id)
	deadline := time.Now().Add(networkSettle)
	for delay := 50 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		_, err := e.api.NetworkRemove(ctx, id, client.NetworkRemoveOptions{})
		switch {
		case err == nil || cerrdefs.IsNotFound(err):
			return nil
		case !cerrdefs.IsConflict(err) && !cerrdefs.IsPermissionDenied(err) || time.Now().After(deadline):
			return e.managerErr(ctx, fmt.Errorf("remove overlay network %s: %w", id, err))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}
