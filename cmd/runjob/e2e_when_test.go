package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// stepStatuses reads "step=status ..." from a JSON log's step_finished
// events, in the order the steps were declared in names.
func stepStatuses(t *testing.T, stdout string, names ...string) string {
	t.Helper()
	got := map[string]string{}
	for _, ev := range events(t, stdout) {
		if ev["event"] == "step_finished" {
			got[ev["step"].(string)] = ev["status"].(string)
		}
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "=" + got[n]
	}
	return strings.Join(out, " ")
}

func TestOnFailureExample(t *testing.T) {
	dockertest.Engine(t)
	r := runjob(t, nil, "../../examples/on_failure.hcl", "--log-format", "json", "--artifacts", t.TempDir())
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: the smoke test failed, whatever notify did\n%s", r.code, r.stderr)
	}
	got := stepStatuses(t, r.stdout, "deploy", "smoke_test", "promote", "notify", "cleanup")
	if want := "deploy=ok smoke_test=failed promote=skipped notify=ok cleanup=ok"; got != want {
		t.Fatalf("statuses = %s, want %s\n%s", got, want, r.stderr)
	}
	evs := events(t, r.stdout)
	for step, line := range map[string]string{"notify": "smoke test of review-42 failed: paging the on-call", "cleanup": "removing environment review-42"} {
		if index(evs, "event", "output", "step", step, "line", line) < 0 {
			t.Errorf("%s's output missing:\n%s", step, r.stdout)
		}
	}
}

// When everything succeeds, on_failure steps are skipped and the run
// succeeds; always steps run.
func TestOnFailureSkippedWhenAllSucceed(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "build" {
  image   = "busybox:latest"
  command = ["true"]
}
step "notify" {
  image      = "busybox:latest"
  command    = ["echo", "notified"]
  depends_on = [step.build]
  when       = "on_failure"
}
step "cleanup" {
  image      = "busybox:latest"
  command    = ["echo", "cleaned"]
  depends_on = [step.build]
  when       = "always"
}`)
	r := runjob(t, nil, p, "--log-format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\n%s", r.code, r.stderr)
	}
	if got, want := stepStatuses(t, r.stdout, "build", "notify", "cleanup"), "build=ok notify=skipped cleanup=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if !strings.Contains(r.stderr, "no dependency failed") {
		t.Fatalf("the summary does not say why notify was skipped:\n%s", r.stderr)
	}
}

// Under fail-fast the failing step cancels its siblings; the cleanup that
// depends on a cancelled step still runs, and the run exits 1.
func TestAlwaysCleanupAfterFailFast(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "bad" {
  image   = "busybox:latest"
  command = ["sh", "-c", "sleep 1; exit 1"]
}
step "deploy" {
  image   = "busybox:latest"
  command = ["sh", "-c", "trap 'exit 143' TERM; sleep 300 & wait"]
}
step "cleanup" {
  image      = "busybox:latest"
  command    = ["echo", "cleaned"]
  depends_on = [step.deploy]
  when       = "always"
}`)
	r := runjob(t, nil, p, "--log-format", "json", "--fail-fast", "-j", "2")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	if got, want := stepStatuses(t, r.stdout, "bad", "deploy", "cleanup"), "bad=failed deploy=cancelled cleanup=ok"; got != want {
		t.Fatalf("statuses = %s, want %s\n%s", got, want, r.stderr)
	}
}

