package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// Ctrl-C while steps run: runjob removes the run's containers and exits 130,
// and the summary says which steps were cancelled.
func TestInterruptRemovesContainersAndExits130(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			eng := dockertest.Engine(t)
			p := write(t, `
step "sleeper" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo ready; sleep 300"]
}
step "other" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo ready; sleep 300"]
}
step "after" {
  image      = "busybox:latest"
  depends_on = [step.sleeper]
}`)
			cmd := exec.Command(binary, p, "--log-format", "json", "-j", "2")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until both containers print from inside, reading the run
			// ID on the way.
			runID, started := "", 0
			sc := bufio.NewScanner(stdout)
			for started < 2 && sc.Scan() {
				var ev map[string]any
				if json.Unmarshal(sc.Bytes(), &ev) != nil {
					continue
				}
				if id, ok := ev["run_id"].(string); ok && runID == "" {
					runID = id
					dockertest.NoLeftovers(t, eng, runID)
				}
				if ev["event"] == "output" && ev["line"] == "ready" {
					started++
				}
			}
			if started < 2 {
				_ = cmd.Process.Kill()
				t.Fatalf("steps never started: %s", stderr.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			go func() {
				for sc.Scan() {
				}
			}()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("runjob did not exit within 60s of the signal")
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("exit = %v, want 130\n%s", err, stderr.String())
			}
			// Checked here too, not only in cleanup: removal happened before exit.
			left, err := eng.Containers(context.Background(), map[string]string{executor.LabelRunID: runID})
			if err != nil || len(left) != 0 {
				t.Fatalf("after exit: %d containers of run %s remain (%v)", len(left), runID, err)
			}
			for _, step := range []string{"sleeper", "other", "after"} {
				if !strings.Contains(stderr.String(), step) || !strings.Contains(stderr.String(), "cancelled") {
					t.Errorf("summary does not show %s cancelled:\n%s", step, stderr.String())
				}
			}
			if !strings.Contains(stderr.String(), "interrupted by") {
				t.Errorf("no interruption message:\n%s", stderr.String())
			}
		})
	}
}
