package swarm

import (
	"context"
	"sort"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// A cache volume lives on one node. A step that uses a cache is pinned to
// the node that holds it (a node.id constraint), so that what one run left
// there the next finds, as on one engine. The first use creates it where
// Swarm places that step. When the node that holds it cannot take work
// (down, drained, lost), the step goes where Swarm places it and starts
// with an empty cache there; the old volume stays on its node, and from
// then on a step goes to whichever of the two holders can take it. A step
// with several caches is pinned by the first of them (by volume name) that
// is held somewhere.

// cacheNode returns the ID of the node a step's caches pin it to, "" for
// none: a holder that can take work and satisfies the constraints cs.
func (e *Engine) cacheNode(ctx context.Context, spec *executor.ContainerSpec, cs []pipeline.Constraint) (string, error) {
	var vols []string
	for _, m := range spec.Mounts {
		if m.Volume != "" && m.Labels[executor.LabelCache] != "" {
			vols = append(vols, m.Volume)
		}
	}
	if len(vols) == 0 {
		return "", nil
	}
	sort.Strings(vols)
	usable, err := e.usableNodes(ctx)
	if err != nil {
		return "", err
	}
	for _, v := range vols {
		for _, n := range e.nodes.all() {
			sn, ok := usable[n.id]
			if !ok || e.nodes.isLost(n) || unmet(sn, cs) != nil {
				continue
			}
			if _, err := n.cli.VolumeInspect(ctx, v, client.VolumeInspectOptions{}); err == nil {
				return n.id, nil
			} else if !cerrdefs.IsNotFound(err) {
				return "", e.nodeErr(n, err)
			}
		}
	}
	return "", nil
}

// usableNodes are the nodes that may take work now (ready and active), by
// ID.
func (e *Engine) usableNodes(ctx context.Context) (map[string]swarm.Node, error) {
	list, err := e.api.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		return nil, e.managerErr(ctx, err)
	}
	out := map[string]swarm.Node{}
	for _, n := range list.Items {
		if n.Status.State == swarm.NodeStateReady && n.Spec.Availability == swarm.NodeAvailabilityActive {
			out[n.ID] = n
		}
	}
	return out, nil
}
