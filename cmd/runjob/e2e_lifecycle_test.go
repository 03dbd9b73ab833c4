package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// assertGone checks, right after runjob exited, that none of its run's
// containers remain (not only in cleanup: removal happened before exit).
func assertGone(t *testing.T, runID string) {
	t.Helper()
	if runID == "" {
		t.Fatal("no run ID seen")
	}
	left, err := dockertest.Engine(t).Containers(context.Background(), map[string]string{executor.LabelRunID: runID})
	if err != nil || len(left) != 0 {
		t.Fatalf("after exit: %d container(s) of run %s remain (%v)", len(left), runID, err)
	}
}

// A signal at any stage of a step's life (pulling its image, running,
// exporting its artifact) ends the run with 130 and removes everything.
func TestSignalAtEveryStageExits130AndLeavesNothing(t *testing.T) {
	dockertest.Engine(t)
	t.Run("pull/SIGINT", func(t *testing.T) {
		reg := dockertest.StartRegistry(t, false)
		ref := reg.PushUnique(t, "slow", 4<<20)
		// Through a proxy that passes 64 KiB/s, the 4 MiB layer takes a minute.
		proxy := dockertest.TCPProxy(t, reg.Addr, 64<<10)
		slow := strings.Replace(ref, reg.Addr, proxy.Addr, 1)
		t.Cleanup(func() { dockertest.RemoveImage(slow) })
		p := start(t, []string{"DOCKER_CONFIG=" + t.TempDir()}, write(t, `
step "s" {
  image   = "`+slow+`"
  command = ["true"]
}`))
		p.waitFor(t, "image_pull", func(ev map[string]any) bool { return ev["event"] == "image_pull" })
		p.signal(t, syscall.SIGINT)
		if code := p.wait(t); code != 130 {
			t.Fatalf("exit %d, want 130\n%s", code, p.stderr)
		}
		assertGone(t, p.runID)
		if !regexp.MustCompile(`s\s+cancelled\s`).MatchString(p.stderr.String()) {
			t.Fatalf("summary does not show s cancelled:\n%s", p.stderr)
		}
	})
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run("run/"+sig.String(), func(t *testing.T) {
			p := start(t, nil, write(t, `
step "svc" {
  image   = "busybox:latest"
  command = ["sh", "-c", "trap 'echo got TERM; exit 143' TERM; echo ready; sleep 300 & wait"]
}
step "after" {
  image      = "busybox:latest"
  depends_on = [step.svc]
}`))
			p.waitFor(t, "svc ready", output("svc", "ready"))
			signalled := time.Now()
			p.signal(t, sig)
			if code := p.wait(t); code != 130 {
				t.Fatalf("exit %d, want 130\n%s", code, p.stderr)
			}
			t.Logf("stopped, removed and exited %s after %s", time.Since(signalled).Round(time.Millisecond), sig)
			assertGone(t, p.runID)
			if index(p.seen, "event", "output", "step", "svc", "line", "got TERM") < 0 {
				t.Errorf("the step did not get SIGTERM and time to react (no 'got TERM')")
			}
			for _, row := range []string{`svc\s+cancelled\s+143\s`, `after\s+cancelled\s+-\s+-\s+-\s+interrupted by`} {
				if !regexp.MustCompile(row).MatchString(p.stderr.String()) {
					t.Errorf("summary lacks %q:\n%s", row, p.stderr)
				}
			}
		})
	}
	// A step that ignores SIGTERM would hold the run for --stop-timeout (an
	// hour here); the second Ctrl-C kills it at once, and it is removed.
	t.Run("run/second SIGINT", func(t *testing.T) {
		p := start(t, nil, write(t, `
step "stubborn" {
  image   = "busybox:latest"
  command = ["sh", "-c", "trap '' TERM; echo ready; sleep 300 & wait; sleep 300"]
}`), "--stop-timeout", "1h")
		p.waitFor(t, "stubborn ready", output("stubborn", "ready"))
		p.signal(t, syscall.SIGINT)
		waitUntil(t, "the first interrupt to be acknowledged", func() bool {
			return strings.Contains(p.stderr.String(), "interrupt again to kill them at once")
		})
		p.signal(t, syscall.SIGINT)
		if code := p.wait(t); code != 130 {
			t.Fatalf("exit %d, want 130\n%s", code, p.stderr)
		}
		assertGone(t, p.runID)
		if !strings.Contains(p.stderr.String(), "killing containers now") {
			t.Errorf("second interrupt not acknowledged:\n%s", p.stderr)
		}
	})
	t.Run("export/SIGINT", func(t *testing.T) {
		arts := t.TempDir()
		p := start(t, nil, write(t, `
step "big" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir /out && head -c 500m /dev/zero > /out/big && echo made"]
  artifact "out" {
    path = "/out"
  }
}`), "--artifacts", arts)
		p.waitFor(t, "big made", output("big", "made"))
		// The export has begun once the run's staging copy exists on the
		// host (the artifact itself appears only once complete).
		waitUntil(t, "export to start", func() bool {
			m, _ := filepath.Glob(filepath.Join(executor.StagingDir(arts), "*", "big", "out"))
			return len(m) > 0
		})
		p.signal(t, syscall.SIGINT)
		if code := p.wait(t); code != 130 {
			t.Fatalf("exit %d, want 130\n%s", code, p.stderr)
		}
		assertGone(t, p.runID)
		if index(p.seen, "event", "artifact_exported") >= 0 {
			t.Fatalf("the export finished before the signal: the test did not interrupt it")
		}
		for _, left := range []string{filepath.Join(arts, "big", "out"), executor.StagingDir(arts)} {
			if _, err := os.Stat(left); !os.IsNotExist(err) {
				t.Errorf("the interrupted export left %s: %v", left, err)
			}
		}
	})
}

