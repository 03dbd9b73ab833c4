package docker

import (
	"testing"

	"github.com/moby/moby/api/types/container"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

func TestToConfig(t *testing.T) {
	spec := &executor.ContainerSpec{
		Name: "n", Image: "busybox:latest", Command: []string{"echo", "hi"},
		Env: map[string]string{"B": "2", "A": "1"}, Workdir: "/w",
		Labels: map[string]string{executor.LabelRunID: "r"},
	}
	cfg, host := toConfig(spec)
	// Never a TTY and never stdin: streams stay separate and a step that
	// reads stdin sees EOF instead of hanging.
	if cfg.Tty || cfg.OpenStdin || !cfg.AttachStdout || !cfg.AttachStderr {
		t.Fatalf("config = %+v", cfg)
	}
	if host.AutoRemove || host.Privileged || len(host.Binds) > 0 || len(host.Mounts) > 0 {
		t.Fatalf("host config = %+v", host)
	}
	if len(host.SecurityOpt) != 1 || host.SecurityOpt[0] != "no-new-privileges" {
		t.Errorf("security options = %q, want no-new-privileges", host.SecurityOpt)
	}
	if len(host.CapAdd) > 0 || len(host.Devices) > 0 || host.PidMode != "" || host.IpcMode != "" || host.UsernsMode != "" {
		t.Errorf("host config widens the sandbox: %+v", host)
	}
	if got := cfg.Env; len(got) != 2 || got[0] != "A=1" || got[1] != "B=2" {
		t.Fatalf("env = %q, want sorted", got)
	}
	if host.LogConfig.Type != "none" {
		t.Errorf("log driver = %q, want none: runjob keeps the log", host.LogConfig.Type)
	}
	spec.EngineLogs = true
	if _, host := toConfig(spec); host.LogConfig.Type != "" {
		t.Errorf("with EngineLogs the daemon's default driver must be used, got %q", host.LogConfig.Type)
	}
	if cfg.Image != "busybox:latest" || cfg.WorkingDir != "/w" || cfg.Cmd[1] != "hi" || cfg.Labels[executor.LabelRunID] != "r" {
		t.Fatalf("config = %+v", cfg)
	}
}

func TestToConfigLimitsAndUser(t *testing.T) {
	cfg, host := toConfig(&executor.ContainerSpec{
		Image: "busybox:latest", User: "1000:1000", Entrypoint: []string{"/bin/sh", "-c"},
		Memory: 16 << 20, CPUs: 1.5,
	})
	if cfg.User != "1000:1000" || len(cfg.Entrypoint) != 2 {
		t.Fatalf("config = %+v", cfg)
	}
	if host.Memory != 16<<20 || host.MemorySwap != 16<<20 || host.NanoCPUs != 1_500_000_000 {
		t.Fatalf("resources = memory %d swap %d nanocpus %d", host.Memory, host.MemorySwap, host.NanoCPUs)
	}
	_, host = toConfig(&executor.ContainerSpec{Image: "busybox:latest"})
	if host.Memory != 0 || host.MemorySwap != 0 || host.NanoCPUs != 0 {
		t.Fatalf("unlimited step got limits: %+v", host.Resources)
	}
}

// A step on network "none" gets Docker's none mode (no endpoint, loopback
// only); "bridge" and unset keep the default, or the run's network.
func TestToConfigNetworkMode(t *testing.T) {
	cases := []struct {
		mode    pipeline.NetworkMode
		network string
		want    container.NetworkMode
	}{
		{"", "", ""},
		{pipeline.NetworkBridge, "", ""},
		{pipeline.NetworkNone, "", "none"},
		{"", "net-1", "net-1"},
		{pipeline.NetworkBridge, "net-1", "net-1"},
	}
	for _, c := range cases {
		spec := &executor.ContainerSpec{Image: "busybox:latest", NetworkMode: c.mode, Network: c.network}
		if _, host := toConfig(spec); host.NetworkMode != c.want {
			t.Errorf("mode %q network %q: NetworkMode = %q, want %q", c.mode, c.network, host.NetworkMode, c.want)
		}
		if nc := networkingConfig(spec); (nc != nil) != (c.network != "") {
			t.Errorf("mode %q network %q: networking config = %+v", c.mode, c.network, nc)
		}
	}
}
