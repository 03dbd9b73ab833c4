package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeGo is a go command whose every test round fails m/b and "deadlocks
// the engine" (creates $FAKE_DIR/stuck) until $FAKE_DIR/passes exists, and
// passes after that. It records each call's arguments in $FAKE_DIR/calls.
const fakeGo = `#!/bin/sh
echo "$*" >> "$FAKE_DIR/calls"
if [ -f "$FAKE_DIR/passes" ]; then printf 'ok  \tm/b\t0.1s\n'; exit 0; fi
touch "$FAKE_DIR/stuck"
printf 'ok  \tm/a\t0.1s\n--- FAIL: TestB (0.10s)\nFAIL\nFAIL\tm/b\t0.2s\nFAIL\n'
exit 1
`

// fakeEngine is a watchdog over a fake engine that hangs while
// $FAKE_DIR/stuck exists; its restart removes it and, after the first,
// lets the fake go pass. dump returns the fixture named.
func fakeEngine(t *testing.T, dir, fixture string, maxRestarts int) (*watchdog, *atomic.Int32) {
	var restarts atomic.Int32
	stuck := filepath.Join(dir, "stuck")
	return &watchdog{
		probe: func(ctx context.Context) error {
			if _, err := os.Stat(stuck); err != nil {
				return nil
			}
			<-ctx.Done()
			return ctx.Err()
		},
		dump: func() (string, string, error) { return fixture, readFixture(t, fixture), nil },
		restart: func() error {
			restarts.Add(1)
			_ = os.WriteFile(filepath.Join(dir, "passes"), nil, 0o644)
			return os.Remove(stuck)
		},
		logf:     t.Logf,
		interval: 10 * time.Millisecond, timeout: 20 * time.Millisecond, maxRestarts: maxRestarts,
	}, &restarts
}

func fakeRunner(t *testing.T, w *watchdog) (runner, string) {
	dir := t.TempDir()
	t.Setenv("FAKE_DIR", dir)
	goCmd := filepath.Join(dir, "go")
	if err := os.WriteFile(goCmd, []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	return runner{goCmd: goCmd, rounds: 3, w: w, clean: func() {}, stdout: io.Discard}, dir
}

func calls(t *testing.T, dir string) []string {
	b, _ := os.ReadFile(filepath.Join(dir, "calls"))
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// A round that fails while the engine is in the known deadlock restarts the
// engine and runs again only the packages that failed, with the same flags.
func TestADeadlockedRoundRunsItsFailuresAgain(t *testing.T) {
	r, dir := fakeRunner(t, nil)
	w, restarts := fakeEngine(t, dir, "deadlock.txt", 3)
	r.w = w
	if code := r.run([]string{"-count=1", "-timeout", "30m", "./..."}); code != 0 {
		t.Fatalf("exit %d, want 0 after the second round", code)
	}
	got := calls(t, dir)
	if want := []string{"test -count=1 -timeout 30m ./...", "test -count=1 -timeout 30m m/b"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("calls = %q, want %q", got, want)
	}
	if n := restarts.Load(); n != 1 {
		t.Errorf("%d restarts, want 1", n)
	}
}

// Any other hang is the tests' to report: no restart, no second round.
func TestAnUnknownHangFailsTheRun(t *testing.T) {
	r, dir := fakeRunner(t, nil)
	w, restarts := fakeEngine(t, dir, "healthy.txt", 3)
	r.w = w
	if code := r.run([]string{"./..."}); code != 1 {
		t.Fatalf("exit %d, want go test's 1", code)
	}
	if got := calls(t, dir); len(got) != 1 || restarts.Load() != 0 {
		t.Errorf("calls %q and %d restarts, want one round and none", got, restarts.Load())
	}
}

// A failure with no deadlock, or with no watchdog, is final.
func TestAPlainFailureIsFinal(t *testing.T) {
	r, dir := fakeRunner(t, nil)
	if code := r.run([]string{"./..."}); code != 1 || len(calls(t, dir)) != 1 {
		t.Fatalf("exit %d after %d rounds, want 1 after 1", code, len(calls(t, dir)))
	}
}

// The engine is restarted at most maxRestarts times: a deadlock that comes
// back each round ends the run failed.
func TestRestartsAreBounded(t *testing.T) {
	r, dir := fakeRunner(t, nil)
	w, restarts := fakeEngine(t, dir, "deadlock.txt", 1)
	w.restart = func() error { restarts.Add(1); return os.Remove(filepath.Join(dir, "stuck")) }
	r.w = w
	if code := r.run([]string{"./..."}); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if n, rounds := restarts.Load(), len(calls(t, dir)); n != 1 || rounds != 2 {
		t.Errorf("%d restarts and %d rounds, want 1 and 2", n, rounds)
	}
}
