package docker

import (
	"testing"

	"github.com/runjob/runjob/executor"
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
	if got := cfg.Env; len(got) != 2 || got[0] != "A=1" || got[1] != "B=2" {
		t.Fatalf("env = %q, want sorted", got)
	}
	if cfg.Image != "busybox:latest" || cfg.WorkingDir != "/w" || cfg.Cmd[1] != "hi" || cfg.Labels[executor.LabelRunID] != "r" {
		t.Fatalf("config = %+v", cfg)
	}
}
