package docker_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A daemon shutting down closes its listener first, then stops the
// containers while the connections it had keep working: the run ends with
// an engine error, not with the exit code of a container the daemon
// killed. (TestDaemonRestartMidRunExits3 in cmd/runjob restarts a real one.)
func TestDaemonStoppingToListenMidRun(t *testing.T) {
	proxy, eng := proxiedEngine(t)
	res, err := runLosingEngine(t, eng, proxy.StopListening)
	var ee *executor.EngineError
	if !errors.As(err, &ee) || !cerrdefs.IsUnavailable(err) || !strings.Contains(err.Error(), "stopped accepting connections") {
		t.Fatalf("Run error = %v, want an engine error saying the daemon stopped accepting connections", err)
	}
	if got, want := statuses(res), "s=error next=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	// The run's own health pings ride the pooled connections too.
	if err := eng.Ping(context.Background()); !cerrdefs.IsUnavailable(err) {
		t.Errorf("Ping after the daemon stopped listening = %v, want unavailable", err)
	}
	// Removal rode the connections still open; whatever it could not
	// remove is reported, and NoLeftovers removes it through the real socket.
	for _, l := range res.Leftovers {
		_ = dockertest.Engine(t).Remove(context.Background(), l.Container)
	}
}
