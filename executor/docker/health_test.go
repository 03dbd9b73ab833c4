package docker_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A container's health check runs and turns it healthy, then unhealthy
// once it fails retries times in a row. On Podman without systemd nothing
// would run the check: runjob's Inspect runs it there (podman_health.go).
func TestHealthCheckIsRunAndReported(t *testing.T) {
	eng := dockertest.Engine(t)
	runID := executor.NewRunID()
	dockertest.NoLeftovers(t, eng, runID)
	ctx := context.Background()
	id, err := eng.Create(ctx, &executor.ContainerSpec{
		Name:    "runjob-test-" + runID,
		Image:   image,
		Command: []string{"sh", "-c", "touch /ok; sleep 3; rm /ok; sleep 300"},
		Labels:  map[string]string{executor.LabelRunID: runID},
		Health:  &executor.HealthCheck{Command: []string{"test", "-e", "/ok"}, Interval: 500 * time.Millisecond, Timeout: 5 * time.Second, Retries: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Remove(context.Background(), id) })
	go func() { _, _ = eng.Run(ctx, id, io.Discard, io.Discard) }()

	var seen []string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		st, err := eng.Inspect(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[len(seen)-1] != st.Health {
			seen = append(seen, st.Health)
		}
		if st.Health == "unhealthy" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	// starting (maybe not seen), healthy, unhealthy.
	if n := len(seen); n < 2 || seen[n-2] != "healthy" || seen[n-1] != "unhealthy" {
		t.Fatalf("health went %q, want healthy then unhealthy", seen)
	}
}
