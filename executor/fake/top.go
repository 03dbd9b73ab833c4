package fake

import (
	"context"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
)

var _ executor.ProcessLister = (*Engine)(nil)

// Top lists the script's Processes (by default PID 1 running the spec's
// command) while the container runs; a container that does not run is a
// conflict, as on Docker.
func (e *Engine) Top(ctx context.Context, id string) ([]executor.Process, error) {
	if err := e.enter(ctx, "Top"); err != nil {
		return nil, err
	}
	c, err := e.get(id)
	if err != nil {
		return nil, err
	}
	if err := c.script.Fail["Top"]; err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, "Top "+c.step)
	if c.state() != "running" {
		return nil, cerrdefs.ErrConflict.WithMessage("container " + id + " is not running")
	}
	if c.script.Processes != nil {
		return slices.Clone(c.script.Processes), nil
	}
	return []executor.Process{{PID: 1, User: "root", Time: "00:00:00",
		Command: strings.Join(append(slices.Clone(c.spec.Entrypoint), c.spec.Command...), " ")}}, nil
}

// state is the container's state in the engine's words; e.mu must be held.
func (c *container) state() string {
	switch {
	case c.staged != "":
		return c.staged
	case !c.finished.IsZero():
		return "exited"
	case !c.started.IsZero():
		return "running"
	}
	return "created"
}
