package executor_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
)

// waitCall polls the fake's calls until want shows up; the deadline only
// keeps a bug from hanging the test. Safe from any goroutine.
func waitCall(t *testing.T, eng *fake.Engine, want string) bool {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if slices.Contains(eng.Calls(), want) {
			return true
		}
	}
	t.Errorf("no %q call; calls: %v", want, eng.Calls())
	return false
}

// A step's container is created while its dependency runs, one level ahead
// only, and its first attempt uses it: when the dependency ends, only start
// is left on the critical path.
func TestNextStepIsCreatedWhileItsDependencyRuns(t *testing.T) {
	gate := make(chan struct{})
	eng := fake.New().On("a", fake.Script{Gate: gate})
	done := make(chan *executor.Result)
	go func() { done <- run(t, eng, graph(t, "a", "b:a", "c:b")) }()
	if !waitCall(t, eng, "Create b") {
		close(gate)
		<-done
		return
	}
	if calls := eng.Calls(); slices.Contains(calls, "Create c") {
		t.Errorf("c was created two levels ahead: %v", calls)
	}
	close(gate)
	res := <-done
	if got, want := statuses(res), "a=ok b=ok c=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	calls := eng.Calls()
	for _, s := range []string{"b", "c"} {
		if n := count(calls, "Create "+s); n != 1 {
			t.Errorf("%s created %d times: %v", s, n, calls)
		}
	}
	if slices.Index(calls, "Create c") > slices.Index(calls, "Run c") {
		t.Errorf("c created after it ran: %v", calls)
	}
}

// A container created ahead for a step that never runs (the run was
// interrupted while its dependency ran) is removed: run checks that the
// fake holds no container afterwards.
func TestPreparedContainerOfCancelledStepIsRemoved(t *testing.T) {
	gate := make(chan struct{})
	defer close(gate)
	eng := fake.New().On("a", fake.Script{Gate: gate})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { waitCall(t, eng, "Create b"); cancel() }()
	res, err := executor.New(eng, executor.WithArtifactsDir(t.TempDir())).Run(ctx, graph(t, "a", "b:a"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), "a=cancelled b=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if slices.Contains(eng.Calls(), "Run b") {
		t.Errorf("b ran: %v", eng.Calls())
	}
	if left := eng.Leftovers(); len(left) > 0 {
		t.Fatalf("containers not removed: %v", left)
	}
}

func count(xs []string, x string) (n int) {
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}
