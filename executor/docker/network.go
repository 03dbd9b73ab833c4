package docker

import (
	"context"
	"fmt"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
)

// CreateNetwork creates a user-defined bridge network: unlike the default
// bridge, it has DNS, so a container finds another by alias.
func (e *Engine) CreateNetwork(ctx context.Context, name string, labels map[string]string) (string, error) {
	res, err := e.cli.NetworkCreate(ctx, name, client.NetworkCreateOptions{Driver: "bridge", Labels: labels})
	if err != nil {
		return "", e.classify(ctx, fmt.Errorf("create network %s: %w", name, err))
	}
	return res.ID, nil
}

// RemoveNetwork removes the network; a missing one counts as removed.
func (e *Engine) RemoveNetwork(ctx context.Context, id string) error {
	_, err := e.cli.NetworkRemove(ctx, id, client.NetworkRemoveOptions{})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return e.classify(ctx, fmt.Errorf("remove network %s: %w", id, err))
	}
	return nil
}

// Inspect reports the container's state and health.
func (e *Engine) Inspect(ctx context.Context, id string) (executor.ContainerState, error) {
	ins, err := e.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return executor.ContainerState{}, e.classify(ctx, fmt.Errorf("inspect %s: %w", id, err))
	}
	st := ins.Container.State
	if st == nil {
		return executor.ContainerState{}, fmt.Errorf("inspect %s: no state", id)
	}
	out := executor.ContainerState{Status: string(st.Status), Running: st.Running, ExitCode: st.ExitCode}
	if t, err := time.Parse(time.RFC3339Nano, st.StartedAt); err == nil && t.Year() > 1 {
		out.Started = t // a container never started says 0001-01-01
	}
	if st.Health != nil {
		out.Health = string(st.Health.Status)
		if e.IsPodman(ctx) {
			out.Health = e.podmanHealth(ctx, ins.Container, out.Health)
		}
	}
	return out, nil
}

// networkingConfig puts the container on spec.Network under its aliases.
func networkingConfig(spec *executor.ContainerSpec) *network.NetworkingConfig {
	if spec.Network == "" {
		return nil
	}
	return &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
		spec.Network: {Aliases: spec.Aliases},
	}}
}

// toMount converts a volume or bind mount. A bind mount never creates a
// missing host path (the loader checked it exists): Docker's legacy -v
// would silently create an empty directory instead.
func toMount(m executor.Mount) mount.Mount {
	if m.Volume != "" {
		return mount.Mount{Type: mount.TypeVolume, Source: m.Volume, Target: m.Target, ReadOnly: m.ReadOnly,
			VolumeOptions: &mount.VolumeOptions{Labels: m.Labels}}
	}
	return mount.Mount{Type: mount.TypeBind, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly}
}
