package swarm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// Labels of the reservations.
const (
	// LabelReserves is on a reservation service: the name of the container
	// it holds a node for. The service also carries the container's labels
	// (run ID, step, pid and host), so prune and the leftover check find it.
	LabelReserves = "io.runjob.reserves"
	// LabelReservation is on a reservation task's pause container (its
	// service's name) and on the pause image ("pause"). The container
	// carries no run ID: Swarm creates and removes it with its service.
	LabelReservation = "io.runjob.reservation"
)

// callTimeout bounds one call to the manager that runjob must not cancel
// half way (a service created unseen would hold a node for nothing).
const callTimeout = 30 * time.Second

// The wait for a task's node: polled every pollFast while Swarm usually
// answers (its scheduler assigns a task 50-100 ms after the service is
// created when there is room), then backing off to pollMax; checked for
// feasibility after a moment and then now and then.
const (
	pollFast      = 5 * time.Millisecond
	pollFastFor   = 500 * time.Millisecond
	pollMax       = 250 * time.Millisecond
	feasibleFirst = 500 * time.Millisecond
	feasibleEvery = 3 * time.Second
)

// Place chooses the container's node the way Swarm chooses a task's: it
// creates the container's reservation service and waits, on ctx, until
// Swarm assigns its task to a node; then it makes the container's image
// ready there, and its network (network.go). A failed Place holds nothing.
func (e *Engine) Place(ctx context.Context, spec *executor.ContainerSpec) error {
	if e.places.byName(spec.Name) != nil {
		return nil
	}
	r, err := e.place(ctx, spec)
	if err != nil {
		return err
	}
	e.places.add(r)
	return nil
}

func (e *Engine) place(ctx context.Context, spec *executor.ContainerSpec) (*reservation, error) {
	if err := checkMounts(spec); err != nil {
		return nil, err
	}
	d, err := e.demand(ctx, spec)
	if err != nil {
		return nil, err
	}
	r := &reservation{name: spec.Name}
	if r.service, err = e.reserve(ctx, spec, d); err != nil {
		return nil, err
	}
	nodeID, err := e.awaitNode(ctx, r.service, d)
	if err == nil {
		r.node, err = e.nodes.get(ctx, nodeID)
	}
	if err == nil {
		r.image, err = e.images.on(ctx, r.node, spec.Image)
	}
	if err == nil && spec.Network != "" {
		err = e.anchor(ctx, r.node, spec.Network)
	}
	if err != nil {
		if rerr := e.release(ctx, r); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return nil, err
	}
	return r, nil
}

// demand is what the container's reservation asks: the step's constraints
// and resources, a node the pause program runs on, none of the nodes lost
// during the run, and the node of its cache when it has one (caches.go).
func (e *Engine) demand(ctx context.Context, spec *executor.ContainerSpec) (demand, error) {
	cs, err := parseConstraints(spec.Constraints)
	if err != nil {
		return demand{}, fmt.Errorf("%w: %v", cerrdefs.ErrInvalidArgument, err)
	}
	cs = append(cs, pipeline.Constraint{Key: "node.platform.arch", Equal: true, Value: PauseArch})
	for _, id := range e.nodes.lostIDs() {
		cs = append(cs, pipeline.Constraint{Key: "node.id", Value: id})
	}
	pin, err := e.cacheNode(ctx, spec, cs)
	if err != nil {
		return demand{}, err
	}
	if pin != "" {
		cs = append(cs, pipeline.Constraint{Key: "node.id", Equal: true, Value: pin})
	}
	return demand{constraints: cs, nanoCPUs: int64(spec.CPUs * 1e9), memory: spec.Memory}, nil
}

// reserve creates the reservation service: one replica that is never
// restarted, whose pause task reserves the step's resources on a node that
// satisfies its constraints. It is created on a detached context: a create
// cut short could leave it behind unseen.
func (e *Engine) reserve(ctx context.Context, spec *executor.ContainerSpec, d demand) (string, error) {
	name := reservationName(spec.Name)
	labels := maps.Clone(spec.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelReserves] = spec.Name
	var constraints []string
	for _, c := range d.constraints {
		constraints = append(constraints, c.String())
	}
	_, pauseID := pauseImage()
	grace, replicas := time.Duration(0), uint64(1)
	s := swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: name, Labels: labels},
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: &swarm.ContainerSpec{Image: pauseID, Labels: map[string]string{LabelReservation: name}, StopGracePeriod: &grace},
			Resources:     &swarm.ResourceRequirements{Reservations: &swarm.Resources{NanoCPUs: d.nanoCPUs, MemoryBytes: d.memory}},
			RestartPolicy: &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionNone},
			Placement:     &swarm.Placement{Constraints: constraints},
		},
		Mode: swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &replicas}},
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
	defer cancel()
	res, err := e.api.ServiceCreate(cctx, client.ServiceCreateOptions{Spec: s})
	if err != nil {
		if !cerrdefs.IsConflict(err) && !cerrdefs.IsInvalidArgument(err) {
			_, _ = e.api.ServiceRemove(cctx, name, client.ServiceRemoveOptions{}) // in case it was created after all
		}
		return "", fmt.Errorf("create reservation service %s on the swarm manager %s: %w", name, e.Host(), err)
	}
	return res.ID, nil
}

// reservationName is the service's name: unique per container, and valid
// as a service name (at most 63 letters, digits and dashes).
func reservationName(container string) string {
	sum := sha256.Sum256([]byte(container))
	return "runjob-reserve-" + hex.EncodeToString(sum[:12])
}

// awaitNode waits until Swarm assigned the service's task to a node and
// returns the node's ID. When no usable node of the swarm could ever take
// it, the wait ends with an error for which cerrdefs.IsNotFound holds.
func (e *Engine) awaitNode(ctx context.Context, service string, d demand) (string, error) {
	start, checked := time.Now(), time.Time{}
	delay := pollFast
	for {
		res, err := e.api.TaskList(ctx, client.TaskListOptions{Filters: make(client.Filters).Add("service", service)})
		if err != nil {
			return "", e.managerErr(ctx, fmt.Errorf("list the reservation's tasks: %w", err))
		}
		for _, t := range res.Items {
			if t.NodeID != "" {
				return t.NodeID, nil
			}
		}
		if now := time.Now(); now.Sub(start) >= feasibleFirst && now.Sub(checked) >= feasibleEvery {
			checked = now
			list, err := e.api.NodeList(ctx, client.NodeListOptions{})
			if err != nil {
				return "", e.managerErr(ctx, fmt.Errorf("list the swarm's nodes: %w", err))
			}
			if err := noNode(list.Items, d); err != nil {
				return "", unplaceable{err}
			}
		}
		select {
		case <-ctx.Done():
			return "", context.Cause(ctx)
		case <-time.After(delay):
		}
		if time.Since(start) > pollFastFor {
			delay = min(2*delay, pollMax)
		}
	}
}

// unplaceable is a reservation no node can ever take.
type unplaceable struct{ error }

func (unplaceable) NotFound() {}

// checkMounts refuses bind mounts: the host path is on runjob's host, and
// the container runs on another.
func checkMounts(spec *executor.ContainerSpec) error {
	for _, m := range spec.Mounts {
		if m.Volume == "" {
			return fmt.Errorf("%w: a mount of the host path %s cannot be used on a swarm: the step runs on another host "+
				"(copy files in with an input block instead)", cerrdefs.ErrInvalidArgument, m.Source)
		}
	}
	return nil
}
