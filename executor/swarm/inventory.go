package swarm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
)

// The inventory is the swarm's: the reservation services and overlay
// networks on the manager, the containers and volumes on every node
// runjob reaches, the built images on the local engine. A resource's ID
// says where it is, so that RemoveResource goes there:
// "service/ID", "network/ID", "local/ID", or "NODE-ID/ID".
const (
	scopeService = "service"
	scopeNetwork = "network"
	scopeLocal   = "local"
)

// Resources lists what carries all the labels, everywhere: reservation
// services first (removing one frees its node), then containers,
// networks, volumes and images.
func (e *Engine) Resources(ctx context.Context, labels map[string]string) ([]executor.Resource, error) {
	f := docker.LabelFilter(labels)
	svcs, err := e.api.ServiceList(ctx, client.ServiceListOptions{Filters: f})
	if err != nil {
		return nil, e.managerErr(ctx, fmt.Errorf("list services on the swarm manager: %w", err))
	}
	out := make([]executor.Resource, 0, len(svcs.Items))
	for _, s := range svcs.Items {
		out = append(out, executor.Resource{Kind: executor.ResourceService, ID: scopeService + "/" + s.ID, Name: s.Spec.Name,
			Labels: s.Spec.Labels, Created: s.CreatedAt})
	}
	nets, err := e.api.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, e.managerErr(ctx, fmt.Errorf("list networks on the swarm manager: %w", err))
	}
	for _, n := range nets.Items {
		if n.Scope == "swarm" {
			out = append(out, executor.Resource{Kind: executor.ResourceNetwork, ID: scopeNetwork + "/" + n.ID, Name: n.Name,
				Labels: n.Labels, Created: n.Created})
		}
	}
	rest, err := e.nodeResources(ctx, labels)
	if err != nil {
		return nil, err
	}
	out = append(out, rest...)
	order := map[string]int{executor.ResourceService: 0, executor.ResourceContainer: 1, executor.ResourceNetwork: 2,
		executor.ResourceVolume: 3, executor.ResourceImage: 4}
	slices.SortStableFunc(out, func(a, b executor.Resource) int { return order[a.Kind] - order[b.Kind] })
	return out, nil
}

// nodeResources lists the containers, volumes and images of every node and the built images of the local engine, concurrently.
func (e *Engine) nodeResources(ctx context.Context, labels map[string]string) ([]executor.Resource, error) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		out  []executor.Resource
		errs []string
	)
	add := func(scope, where string, rs []executor.Resource, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, err.Error())
			return
		}
		for _, r := range rs {
			// runjob makes networks on the manager only: a worker's copy of
			// one goes when the manager's does.
			if r.Kind == executor.ResourceNetwork || scope == scopeLocal && r.Kind != executor.ResourceImage {
				continue
			}
			r.ID = scope + "/" + r.ID
			if scope != scopeLocal {
				r.Name += " on " + where
			}
			out = append(out, r)
		}
	}
	for _, n := range e.nodes.all() {
		wg.Go(func() {
			rs, err := n.eng.Resources(ctx, labels)
			add(n.id, n.hostname, rs, e.nodeErr(n, err))
		})
	}
	if eng, err := e.local.get(ctx); err == nil {
		wg.Go(func() {
			rs, err := eng.Resources(ctx, labels)
			if err != nil {
				err = fmt.Errorf("the local engine %s: %w", e.local.host, err)
			}
			add(scopeLocal, "", rs, err)
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, fmt.Errorf("list resources: %s", strings.Join(errs, "; "))
	}
	return out, nil
}

// RemoveResource removes r where its ID says it is. A volume named
// without a place (as `cache prune` names caches) is removed from every
// node that has it.
func (e *Engine) RemoveResource(ctx context.Context, r executor.Resource) error {
	scope, id, ok := strings.Cut(r.ID, "/")
	switch {
	case !ok && r.Kind == executor.ResourceVolume:
		return e.removeVolumeEverywhere(ctx, r)
	case !ok:
		return fmt.Errorf("%s %s: not a resource of this swarm engine", r.Kind, r.ID)
	case scope == scopeService:
		_, err := e.api.ServiceRemove(ctx, id, client.ServiceRemoveOptions{})
		if err != nil && !cerrdefs.IsNotFound(err) {
			return e.managerErr(ctx, fmt.Errorf("remove service %s: %w", r.Name, err))
		}
		return nil
	case scope == scopeNetwork:
		return e.RemoveNetwork(ctx, id)
	}
	r.ID = id
	if scope == scopeLocal {
		eng, err := e.local.get(ctx)
		if err != nil {
			return err
		}
		return eng.RemoveResource(ctx, r)
	}
	n := e.nodes.known(scope)
	if n == nil {
		return fmt.Errorf("%s %s: swarm node %s is not connected", r.Kind, r.Name, scope)
	}
	return e.nodeErr(n, n.eng.RemoveResource(ctx, r))
}

func (e *Engine) removeVolumeEverywhere(ctx context.Context, r executor.Resource) error {
	for _, n := range e.nodes.all() {
		if err := n.eng.RemoveResource(ctx, r); err != nil {
			return e.nodeErr(n, err)
		}
	}
	return nil
}

// Caches lists the cache volumes of every node, each with its node.
func (e *Engine) Caches(ctx context.Context, pipeline string) ([]executor.Cache, error) {
	var out []executor.Cache
	for _, n := range e.nodes.all() {
		cs, err := n.eng.Caches(ctx, pipeline)
		if err != nil {
			return nil, e.nodeErr(n, err)
		}
		for _, c := range cs {
			c.Node = n.hostname
			out = append(out, c)
		}
	}
	return out, nil
}