// The pipeline timeout stops deploy; cleanup still runs and the run exits
// 1 with the pipeline's timeout.
func TestAlwaysCleanupAfterPipelineTimeout(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "deploy" {
  image   = "busybox:latest"
  command = ["sh", "-c", "trap 'exit 143' TERM; sleep 300 & wait"]
}
step "cleanup" {
  image      = "busybox:latest"
  command    = ["echo", "cleaned"]
  depends_on = [step.deploy]
  when       = "always"
  timeout    = "1m"
}`)
	r := runjob(t, nil, p, "--log-format", "json", "--timeout", "2s")
	if r.code != 1 || !strings.Contains(r.stderr, "pipeline timeout (2s) exceeded") {
		t.Fatalf("exit %d, want 1 with the pipeline timeout\n%s", r.code, r.stderr)
	}
	if got, want := stepStatuses(t, r.stdout, "deploy", "cleanup"), "deploy=timeout cleanup=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if index(events(t, r.stdout), "event", "output", "step", "cleanup", "line", "cleaned") < 0 {
		t.Fatalf("cleanup's output missing:\n%s", r.stdout)
	}
}

// liveRun is a runjob process whose JSON log is read as it is written.
type liveRun struct {
	cmd    *exec.Cmd
	stderr strings.Builder
	lines  chan map[string]any
	runID  string
}

func startRunjob(t *testing.T, args ...string) *liveRun {
	t.Helper()
	lr := &liveRun{cmd: exec.Command(binary, args...), lines: make(chan map[string]any, 1024)}
	stdout, err := lr.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	lr.cmd.Stderr = &lr.stderr
	if err := lr.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(lr.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				lr.lines <- ev
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	return lr
}

// waitFor reads the log until step prints line, and returns what it read.
func (lr *liveRun) waitFor(t *testing.T, step, line string) []map[string]any {
	t.Helper()
	var seen []map[string]any
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev, ok := <-lr.lines:
			if !ok {
				t.Fatalf("runjob ended before %s printed %q:\n%s", step, line, lr.stderr.String())
			}
			seen = append(seen, ev)
			if id, ok := ev["run_id"].(string); ok && lr.runID == "" {
				lr.runID = id
			}
			if ev["event"] == "output" && ev["step"] == step && ev["line"] == line {
				return seen
			}
		case <-timeout:
			_ = lr.cmd.Process.Kill()
			t.Fatalf("%s never printed %q:\n%s", step, line, lr.stderr.String())
		}
	}
}

// wait returns the exit code and the rest of the log.
func (lr *liveRun) wait(t *testing.T) (int, []map[string]any) {
	t.Helper()
	var rest []map[string]any
	var mu sync.Mutex
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for ev := range lr.lines {
			mu.Lock()
			rest = append(rest, ev)
			mu.Unlock()
		}
	}()
	done := make(chan error, 1)
	go func() { <-drained; done <- lr.cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		_ = lr.cmd.Process.Kill()
		t.Fatalf("runjob did not exit within 60s:\n%s", lr.stderr.String())
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return lr.cmd.ProcessState.ExitCode(), rest
}

func finished(evs []map[string]any) map[string]string {
	out := map[string]string{}
	for _, ev := range evs {
		if ev["event"] == "step_finished" {
			out[ev["step"].(string)] = ev["status"].(string)
		}
	}
	return out
}

// Ctrl-C during deploy: deploy is stopped, what waits for it is cancelled,
// the cleanup still runs, the on_failure step is skipped (nothing failed),
// and runjob exits 130 with nothing left on the engine. A second Ctrl-C
// during a cleanup kills it.
func TestAlwaysCleanupAfterInterrupt(t *testing.T) {
	for _, twice := range []bool{false, true} {
		name := "once"
		if twice {
			name = "twice"
		}
		t.Run(name, func(t *testing.T) {
			eng := dockertest.Engine(t)
			cleanup := `["sh", "-c", "echo cleaning; sleep 1; echo cleaned"]`
			if twice {
				cleanup = `["sh", "-c", "echo cleaning; sleep 300"]` // ignores SIGTERM: only a kill ends it
			}
			p := write(t, `
step "deploy" {
  image   = "busybox:latest"
  command = ["sh", "-c", "trap 'exit 143' TERM; echo ready; sleep 300 & wait"]
}
step "test" {
  image      = "busybox:latest"
  depends_on = [step.deploy]
}
step "notify" {
  image      = "busybox:latest"
  depends_on = [step.deploy]
  when       = "on_failure"
}
step "cleanup" {
  image      = "busybox:latest"
  command    = `+cleanup+`
  depends_on = [step.test]
  when       = "always"
}`)
			lr := startRunjob(t, p, "--log-format", "json", "--stop-timeout", "30s")
			lr.waitFor(t, "deploy", "ready")
			dockertest.NoLeftovers(t, eng, lr.runID)
			if err := lr.cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			seen := lr.waitFor(t, "cleanup", "cleaning")
			start := time.Now()
			if twice {
				if err := lr.cmd.Process.Signal(syscall.SIGINT); err != nil {
					t.Fatal(err)
				}
			}
			code, rest := lr.wait(t)
			if code != 130 {
				t.Fatalf("exit %d, want 130\n%s", code, lr.stderr.String())
			}
			got := finished(append(seen, rest...))
			want := map[string]string{"deploy": "cancelled", "test": "cancelled", "notify": "skipped", "cleanup": "ok"}
			if twice {
				want["cleanup"] = "cancelled"
				if d := time.Since(start); d > 20*time.Second {
					t.Errorf("the second interrupt took %s to end the cleanup: it was not killed", d)
				}
			} else if index(rest, "event", "output", "step", "cleanup", "line", "cleaned") < 0 {
				t.Errorf("cleanup did not finish its work: %v", rest)
			}
			for step, st := range want {
				if got[step] != st {
					t.Errorf("%s = %q, want %q (all: %v)\n%s", step, got[step], st, got, lr.stderr.String())
				}
			}
			left, err := eng.Containers(context.Background(), map[string]string{executor.LabelRunID: lr.runID})
			if err != nil || len(left) != 0 {
				t.Fatalf("after exit: %d containers of run %s remain (%v)", len(left), lr.runID, err)
			}
		})
	}
}

// examples/release.hcl puts the three together: a built image, an output
// read from it, and the steps that run after a failure. Both of its paths.
func TestReleaseExample(t *testing.T) {
	dockertest.Engine(t)
	r := runjob(t, nil, "../../examples/release.hcl", "--log-format", "json", "--artifacts", t.TempDir())
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := stepStatuses(t, r.stdout, "image.app", "test", "package", "notify", "cleanup")
	if want := "image.app=ok test=ok package=ok notify=skipped cleanup=ok"; got != want {
		t.Fatalf("statuses = %s, want %s\n%s", got, want, r.stderr)
	}
	// The version baked into the image by the build arg reached package
	// through test's output.
	if index(events(t, r.stdout), "event", "output", "step", "package", "line", "app-2.0.0.txt") < 0 {
		t.Errorf("package did not get the version:\n%s", r.stdout)
	}
	r = runjob(t, nil, "../../examples/release.hcl", "--var", "break_tests=true", "--log-format", "json", "--artifacts", t.TempDir())
	if r.code != 1 {
		t.Fatalf("broken tests: exit %d, want 1\n%s", r.code, r.stderr)
	}
	got = stepStatuses(t, r.stdout, "image.app", "test", "package", "notify", "cleanup")
	if want := "image.app=ok test=failed package=skipped notify=ok cleanup=ok"; got != want {
		t.Fatalf("broken tests: statuses = %s, want %s\n%s", got, want, r.stderr)
	}
}
