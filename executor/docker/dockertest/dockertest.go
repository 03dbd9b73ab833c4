// Package dockertest gives integration tests a real Docker engine, and
// checks that they leave nothing behind.
//
// When no engine answers, tests skip with a message, except when CI=true or
// RUNJOB_REQUIRE_DOCKER=1 (set by `make test`): then a missing engine fails
// them, so a broken setup can never pass as a run of skipped tests.
package dockertest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
)

// Required reports whether a missing engine must fail the tests.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("RUNJOB_REQUIRE_DOCKER") == "1"
}

// Engine returns an engine that answered a ping, closed when t ends.
func Engine(t testing.TB) *docker.Engine {
	t.Helper()
	eng, err := docker.New()
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = eng.Ping(ctx)
		cancel()
	}
	if err != nil {
		if Required() {
			t.Fatalf("no Docker engine, and CI=true or RUNJOB_REQUIRE_DOCKER=1 requires one (run `make setup`): %v", err)
		}
		t.Skipf("no Docker engine (run `make setup`, or set RUNJOB_REQUIRE_DOCKER=1 to fail instead): %v", err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	return eng
}

// IsPodman reports whether eng is Podman's Docker-compatible API, for tests
// that assert where Podman behaves differently (docs/engines.md's
// section lists how).
func IsPodman(eng *docker.Engine) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return eng.IsPodman(ctx)
}

// NoLeftovers registers a cleanup, to run after the test's own, that fails
// the test if any container, network, volume or built image (tagged or
// not: a test removes the tags it asked for itself) of runID remains, and
// removes it so one failure does not cascade.
func NoLeftovers(t testing.TB, eng *docker.Engine, runID string) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// Containers come first, so the networks they were on can go.
		left, err := eng.Resources(ctx, map[string]string{executor.LabelRunID: runID})
		if err != nil {
			t.Errorf("list leftovers of run %s: %v", runID, err)
			return
		}
		var names []string
		for _, r := range left {
			names = append(names, r.Kind+" "+r.Name)
			_ = eng.RemoveResource(ctx, r)
		}
		if len(names) > 0 {
			t.Errorf("run %s left %d resource(s): %s", runID, len(names), strings.Join(names, ", "))
		}
	})
}
