package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A real dockerd restart while a step runs, on a private daemon of this
// test's own (the shared engine is never restarted): runjob exits 3 with a
// message naming the engine, without waiting for the daemon to come back;
// once it is back, `runjob prune` leaves nothing of the run and a new run
// works. "stays down" keeps the daemon stopped until runjob has exited.
func TestDaemonRestartMidRunExits3(t *testing.T) {
	d := dockertest.StartPrivateDaemon(t)
	t.Logf("private dockerd started in %s (busybox import included)", d.StartTime.Round(time.Millisecond))
	eng := d.Engine()
	env := []string{"DOCKER_HOST=" + d.Host}
	pipeline := write(t, `
step "s" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo up; sleep 30"]
}
step "next" {
  image      = "busybox:latest"
  command    = ["echo", "never"]
  depends_on = [step.s]
}`)
	for _, stayDown := range []bool{false, true} {
		name := map[bool]string{false: "restart", true: "stays down"}[stayDown]
		t.Run(name, func(t *testing.T) {
			p := startOn(t, eng, env, pipeline)
			p.waitFor(t, "s up", output("s", "up"))

			// The daemon stops the step's container on its way out, which
			// takes the container's stop timeout (sh ignores SIGTERM as pid 1):
			// runjob must not wait for that, nor for the daemon to return.
			stopped := make(chan error, 1)
			sigterm := time.Now()
			go func() {
				err := d.Stop()
				if err == nil && !stayDown {
					err = d.Start()
				}
				stopped <- err
			}()
			code := p.waitWithin(t, 60*time.Second)
			t.Logf("runjob exited %d %s after dockerd got SIGTERM", code, time.Since(sigterm).Round(time.Millisecond))
			if err := <-stopped; err != nil {
				t.Fatal(err)
			}
			if stayDown {
				if err := d.Start(); err != nil {
					t.Fatal(err)
				}
			}
			if code != 3 {
				t.Fatalf("exit %d, want 3\n%s", code, p.stderr)
			}
			stderr := p.stderr.String()
			for _, want := range []string{"runjob: engine unavailable: ", "cannot reach the Docker engine at " + d.Host} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}

			if r := runjobOn(t, eng, env, "prune", "--run", p.runID); r.code != 0 {
				t.Fatalf("prune --run %s: exit %d\n%s", p.runID, r.code, r.stderr)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			left, err := eng.Resources(ctx, map[string]string{executor.LabelRunID: p.runID})
			if err != nil || len(left) > 0 {
				t.Fatalf("after prune, run %s still has %v (err %v)", p.runID, left, err)
			}

			r := runjobOn(t, eng, env, "../../examples/hello.hcl", "--artifacts", t.TempDir())
			if r.code != 0 || !strings.Contains(r.stdout, "hello world") {
				t.Fatalf("a run after the restart: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}
