package docker_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline"
)

// A daemon shutting down closes its listener first, then stops the
// containers while the connections it had keep working: the run ends with
// an engine error, not with the exit code of a container the daemon
// killed. (TestDaemonRestartMidRunExits3 in cmd/runjob restarts a real one.)
func TestDaemonStoppingToListenMidRun(t *testing.T) {
	proxy := dockertest.EngineProxy(t)
	eng, err := docker.New(dockerHost(proxy.Addr))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if err := eng.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	var stopped time.Time
	out := &lines{on: func(_, line string) {
		if line == "up" {
			stopped = time.Now()
			proxy.StopListening()
		}
	}}
	// The run's own health pings ride the pooled connections too.
	defer func() {
		if err := eng.Ping(context.Background()); !cerrdefs.IsUnavailable(err) {
			t.Errorf("Ping after the daemon stopped listening = %v, want unavailable", err)
		}
	}()
	var res *executor.Result
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err = execute(t, context.Background(), eng, []*pipeline.Step{
			step("s", "sh", "-c", "echo up; sleep 300"), after(step("next", "true"), "s"),
		}, executor.WithOutput(out.output()))
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the run hung after the daemon stopped listening")
	}
	t.Logf("the run ended %s after the daemon stopped listening", time.Since(stopped).Round(time.Millisecond))
	var ee *executor.EngineError
	if !errors.As(err, &ee) || !cerrdefs.IsUnavailable(err) || !strings.Contains(err.Error(), "stopped accepting connections") {
		t.Fatalf("Run error = %v, want an engine error saying the daemon stopped accepting connections", err)
	}
	if got, want := statuses(res), "s=error next=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	// Removal rode the connections still open; whatever it could not
	// remove is reported, and NoLeftovers removes it through the real socket.
	for _, l := range res.Leftovers {
		_ = dockertest.Engine(t).Remove(context.Background(), l.Container)
	}
}
