package dockertest

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// One swarm for a whole test binary: starting takes seconds, and most
// tests need only a swarm, not one of their own. It is started by the
// first test that asks for it and destroyed when SwarmMain's m.Run ends.
var shared struct {
	mu       sync.Mutex
	inMain   bool
	started  bool
	swarm    *Swarm
	err      error
	cleanups []func()
	problems []string
}

// SwarmMain runs the tests of a package whose tests call SharedSwarm, then
// destroys the shared swarm if one was started. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(dockertest.SwarmMain(m)) }
//
// A teardown that finds something wrong (a process that outlives the
// swarm) turns a passing run into a failing one.
func SwarmMain(m *testing.M) int {
	shared.mu.Lock()
	shared.inMain = true
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for i := len(shared.cleanups) - 1; i >= 0; i-- {
		shared.cleanups[i]()
	}
	for _, p := range shared.problems {
		fmt.Fprintln(os.Stderr, "dockertest: shared swarm:", p)
	}
	if code == 0 && len(shared.problems) > 0 {
		code = 1
	}
	return code
}

// SharedSwarm returns the test binary's one swarm, starting it on first
// use; it skips or fails as StartSwarm does (every test that asks, once
// the start failed). Tests that share it run side by side with others on
// it: label and name what they create uniquely, and check leftovers by
// their own run ID (NoLeftovers). Without SwarmMain it fails the test.
func SharedSwarm(t testing.TB) *Swarm {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.inMain {
		t.Fatal("SharedSwarm needs TestMain to call dockertest.SwarmMain (which tears the swarm down)")
	}
	if !shared.started {
		shared.started = true
		shared.swarm, shared.err = startSwarm(
			func(f func()) { shared.cleanups = append(shared.cleanups, f) },
			func(format string, args ...any) {
				shared.problems = append(shared.problems, fmt.Sprintf(format, args...))
			})
	}
	if shared.err != nil {
		swarmUnavailable(t, shared.err)
	}
	return shared.swarm
}
