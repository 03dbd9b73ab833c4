package fake

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
)

// RemoveResource removes a container as Remove does, and a network,
// volume or image unless a container that is not removed uses it: that is a
// conflict, as on Docker. What is gone already is success.
func (e *Engine) RemoveResource(ctx context.Context, r executor.Resource) error {
	if r.Kind == executor.ResourceContainer {
		return e.Remove(ctx, r.ID)
	}
	if r.Kind != executor.ResourceNetwork && r.Kind != executor.ResourceVolume && r.Kind != executor.ResourceImage {
		return fmt.Errorf("unknown resource kind %q", r.Kind)
	}
	if err := e.enter(ctx, "RemoveResource"); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	it := e.items()[r.Kind+"/"+r.ID]
	if it == nil || it.removed {
		return nil
	}
	for _, c := range e.containers {
		if !c.removed && uses(c, it) {
			return cerrdefs.ErrConflict.WithMessage(fmt.Sprintf("remove %s %s: in use by container %s", r.Kind, it.Name, c.spec.Name))
		}
	}
	it.removed = true
	return nil
}

// uses says whether the container is attached to the network or mounts
// the volume.
func uses(c *container, it *item) bool {
	switch it.Kind {
	case executor.ResourceNetwork:
		return c.spec.Network != "" && (c.spec.Network == it.ID || c.spec.Network == it.Name)
	case executor.ResourceImage:
		return c.spec.Image == it.ID
	}
	for _, m := range c.spec.Mounts {
		if m.Volume == it.Name {
			return true
		}
	}
	return false
}
