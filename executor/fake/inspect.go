package fake

import (
	"maps"

	"github.com/runjob/runjob/executor"
)

// Spec returns the spec of the step's last container, and false when none
// was created.
func (e *Engine) Spec(step string) (executor.ContainerSpec, bool) {
	c := e.last(step)
	if c == nil {
		return executor.ContainerSpec{}, false
	}
	return c.spec, true
}

// Files returns the files of the step's last container: what CopyTo put
// in and what its script writes.
func (e *Engine) Files(step string) map[string]string {
	c := e.last(step)
	if c == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(c.script.Files)
}

// last is the step's most recently created container, removed or not.
func (e *Engine) last(step string) *container {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out *container
	for _, c := range e.containers {
		if c.step == step && (out == nil || c.created.After(out.created) || c.created.Equal(out.created) && c.spec.Name > out.spec.Name) {
			out = c
		}
	}
	return out
}