// kill -9 leaves the containers behind (nothing can prevent that); the next
// run warns about them, `runjob prune` keeps those of live runs and removes
// those of dead ones.
func TestKill9ThenPruneLeavesNothing(t *testing.T) {
	dockertest.Engine(t)
	p := start(t, nil, write(t, `
step "a" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo ready; sleep 300"]
}
step "b" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo ready; sleep 300"]
}`), "-j", "2")
	ready := map[any]bool{}
	p.waitFor(t, "a and b ready", func(ev map[string]any) bool {
		if ev["event"] == "output" && ev["line"] == "ready" {
			ready[ev["step"]] = true
		}
		return len(ready) == 2
	})

	r := runjob(t, nil, "prune", "--run", p.runID)
	if r.code != 0 || strings.Count(r.stdout, "still running") != 2 {
		t.Fatalf("prune of a live run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	p.wait(t)

	r = runjob(t, nil, "../../examples/hello.hcl", "--artifacts", t.TempDir())
	if r.code != 0 || !strings.Contains(r.stderr, "remove them with `runjob prune`") {
		t.Fatalf("no leftover warning (exit %d):\n%s", r.code, r.stderr)
	}
	r = runjob(t, nil, "prune", "--run", p.runID, "--dry-run")
	if r.code != 0 || strings.Count(r.stdout, "would remove container") != 2 {
		t.Fatalf("prune --dry-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runjob(t, nil, "prune", "--run", p.runID)
	if r.code != 0 || strings.Count(r.stdout, "removed container") != 2 {
		t.Fatalf("prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	assertGone(t, p.runID)
}

func TestTwoConcurrentRunsOfOnePipelineBothSucceed(t *testing.T) {
	dockertest.Engine(t)
	file := write(t, `
step "build" {
  image   = "busybox:latest"
  command = ["sh", "-c", "sleep 1; mkdir -p /out; echo built > /out/x"]
  artifact "out" {
    path = "/out"
  }
}
step "test" {
  image      = "busybox:latest"
  command    = ["echo", "tested"]
  depends_on = [step.build]
}`)
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		wg.Go(func() { results[i] = runjobNoCheck(file, "--artifacts", t.TempDir()) })
	}
	wg.Wait()
	for _, r := range results {
		if r.runID != "" {
			dockertest.NoLeftovers(t, dockertest.Engine(t), r.runID)
		}
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
	}
	if results[0].runID == results[1].runID {
		t.Fatal("the runs shared a run ID")
	}
}

func TestFailFastAndTimeoutFlags(t *testing.T) {
	dockertest.Engine(t)
	file := write(t, `
step "bad" {
  image   = "busybox:latest"
  command = ["sh", "-c", "sleep 1; exit 1"]
}
step "long" {
  image   = "busybox:latest"
  command = ["sleep", "300"]
}`)
	r := runjob(t, nil, file, "--fail-fast", "--stop-timeout", "1s")
	if r.code != 1 || !regexp.MustCompile(`long\s+cancelled\s.*cancelled by fail-fast: step "bad" failed`).MatchString(r.stderr) {
		t.Fatalf("--fail-fast: exit %d\n%s", r.code, r.stderr)
	}
	r = runjob(t, nil, file, "--timeout", "3s", "--stop-timeout", "1s")
	if r.code != 1 || !regexp.MustCompile(`long\s+timeout\s+124\s.*pipeline timeout \(3s\) exceeded`).MatchString(r.stderr) ||
		!strings.Contains(r.stderr, "runjob: pipeline timeout (3s) exceeded") {
		t.Fatalf("--timeout: exit %d\n%s", r.code, r.stderr)
	}
}

func TestKeepOnFailurePrintsHowToDebugAndPruneRemovesIt(t *testing.T) {
	dockertest.Engine(t)
	r := runjob(t, nil, write(t, `
step "bad" {
  image   = "busybox:latest"
  command = ["sh", "-c", "exit 4"]
}`), "--keep-on-failure")
	m := regexp.MustCompile(`docker start -ai (runjob-\S+-0-bad)`).FindStringSubmatch(r.stderr)
	if r.code != 1 || m == nil || !strings.Contains(r.stderr, "docker commit "+m[1]) {
		t.Fatalf("exit %d, no debug commands:\n%s", r.code, r.stderr)
	}
	left, err := dockertest.Engine(t).Containers(context.Background(), map[string]string{executor.LabelRunID: r.runID})
	if err != nil || len(left) != 1 || left[0].Name != m[1] {
		t.Fatalf("kept container: %+v, %v", left, err)
	}
	if p := runjob(t, nil, "prune", "--run", r.runID); p.code != 0 || !strings.Contains(p.stdout, "removed container "+m[1]) {
		t.Fatalf("prune: exit %d\n%s%s", p.code, p.stdout, p.stderr)
	}
	assertGone(t, r.runID)
}

func TestPullWithCredentialsFromDockerConfigAndHelper(t *testing.T) {
	dockertest.Engine(t)
	reg := dockertest.StartRegistry(t, true)
	ref := reg.PushUnique(t, "private-cli", 64<<10)
	file := write(t, `
step "s" {
  image   = "`+ref+`"
  command = ["echo", "pulled"]
}`)
	rmi := func() { dockertest.RemoveImage(ref) }

	r := runjob(t, []string{"DOCKER_CONFIG=" + t.TempDir()}, file)
	if r.code != 3 || !strings.Contains(r.stderr, ref) || !strings.Contains(r.stderr, "no credentials for "+reg.Addr) {
		t.Fatalf("anonymous: exit %d, want 3 naming the image and the missing credentials\n%s", r.code, r.stderr)
	}

	r = runjob(t, []string{"DOCKER_CONFIG=" + reg.DockerConfig(t)}, file)
	if r.code != 0 || !strings.Contains(r.stdout, "s | pulled") {
		t.Fatalf("config.json auths: exit %d\n%s", r.code, r.stderr)
	}
	if !regexp.MustCompile(`pulled ` + regexp.QuoteMeta(ref) + `: 2 layers, \d`).MatchString(r.stderr) {
		t.Errorf("no pull progress line:\n%s", r.stderr)
	}
	rmi()

	cfg, bin := reg.CredentialHelper(t)
	r = runjob(t, []string{"DOCKER_CONFIG=" + cfg, "PATH=" + bin + ":" + os.Getenv("PATH")}, file)
	if r.code != 0 || !strings.Contains(r.stdout, "s | pulled") {
		t.Fatalf("credential helper: exit %d\n%s", r.code, r.stderr)
	}
	rmi()
}

// The engine going away mid-run (its socket closes under runjob): exit 3
// naming the address, no hang, and the containers it could not remove are
// listed for `runjob prune`.
func TestEngineLostMidRunExits3(t *testing.T) {
	eng := dockertest.Engine(t)
	proxy := dockertest.EngineProxy(t)
	p := start(t, []string{"DOCKER_HOST=" + proxy.Addr}, write(t, `
step "s" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo up; sleep 300"]
}
step "next" {
  image      = "busybox:latest"
  depends_on = [step.s]
}`))
	p.waitFor(t, "s up", output("s", "up"))
	// The container will outlive the lost connection; NoLeftovers (already
	// registered) would flag it, so this cleanup, which runs first, removes
	// it through the real socket.
	t.Cleanup(func() {
		left, _ := eng.Containers(context.Background(), map[string]string{executor.LabelRunID: p.runID})
		for _, c := range left {
			_ = eng.Remove(context.Background(), c.ID)
		}
	})
	cut := time.Now()
	proxy.Cut()
	if code := p.wait(t); code != 3 {
		t.Fatalf("exit %d, want 3\n%s", code, p.stderr)
	}
	t.Logf("exit 3 %s after the engine socket was cut", time.Since(cut).Round(time.Millisecond))
	stderr := p.stderr.String()
	for _, want := range []string{"runjob: engine unavailable: ", "cannot reach the Docker engine at " + proxy.Addr,
		// s's container, and next's when it was created ahead (prepare.go)
		// before the cut; the cleanup above removes both.
		"could not remove ", p.runID + "-0-s (step \"s\")", "remove them with `runjob prune`"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// Docker CLI contexts are followed like the docker CLI does: a context made
// by `docker context create` (DOCKER_CONTEXT, or `docker context use`), and
// an unknown one is a clear error naming it.
func TestDockerContextIsFollowed(t *testing.T) {
	dockertest.Engine(t)
	cfg := t.TempDir()
	docker := func(args ...string) {
		t.Helper()
		cmd := exec.Command("docker", args...)
		cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+cfg, "DOCKER_HOST=", "DOCKER_CONTEXT=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("docker %v: %v\n%s", args, err, out)
		}
	}
	// Two sockets runjob would never pick by itself: a link to the real
	// one, and one where nothing listens.
	link, dead := filepath.Join(cfg, "link.sock"), filepath.Join(cfg, "dead.sock")
	if err := os.Symlink("/var/run/docker.sock", link); err != nil {
		t.Fatal(err)
	}
	docker("context", "create", "runjob-link", "--docker", "host=unix://"+link)
	docker("context", "create", "runjob-dead", "--docker", "host=unix://"+dead)
	env := []string{"DOCKER_CONFIG=" + cfg, "DOCKER_HOST="}
	if r := runjob(t, append(env, "DOCKER_CONTEXT=runjob-dead"), "../../examples/hello.hcl"); r.code != 3 || !strings.Contains(r.stderr, "unix://"+dead) {
		t.Fatalf("DOCKER_CONTEXT=runjob-dead: exit %d, want 3 naming %s\n%s", r.code, dead, r.stderr)
	}
	if r := runjob(t, append(env, "DOCKER_CONTEXT=runjob-link"), "../../examples/hello.hcl", "--artifacts", t.TempDir()); r.code != 0 {
		t.Fatalf("DOCKER_CONTEXT=runjob-link: exit %d\n%s", r.code, r.stderr)
	}
	docker("context", "use", "runjob-dead")
	if r := runjob(t, append(env, "DOCKER_CONTEXT="), "../../examples/hello.hcl"); r.code != 3 || !strings.Contains(r.stderr, "unix://"+dead) {
		t.Fatalf("currentContext runjob-dead: exit %d, want 3 naming %s\n%s", r.code, dead, r.stderr)
	}
	r := runjob(t, append(env, "DOCKER_CONTEXT=remote"), "../../examples/hello.hcl")
	if r.code != 3 || !strings.Contains(r.stderr, `docker context "remote" (DOCKER_CONTEXT)`) {
		t.Fatalf("unknown context: exit %d\n%s", r.code, r.stderr)
	}
}

// By default the engine keeps no copy of a step's output (runjob records
// it); with --engine-logs, `docker logs` of a kept container shows it.
func TestEngineLogsOptIn(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "bad" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo from-the-step; exit 4"]
}`)
	for _, tc := range []struct {
		flags []string
		want  bool
	}{{[]string{"--keep-on-failure"}, false}, {[]string{"--keep-on-failure", "--engine-logs"}, true}} {
		r := runjob(t, nil, append([]string{p}, tc.flags...)...)
		m := regexp.MustCompile(`docker start -ai (runjob-\S+-0-bad)`).FindStringSubmatch(r.stderr)
		if r.code != 1 || m == nil {
			t.Fatalf("%v: exit %d\n%s", tc.flags, r.code, r.stderr)
		}
		out, _ := exec.Command("docker", "logs", m[1]).CombinedOutput()
		if got := strings.Contains(string(out), "from-the-step"); got != tc.want {
			t.Errorf("%v: docker logs shows the output: %v, want %v\n%s", tc.flags, got, tc.want, out)
		}
		if pr := runjob(t, nil, "prune", "--run", r.runID); pr.code != 0 {
			t.Fatalf("prune: exit %d\n%s", pr.code, pr.stderr)
		}
	}
}
