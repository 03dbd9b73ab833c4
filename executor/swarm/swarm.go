// Package swarm implements executor.Engine and executor.Inventory over a
// Docker Swarm cluster.
//
// Swarm does what a cluster engine is for: it knows the nodes, their health
// and availability, accounts for their resources, places work under
// constraints and spans overlay networks across them. Each step's container
// then lives on the node Swarm chose and is driven through that node's own
// Engine API by executor/docker, so every guarantee of a local run holds
// there: inputs copied in before start, attach before start with stdout and
// stderr kept apart byte for byte, no-new-privileges, memory without extra
// swap and OOM kills, artifacts, stop with grace, removal.
//
// Placement is Swarm's (place.go): for each container, Place creates a
// reservation service (one replica, restart policy none, the step's
// constraints, its resources as reservations) whose task runs a 129-byte
// pause process (pause.go); the node Swarm assigns the task to runs the
// container, and the reservation holds the step's share of that node until
// Remove. Images are pinned once per run and made ready on each node the
// first time it needs them (images.go); service containers share an
// attachable overlay network (network.go); a cache volume pins its steps
// to the node that holds it (caches.go).
//
// Each node's engine is reached at the address its runjob.endpoint label
// names, over TLS with the docker CLI's material (tls.go).
package swarm

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
)

// Engine is an executor.Engine and executor.Inventory over a swarm: the
// manager's API for the swarm itself, each node's for its containers.
type Engine struct {
	mgr *docker.Engine
	api *client.Client // mgr's, for nodes, services, tasks, networks
	cfg Config

	nodes   *nodeSet
	places  *places
	images  *images
	local   *localEngine
	pause   onceMap // node ID -> the pause image is there
	anchors anchors
}

var (
	_ executor.Engine        = (*Engine)(nil)
	_ executor.Inventory     = (*Engine)(nil)
	_ executor.Placer        = (*Engine)(nil)
	_ executor.ProcessLister = (*Engine)(nil)
)

// New returns an Engine over the swarm whose manager mgr is (an engine
// that answered a ping). It checks what a run needs before any step is
// queued: that mgr is a manager, reached securely, and that every node
// that may get work names its engine (EndpointLabel) and answers there
// with the TLS material of cfg. The errors name the node.
func New(ctx context.Context, mgr *docker.Engine, cfg Config) (*Engine, error) {
	if !mgr.IsSwarmManager(ctx) {
		return nil, fmt.Errorf("the engine at %s is not a Docker Swarm manager (docker swarm init, or point DOCKER_HOST at a manager)", mgr.Host())
	}
	if err := cfg.checkManager(mgr); err != nil {
		return nil, err
	}
	e := &Engine{mgr: mgr, api: mgr.Client(), cfg: cfg, places: newPlaces(), local: &localEngine{host: cfg.LocalHost}}
	e.nodes = &nodeSet{e: e, byID: map[string]*node{}, lost: map[string]error{}}
	e.images = &images{e: e, pins: map[string]pin{}}
	e.anchors = anchors{nets: map[string]network{}, held: map[string][]anchor{}}
	if err := e.nodes.connectAll(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Close releases the connections to the manager, the nodes and the local
// engine.
func (e *Engine) Close() error {
	e.nodes.closeAll()
	e.local.close()
	return e.mgr.Close()
}

// Host is the manager's address.
func (e *Engine) Host() string { return e.mgr.Host() }

// Ping checks that the manager answers: the run's health watch calls it
// every few seconds, so it asks nothing of the nodes (a lost node is a
// lost step, see NodeError).
func (e *Engine) Ping(ctx context.Context) error { return e.mgr.Ping(ctx) }

// Describe says what the engine is, for the start of a run: the manager
// and the nodes it reaches, e.g. "Docker Swarm at tcp://m:2376: 3 nodes
// (m, w1, w2)".
func (e *Engine) Describe() string {
	names := e.nodes.names()
	sort.Strings(names)
	return fmt.Sprintf("Docker Swarm at %s: %d node(s) (%s)", e.Host(), len(names), strings.Join(names, ", "))
}

// Labelled counts the nodes of the swarm mgr manages that carry
// EndpointLabel: how --engine auto knows the swarm is meant for runjob.
func Labelled(ctx context.Context, mgr *docker.Engine) (int, error) {
	list, err := mgr.Client().NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		return 0, fmt.Errorf("list the swarm's nodes at %s: %w", mgr.Host(), err)
	}
	n := 0
	for _, sn := range list.Items {
		if sn.Spec.Labels[EndpointLabel] != "" {
			n++
		}
	}
	return n, nil
}
