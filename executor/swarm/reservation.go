package swarm

import (
	"context"
	"errors"
	"fmt"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker"
)

// reservation is where one container runs: its node, the reservation
// service that holds the node for it, and the image reference the node
// creates it from.
type reservation struct {
	name    string // the container's name
	service string // the reservation service's ID
	node    *node
	image   string
	id      string // the container's ID, once created
}

// places are the reservations of the containers of this engine, by
// container name and ID. Safe for concurrent use.
type places struct {
	mu     sync.Mutex
	byN    map[string]*reservation
	byI    map[string]*reservation
	forgot map[string]*node // removed containers' nodes, for late calls (Stop after Remove)
}

func newPlaces() *places {
	return &places{byN: map[string]*reservation{}, byI: map[string]*reservation{}, forgot: map[string]*node{}}
}

func (p *places) add(r *reservation) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byN[r.name] = r
}

func (p *places) byName(name string) *reservation {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byN[name]
}

// bind records the container's ID once it is created.
func (p *places) bind(r *reservation, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r.id = id
	p.byI[id] = r
}

// lookup finds a reservation by container ID or name.
func (p *places) lookup(idOrName string) *reservation {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := p.byI[idOrName]; r != nil {
		return r
	}
	return p.byN[idOrName]
}

// drop forgets r, keeping which node its container was on.
func (p *places) drop(r *reservation) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.byN, r.name)
	if r.id != "" {
		delete(p.byI, r.id)
		p.forgot[r.id] = r.node
	}
}

// nodeOf is the node a container is or was on, nil if unknown.
func (p *places) nodeOf(id string) *node {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := p.byI[id]; r != nil {
		return r.node
	}
	if r := p.byN[id]; r != nil {
		return r.node
	}
	return p.forgot[id]
}

// release removes r's reservation service and its pause container. Swarm
// removes the container too, a moment later; runjob does not wait for
// that, so that nothing of the run is left when runjob exits.
func (e *Engine) release(ctx context.Context, r *reservation) error {
	if r.service == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
	defer cancel()
	_, err := e.api.ServiceRemove(ctx, r.service, client.ServiceRemoveOptions{})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return e.managerErr(ctx, fmt.Errorf("remove reservation service %s: %w", reservationName(r.name), err))
	}
	if r.node == nil || e.nodes.isLost(r.node) {
		return nil
	}
	f := make(client.Filters).Add("label", "com.docker.swarm.service.id="+r.service)
	res, err := r.node.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil // Swarm removes it anyway
	}
	for _, c := range res.Items {
		_, _ = r.node.cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true})
	}
	return nil
}

// managerErr marks an error that says the manager is gone, so that the
// run ends (cerrdefs.IsUnavailable).
func (e *Engine) managerErr(ctx context.Context, err error) error {
	if err == nil || ctx.Err() != nil || !client.IsErrConnectionFailed(err) {
		return err
	}
	return &docker.UnreachableError{Host: e.Host(), Err: err}
}

// NodeError is a node whose engine stopped answering: its step ends as an
// engine error, but the run goes on on the other nodes (the node gets no
// further containers). It is deliberately not cerrdefs.IsUnavailable,
// which would end the whole run: the swarm is still there.
type NodeError struct {
	Node, Endpoint string
	Err            error
}

func (e *NodeError) Error() string {
	return fmt.Sprintf("swarm node %s (%s) was lost: %v", e.Node, e.Endpoint, e.Err)
}

// nodeErr is an error of n's engine as this engine returns it: a
// NodeError, marking the node lost, when the engine is gone
// (executor/docker's UnreachableError: refused, reset, stopped listening;
// not cerrdefs.IsUnavailable, which a live daemon's 503 says too), else the
// error, classified as it was, behind the node's name.
func (e *Engine) nodeErr(n *node, err error) error {
	var (
		ne *NodeError
		ue *docker.UnreachableError
	)
	switch {
	case err == nil || errors.As(err, &ne):
		return err
	case !errors.As(err, &ue):
		return fmt.Errorf("%s: %w", n, err)
	}
	e.nodes.markLost(n, err)
	return &NodeError{Node: n.hostname, Endpoint: n.endpoint, Err: errors.New(err.Error())}
}
