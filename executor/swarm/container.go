package swarm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/runjob/runjob/executor"
)

// Create creates the container on the node its reservation holds, from
// the image pinned for the run; without a reservation (Place was not
// called) it places the container first.
func (e *Engine) Create(ctx context.Context, spec *executor.ContainerSpec) (string, error) {
	r := e.places.byName(spec.Name)
	if r == nil {
		if err := e.Place(ctx, spec); err != nil {
			return "", err
		}
		r = e.places.byName(spec.Name)
	}
	onNode := *spec
	onNode.Image, onNode.Constraints = r.image, nil
	id, err := r.node.eng.Create(ctx, &onNode)
	if err != nil {
		return "", e.nodeErr(r.node, err)
	}
	e.places.bind(r, id)
	return id, nil
}

// errUnknown is a container this engine did not create.
var errUnknown = errors.New("not a container of this swarm engine")

// on returns the node of a container, and its ID there: one this engine
// created, or one its inventory listed (NODE-ID/ID, as ps asks).
func (e *Engine) on(id string) (*node, string, error) {
	if n := e.places.nodeOf(id); n != nil {
		return n, id, nil
	}
	if scope, cid, ok := strings.Cut(id, "/"); ok {
		if n := e.nodes.known(scope); n != nil {
			return n, cid, nil
		}
	}
	return nil, "", fmt.Errorf("container %s: %w", id, errUnknown)
}

// Run runs the container on its node (executor/docker attaches before it
// starts it, and demultiplexes its output). A node whose engine dies
// closes the connection; one that hangs or drops off the network says
// nothing, so while the container runs the manager is asked now and then
// whether Swarm still sees the node (watch.go).
func (e *Engine) Run(ctx context.Context, id string, stdout, stderr io.Writer) (executor.ExitStatus, error) {
	n, id, err := e.on(id)
	if err != nil {
		return executor.ExitStatus{}, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := e.watchNode(ctx, n, cancel)
	exit, err := n.eng.Run(ctx, id, stdout, stderr)
	stop()
	var lost *NodeError
	if errors.As(context.Cause(ctx), &lost) {
		return executor.ExitStatus{}, lost
	}
	return exit, e.nodeErr(n, err)
}

// Stop stops the container on its node; an unknown one is stopped already.
func (e *Engine) Stop(ctx context.Context, id string, grace time.Duration) error {
	n, id, err := e.on(id)
	if err != nil {
		return nil
	}
	ctx, cancel := e.nodeCtx(ctx, n)
	defer cancel()
	return e.nodeErr(n, n.eng.Stop(ctx, id, grace))
}

// CopyTo copies into the created container on its node.
func (e *Engine) CopyTo(ctx context.Context, id, dir string, content io.Reader) error {
	n, id, err := e.on(id)
	if err != nil {
		return err
	}
	return e.nodeErr(n, n.eng.CopyTo(ctx, id, dir, content))
}

// CopyFrom copies out of the exited container on its node.
func (e *Engine) CopyFrom(ctx context.Context, id, path string) (io.ReadCloser, error) {
	n, id, err := e.on(id)
	if err != nil {
		return nil, err
	}
	rc, err := n.eng.CopyFrom(ctx, id, path)
	return rc, e.nodeErr(n, err)
}

// Inspect inspects the container on its node.
func (e *Engine) Inspect(ctx context.Context, id string) (executor.ContainerState, error) {
	n, id, err := e.on(id)
	if err != nil {
		return executor.ContainerState{}, err
	}
	st, err := n.eng.Inspect(ctx, id)
	return st, e.nodeErr(n, err)
}

// Top lists the container's processes on its node.
func (e *Engine) Top(ctx context.Context, id string) ([]executor.Process, error) {
	n, id, err := e.on(id)
	if err != nil {
		return nil, err
	}
	ps, err := n.eng.Top(ctx, id)
	return ps, e.nodeErr(n, err)
}

// Remove removes the container from its node (by name when its create
// failed, in case the node made it anyway), and its reservation, even
// when the node is lost: the manager frees what it reserved there. A
// container this engine does not know is removed already.
func (e *Engine) Remove(ctx context.Context, id string) error {
	r := e.places.lookup(id)
	if r == nil {
		return nil
	}
	target := r.id
	if target == "" {
		target = r.name
	}
	// The two are independent: the reservation goes while the container does.
	released := make(chan error, 1)
	go func() { released <- e.release(ctx, r) }()
	nctx, cancel := e.nodeCtx(ctx, r.node)
	err := e.nodeErr(r.node, r.node.eng.Remove(nctx, target))
	cancel()
	if rerr := <-released; rerr != nil {
		err = errors.Join(err, rerr)
	}
	if err == nil {
		e.places.drop(r)
	}
	return err
}
