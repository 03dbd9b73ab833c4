package executor_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// Late steps (on_failure, always) when the run is stopped: fail-fast, the
// pipeline timeout, interrupts, the engine's loss.

func TestLateStepsRunAfterFailFast(t *testing.T) {
	eng := fake.New().On("bad", fake.Script{Exit: 1, Sleep: 20 * time.Millisecond}).On("slow", fake.Script{Sleep: time.Hour})
	g := graph(t, "bad", "slow", "after:slow", "notify:bad", "quiet:slow", "cleanup:slow,after", "cancelled:slow")
	g.Step(3).When = pipeline.WhenOnFailure
	g.Step(4).When = pipeline.WhenOnFailure
	g.Step(5).When = pipeline.WhenAlways
	res := run(t, eng, g, executor.WithFailFast(true))
	// quiet: slow was cancelled, which is not a failure. cancelled is an
	// ordinary step: fail-fast cancels it.
	want := "bad=failed slow=cancelled after=cancelled notify=ok quiet=skipped cleanup=ok cancelled=cancelled"
	if got := statuses(res); got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if res.OK() {
		t.Fatal("the run must fail")
	}
}

// The pipeline timeout stops ordinary steps; late steps still run, bounded
// by their own timeout, and the run fails with the pipeline's timeout.
func TestLateStepsRunAfterThePipelineTimeout(t *testing.T) {
	eng := fake.New().On("long", fake.Script{Sleep: time.Hour}).
		On("cleanup", fake.Script{Sleep: 100 * time.Millisecond}).On("stuck", fake.Script{Sleep: time.Hour})
	g := graph(t, "long", "next:long", "notify:long", "cleanup:next", "stuck:long")
	g.Step(2).When = pipeline.WhenOnFailure
	g.Step(3).When = pipeline.WhenAlways
	g.Step(4).When = pipeline.WhenAlways
	g.Step(4).Timeout = 50 * time.Millisecond
	res := run(t, eng, g, executor.WithTimeout(50*time.Millisecond))
	if got, want := statuses(res), "long=timeout next=cancelled notify=ok cleanup=ok stuck=timeout"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if err := res.Steps[4].Err; err == nil || !strings.Contains(err.Error(), "timed out after 50ms") {
		t.Fatalf("stuck: %v, want its own timeout", err)
	}
	if res.OK() {
		t.Fatal("the run must fail")
	}
}

// On the first interrupt ordinary steps are stopped or cancelled and late
// ones still run; on the second, running late steps are killed and those
// not started are cancelled.
func TestLateStepsAndInterrupts(t *testing.T) {
	ctx, interrupt := context.WithCancelCause(context.Background())
	force, forceNow := context.WithCancel(context.Background())
	defer forceNow()
	eng := fake.New().On("deploy", fake.Script{Sleep: time.Hour}).
		On("cleanup", fake.Script{Sleep: 30 * time.Millisecond}).On("teardown", fake.Script{Sleep: time.Hour, IgnoreStop: true})
	g := graph(t, "deploy", "test:deploy", "cleanup:test", "notify:deploy", "teardown:cleanup", "last:teardown", "after:cleanup")
	g.Step(2).When = pipeline.WhenAlways
	g.Step(3).When = pipeline.WhenOnFailure
	g.Step(4).When = pipeline.WhenAlways
	g.Step(5).When = pipeline.WhenAlways
	obs := executor.ObserverFunc(func(ev executor.Event) {
		if ev.Kind != executor.EventStepStarted {
			return
		}
		switch ev.Step {
		case "deploy":
			interrupt(errors.New("interrupted by test"))
		case "teardown":
			forceNow()
		}
	})
	done := make(chan *executor.Result, 1)
	go func() {
		res, err := executor.New(eng, executor.WithObserver(obs), executor.WithForceStop(force),
			executor.WithStopTimeout(time.Hour), executor.WithArtifactsDir(t.TempDir())).Run(ctx, g)
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	var res *executor.Result
	select {
	case res = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not end after the second interrupt")
	}
	// after is an ordinary dependent of a late step: the interrupt cancels it.
	want := "deploy=cancelled test=cancelled cleanup=ok notify=skipped teardown=cancelled last=cancelled after=cancelled"
	if got := statuses(res); got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	for _, i := range []int{4, 5} {
		if err := res.Steps[i].Err; err == nil || err.Error() != "interrupted by test" {
			t.Errorf("%s: err = %v, want the interrupt", res.Steps[i].Name, err)
		}
	}
	if c := res.Steps[4].ExitCode; c != 137 {
		t.Errorf("teardown exit %d, want 137: killed, not waited for", c)
	}
	if slices.Contains(eng.Calls(), "Run last") {
		t.Error("last ran after the second interrupt")
	}
	if left := eng.Leftovers(); len(left) > 0 {
		t.Fatalf("containers not removed: %v", left)
	}
}

// A late step does not run once the engine is lost.
func TestLateStepsDoNotOutliveTheEngine(t *testing.T) {
	eng := fake.New().On("dies", fake.Script{Fail: map[string]error{"Run": cerrdefs.ErrUnavailable.WithMessage("connection reset")}})
	g := graph(t, "dies", "cleanup:dies")
	g.Step(1).When = pipeline.WhenAlways
	res, err := executor.New(eng, executor.WithArtifactsDir(t.TempDir())).Run(context.Background(), g)
	var ee *executor.EngineError
	if !errors.As(err, &ee) {
		t.Fatalf("Run error = %v, want an *EngineError", err)
	}
	if got, want := statuses(res), "dies=error cleanup=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
}

// A pull given up because the run was interrupted is tried again by a late
// step that shares the image, rather than failing it.
func TestLateStepPullsAgainWhatAnInterruptAbandoned(t *testing.T) {
	ctx, interrupt := context.WithCancelCause(context.Background())
	eng := fake.New().PullDelay(100 * time.Millisecond)
	g := graph(t, "deploy", "cleanup:deploy")
	g.Step(1).When = pipeline.WhenAlways
	obs := executor.ObserverFunc(func(ev executor.Event) {
		if ev.Kind == executor.EventImagePull && ev.Step == "deploy" && !ev.Pull.Done {
			interrupt(errors.New("interrupted by test"))
		}
	})
	res, err := executor.New(eng, executor.WithObserver(obs), executor.WithArtifactsDir(t.TempDir())).Run(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), "deploy=cancelled cleanup=ok"; got != want {
		t.Fatalf("statuses = %s, want %s (cleanup: %v)", got, want, res.Steps[1].Err)
	}
	if n, _ := eng.Pulls("img"); n != 2 {
		t.Fatalf("pulls of img = %d, want 2", n)
	}
}
