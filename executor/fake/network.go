package fake

import (
	"context"

	"github.com/runjob/runjob/executor"
)

// Inspect reports a container as running once Run has begun and until it
// returned, and healthy while running when it has a health check.
func (e *Engine) Inspect(ctx context.Context, id string) (executor.ContainerState, error) {
	if err := e.hang(ctx); err != nil {
		return executor.ContainerState{}, err
	}
	c, err := e.get(id)
	if err != nil {
		return executor.ContainerState{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, started := e.starts[c.step]
	_, ended := e.ends[c.step]
	st := executor.ContainerState{Status: "created"}
	switch {
	case ended:
		st = executor.ContainerState{Status: "exited", ExitCode: c.exit}
	case started:
		st = executor.ContainerState{Status: "running", Running: true, Started: c.started}
		if c.spec.Health != nil {
			st.Health = "healthy"
		}
	}
	return st, nil
}

// CreateNetwork records the network, with its labels for Resources; the
// fake has no addresses.
func (e *Engine) CreateNetwork(ctx context.Context, name string, labels map[string]string) (string, error) {
	if err := e.hang(ctx); err != nil {
		return "", err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, "CreateNetwork "+name)
	e.addItem(executor.ResourceNetwork, "net-"+name, labels)
	return "net-" + name, nil
}

// RemoveNetwork records the removal.
func (e *Engine) RemoveNetwork(ctx context.Context, id string) error {
	if err := e.hang(ctx); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, "RemoveNetwork "+id)
	if it := e.items()[executor.ResourceNetwork+"/"+id]; it != nil {
		it.removed = true
	}
	return nil
}
