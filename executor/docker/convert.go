package docker

import (
	"sort"

	"github.com/moby/moby/api/types/container"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// toConfig converts a spec into the Engine API's create body. It is pure so
// it can be tested without a daemon.
//
// Never a TTY: with one, stdout and stderr would arrive merged. Stdin stays
// closed so a step that reads it sees EOF instead of hanging.
func toConfig(spec *executor.ContainerSpec) (*container.Config, *container.HostConfig) {
	cfg := &container.Config{
		Image:        spec.Image,
		Cmd:          spec.Command,
		Entrypoint:   spec.Entrypoint,
		Env:          envList(spec.Env),
		WorkingDir:   spec.Workdir,
		User:         spec.User,
		Labels:       spec.Labels,
		AttachStdout: true,
		AttachStderr: true,
		Tty:          false,
		OpenStdin:    false,
	}
	host := &container.HostConfig{
		// Never AutoRemove: artifacts are copied out after the container exits.
		AutoRemove: false,
		// Unprivileged, no host mounts, no docker socket: a step sees only
		// its image, what runjob copies in and the mounts it declares.
		Privileged: false,
		// No process in the container can gain privileges it did not start
		// with (setuid binaries, file capabilities): a step that needs root
		// says so with user = "root" rather than reaching it through sudo.
		SecurityOpt: []string{"no-new-privileges"},
	}
	if !spec.EngineLogs {
		// runjob's own record is complete; a second copy in the daemon's
		// json-file driver costs up to 10x on a chatty step.
		host.LogConfig = container.LogConfig{Type: "none"}
	}
	if spec.Memory > 0 {
		host.Memory = spec.Memory
		// No swap beyond the limit: exceeding it is an OOM kill, which
		// runjob reports, rather than a slow crawl through swap.
		host.MemorySwap = spec.Memory
	}
	if spec.CPUs > 0 {
		host.NanoCPUs = int64(spec.CPUs * 1e9)
	}
	for _, m := range spec.Mounts {
		host.Mounts = append(host.Mounts, toMount(m))
	}
	switch {
	case spec.NetworkMode == pipeline.NetworkNone:
		// No endpoint at all: loopback only, and a faster start.
		host.NetworkMode = "none"
	case spec.Network != "":
		host.NetworkMode = container.NetworkMode(spec.Network)
	}
	if h := spec.Health; h != nil && len(h.Command) > 0 {
		cfg.Healthcheck = &container.HealthConfig{
			Test:     append([]string{"CMD"}, h.Command...),
			Interval: h.Interval, Timeout: h.Timeout, Retries: h.Retries,
		}
	}
	return cfg, host
}

// envList renders env in sorted order so the same step always produces the
// same container config.
func envList(env map[string]string) []string {
	if len(env) == 0 {
		return nil
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + "=" + env[k]
	}
	return out
}
