package swarm

import (
	"context"
	"fmt"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
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
	return res.ID, nil
}

// networkSettle bounds the wait for the nodes to let go of a network: a
// node detaches a removed container from an overlay network a moment
// later, and until then the manager refuses to remove the network.
const networkSettle = 15 * time.Second

// RemoveNetwork removes the run's network once the nodes have let go of
// it; a missing one is removed already.
func (e *Engine) RemoveNetwork(ctx context.Context, id string) error {
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
