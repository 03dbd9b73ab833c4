package executor_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// recorder collects events (the executor delivers them one at a time).
type recorder struct {
	mu  sync.Mutex
	evs []executor.Event
}

func (r *recorder) Event(ev executor.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, ev)
}

func (r *recorder) kinds(kind executor.EventKind) []executor.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []executor.Event
	for _, ev := range r.evs {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func fast() executor.Option { return executor.WithRetryBackoff(time.Millisecond, 4*time.Millisecond) }

func TestStepTimeoutKillsTheStepAndSkipsDependents(t *testing.T) {
	eng := fake.New().On("slow", fake.Script{Sleep: time.Hour}).On("sibling", fake.Script{Sleep: 10 * time.Millisecond})
	g := graph(t, "slow", "after:slow", "sibling")
	g.Step(0).Timeout = 50 * time.Millisecond
	res := run(t, eng, g)
	if got, want := statuses(res), "slow=timeout after=skipped sibling=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	r := res.Steps[0]
	if r.ExitCode != executor.TimeoutExitCode || !strings.Contains(r.Err.Error(), "timed out after 50ms") {
		t.Fatalf("timeout result: exit %d, err %v", r.ExitCode, r.Err)
	}
	if !slices.Contains(eng.Calls(), "Stop slow") {
		t.Fatalf("the timed-out container was not stopped: %v", eng.Calls())
	}
	if res.OK() {
		t.Fatal("a timed-out step must fail the run")
	}
}

func TestPipelineTimeoutTimesOutRunningAndCancelsPending(t *testing.T) {
	eng := fake.New().On("long", fake.Script{Sleep: time.Hour})
	res := run(t, eng, graph(t, "long", "next:long"), executor.WithTimeout(50*time.Millisecond))
	if got, want := statuses(res), "long=timeout next=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	for _, r := range res.Steps {
		if !strings.Contains(r.Err.Error(), "pipeline timeout (50ms) exceeded") {
			t.Errorf("%s: err = %v", r.Name, r.Err)
		}
	}
}

func TestRetriesRunFreshContainersUntilSuccess(t *testing.T) {
	eng := fake.New().On("flaky", fake.Script{Exit: 2, FailTimes: 2}).On("broken", fake.Script{Exit: 5})
	g := graph(t, "flaky", "broken")
	g.Step(0).Retries = 3
	g.Step(1).Retries = 1
	rec := &recorder{}
	res := run(t, eng, g, executor.WithObserver(rec), fast())
	if got, want := statuses(res), "flaky=ok broken=failed"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if n := len(res.Steps[0].Attempts); n != 3 {
		t.Fatalf("flaky attempts = %d, want 3", n)
	}
	if n := len(res.Steps[1].Attempts); n != 2 || res.Steps[1].ExitCode != 5 {
		t.Fatalf("broken: %d attempts, exit %d; want 2 attempts, exit 5", n, res.Steps[1].ExitCode)
	}
	var names []string
	for _, a := range res.Steps[0].Attempts {
		names = append(names, a.Container)
	}
	if len(slices.Compact(slices.Clone(names))) != 3 || !strings.HasSuffix(names[2], "-try3") {
		t.Fatalf("attempts did not get fresh containers: %v", names)
	}
	var started []int
	for _, ev := range rec.kinds(executor.EventStepStarted) {
		if ev.Step == "flaky" {
			started = append(started, ev.Attempt)
		}
	}
	if !slices.Equal(started, []int{1, 2, 3}) {
		t.Fatalf("step_started attempts = %v", started)
	}
	if n := len(rec.kinds(executor.EventStepRetrying)); n != 3 {
		t.Fatalf("step_retrying events = %d, want 3 (2 for flaky, 1 for broken)", n)
	}
}

func TestRetryBackoffHonoursCancellation(t *testing.T) {
	eng := fake.New().On("bad", fake.Script{Exit: 1})
	g := graph(t, "bad")
	g.Step(0).Retries = 5
	ctx, cancel := context.WithCancelCause(context.Background())
	obs := executor.ObserverFunc(func(ev executor.Event) {
		if ev.Kind == executor.EventStepRetrying {
			cancel(errors.New("interrupted by test"))
		}
	})
	res, err := executor.New(eng, executor.WithObserver(obs), executor.WithRetryBackoff(time.Hour, time.Hour),
		executor.WithArtifactsDir(t.TempDir())).Run(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Steps[0]; r.Status != executor.StatusCancelled || len(r.Attempts) != 1 {
		t.Fatalf("status %s after %d attempts, want cancelled after 1", r.Status, len(r.Attempts))
	}
	if left := eng.Leftovers(); len(left) > 0 {
		t.Fatalf("leftovers: %v", left)
	}
}

func TestAllowFailureNeitherFailsTheRunNorSkipsDependents(t *testing.T) {
	eng := fake.New().On("lint", fake.Script{Exit: 3})
	g := graph(t, "lint", "build:lint")
	g.Step(0).AllowFailure = true
	res := run(t, eng, g)
	if got, want := statuses(res), "lint=failed_allowed build=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if !res.OK() || res.Steps[0].ExitCode != 3 || !strings.Contains(res.Steps[0].Err.Error(), "exit code 3") {
		t.Fatalf("ok=%v result=%+v", res.OK(), res.Steps[0])
	}
}

func TestFailFastCancelsRunningAndPendingSteps(t *testing.T) {
	eng := fake.New().On("bad", fake.Script{Exit: 1, Sleep: 20 * time.Millisecond}).
		On("long", fake.Script{Sleep: time.Hour}).On("after", fake.Script{})
	for _, viaPipeline := range []bool{false, true} {
		g := graph(t, "bad", "long", "after:long")
		g.Pipeline().FailFast = viaPipeline
		res := run(t, eng, g, executor.WithFailFast(!viaPipeline))
		if got, want := statuses(res), "bad=failed long=cancelled after=cancelled"; got != want {
			t.Fatalf("statuses = %s, want %s", got, want)
		}
		for _, r := range res.Steps[1:] {
			if r.Err == nil || r.Err.Error() != `cancelled by fail-fast: step "bad" failed` {
				t.Errorf("%s: err = %v", r.Name, r.Err)
			}
		}
	}
}

func TestWhenFalseSkipsTheStepAndItsDependents(t *testing.T) {
	eng := fake.New()
	g := graph(t, "a", "off", "after:off", "other:a")
	g.Step(1).Skip = true
	res := run(t, eng, g)
	if got, want := statuses(res), "a=ok off=skipped after=skipped other=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if res.Steps[1].Err.Error() != "when is false" || !strings.Contains(res.Steps[2].Err.Error(), `"off" skipped`) {
		t.Fatalf("reasons: %v / %v", res.Steps[1].Err, res.Steps[2].Err)
	}
	if !res.OK() {
		t.Fatal("a step skipped by `when` must not fail the run")
	}
	for _, c := range eng.Calls() {
		if strings.HasSuffix(c, " off") || strings.HasSuffix(c, " after") {
			t.Fatalf("skipped step reached the engine: %s", c)
		}
	}
}

func TestOOMIsReportedWithTheLimit(t *testing.T) {
	eng := fake.New().On("hog", fake.Script{Exit: 137, OOMKilled: true})
	g := graph(t, "hog")
	g.Step(0).Resources.Memory = 16 << 20
	res := run(t, eng, g)
	r := res.Steps[0]
	if r.Status != executor.StatusOOMKilled || r.Err.Error() != "killed: out of memory (limit 16 MiB)" {
		t.Fatalf("status %s, err %v", r.Status, r.Err)
	}
}

// An engine that cannot say whether a kill was for memory (Podman) says
// so beside the exit code; the step failed, it was not reported OOM.
func TestKillWithACaveatSaysSo(t *testing.T) {
	eng := fake.New().On("hog", fake.Script{Exit: 137, Caveat: "the engine did not say whether it was out of memory"})
	res := run(t, eng, graph(t, "hog"))
	r := res.Steps[0]
	if r.Status != executor.StatusFailed || r.OOMKilled || r.ExitCode != 137 ||
		r.Err.Error() != "killed (exit 137; the engine did not say whether it was out of memory)" {
		t.Fatalf("status %s, oom %v, exit %d, err %v", r.Status, r.OOMKilled, r.ExitCode, r.Err)
	}
}

// Cancelling stops the container gracefully: what it prints while shutting
// down still arrives, and it is stopped before it is removed.
func TestCancellationStopsGracefullyAndKeepsShutdownOutput(t *testing.T) {
	eng := fake.New().On("svc", fake.Script{Sleep: time.Hour, StopOutput: "got TERM\n"})
	ctx, cancel := context.WithCancelCause(context.Background())
	var mu sync.Mutex
	var lines []string
	out := executor.NewLineOutput(0, func(step string, _ executor.Stream, line []byte) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, string(line))
		if string(line) == "up" {
			cancel(errors.New("interrupted by test"))
		}
	})
	eng.On("svc", fake.Script{Stdout: "up\n", Sleep: time.Hour, StopOutput: "got TERM\n"})
	res, err := executor.New(eng, executor.WithOutput(out), executor.WithArtifactsDir(t.TempDir())).Run(ctx, graph(t, "svc"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps[0].Status != executor.StatusCancelled || res.Steps[0].ExitCode != 143 {
		t.Fatalf("result = %+v", res.Steps[0])
	}
	if !slices.Equal(lines, []string{"up", "got TERM"}) {
		t.Fatalf("lines = %q", lines)
	}
	calls := eng.Calls()
	if i := slices.Index(calls, "Stop svc"); i < 0 {
		t.Fatalf("not stopped: %v", calls)
	}
	if left := eng.Leftovers(); len(left) > 0 {
		t.Fatalf("leftovers: %v", left)
	}
}

// A second interrupt (the force context) cuts the grace period short: a
// container that ignores SIGTERM is killed at once instead of after an hour.
func TestForceStopKillsAtOnce(t *testing.T) {
	eng := fake.New().On("stubborn", fake.Script{Stdout: "up\n", Sleep: time.Hour, IgnoreStop: true})
	ctx, cancel := context.WithCancelCause(context.Background())
	force, forceNow := context.WithCancel(context.Background())
	defer forceNow()
	out := executor.NewLineOutput(0, func(_ string, _ executor.Stream, line []byte) {
		if string(line) == "up" {
			cancel(errors.New("interrupted by test"))
			go func() { time.Sleep(20 * time.Millisecond); forceNow() }()
		}
	})
	done := make(chan *executor.Result, 1)
	go func() {
		res, _ := executor.New(eng, executor.WithOutput(out), executor.WithStopTimeout(time.Hour),
			executor.WithForceStop(force), executor.WithArtifactsDir(t.TempDir())).Run(ctx, graph(t, "stubborn"))
		done <- res
	}()
	select {
	case res := <-done:
		if res.Steps[0].Status != executor.StatusCancelled {
			t.Fatalf("status = %s", res.Steps[0].Status)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the force context did not cut the hour-long grace period short")
	}
	if left := eng.Leftovers(); len(left) > 0 {
		t.Fatalf("leftovers: %v", left)
	}
}

func TestImagesArePulledOncePerRunAndConcurrently(t *testing.T) {
	eng := fake.New().PullDelay(10 * time.Millisecond).PullBarrier(3)
	var specs []string
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		specs = append(specs, n)
	}
	g := graph(t, specs...)
	for i, img := range []string{"one", "one", "one", "one", "two", "three"} {
		g.Step(i).Image = img
	}
	rec := &recorder{}
	run(t, eng, g, executor.WithConcurrency(6), executor.WithObserver(rec))
	for _, img := range []string{"one", "two", "three"} {
		if n, _ := eng.Pulls(img); n != 1 {
			t.Errorf("%s pulled %d times, want once", img, n)
		}
	}
	if _, peak := eng.Pulls("one"); peak != 3 {
		t.Errorf("pulls of the 3 images did not all run at once (peak %d)", peak)
	}
	var done int
	for _, ev := range rec.kinds(executor.EventImagePull) {
		if ev.Pull.Done {
			done++
		}
	}
	if done != 3 {
		t.Errorf("%d final image_pull events, want 3 (one per image)", done)
	}
	if n := len(rec.kinds(executor.EventImageReady)); n != 6 {
		t.Errorf("%d image_ready events, want one per step", n)
	}
}

func TestPullNeverWithMissingImageNamesImageAndPolicy(t *testing.T) {
	eng := fake.New().FailPull("app:dev", cerrdefs.ErrNotFound.WithMessage("not present locally"))
	g := graph(t, "s")
	g.Step(0).Image, g.Step(0).Pull = "app:dev", pipeline.PullNever
	res := run(t, eng, g)
	if err := res.Steps[0].Err; res.Steps[0].Status != executor.StatusError || !cerrdefs.IsNotFound(err) ||
		err.Error() != "image app:dev (pull never): not present locally" {
		t.Fatalf("status %s, err %v", res.Steps[0].Status, err)
	}
}

func TestEngineLossEndsTheRun(t *testing.T) {
	gate := make(chan struct{})
	defer close(gate)
	eng := fake.New().On("dies", fake.Script{Fail: map[string]error{"Run": cerrdefs.ErrUnavailable.WithMessage("connection reset")}}).
		On("long", fake.Script{Gate: gate})
	g := graph(t, "long", "dies", "after:dies", "later:long")
	res, err := executor.New(eng, executor.WithArtifactsDir(t.TempDir())).Run(context.Background(), g)
	var ee *executor.EngineError
	if !errors.As(err, &ee) {
		t.Fatalf("Run error = %v, want an *EngineError", err)
	}
	if got, want := statuses(res), "long=cancelled dies=error after=cancelled later=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if !strings.Contains(res.Steps[0].Err.Error(), "engine unavailable") {
		t.Fatalf("long: %v", res.Steps[0].Err)
	}
}

func TestKeepOnFailureKeepsOnlyTheFailedContainer(t *testing.T) {
	eng := fake.New().On("bad", fake.Script{Exit: 1})
	g := graph(t, "bad", "good")
	res, err := executor.New(eng, executor.WithKeepOnFailure(true), executor.WithArtifactsDir(t.TempDir())).Run(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	left := eng.Leftovers()
	if len(left) != 1 || res.Steps[0].Kept != left[0] || res.Steps[1].Kept != "" {
		t.Fatalf("leftovers %v, kept %q / %q", left, res.Steps[0].Kept, res.Steps[1].Kept)
	}
	if len(res.Leftovers) != 0 {
		t.Fatalf("a kept container is not a leftover: %v", res.Leftovers)
	}
}

func TestArtifactsFollowWhen(t *testing.T) {
	files := map[string]string{"/log/out.txt": "log"}
	eng := fake.New().On("bad", fake.Script{Exit: 1, Files: files}).On("good", fake.Script{Files: files})
	g := graph(t, "bad", "good")
	for i := range 2 {
		g.Step(i).Artifacts = []pipeline.Artifact{
			{Name: "fail", Path: "/log", When: pipeline.OnFailure},
			{Name: "always", Path: "/log", When: pipeline.Always},
			{Name: "ok", Path: "/log"},
		}
	}
	res := run(t, eng, g)
	names := func(r *executor.StepResult) (out []string) {
		for _, a := range r.Artifacts {
			out = append(out, a.Name)
		}
		return out
	}
	if got := names(res.Steps[0]); !slices.Equal(got, []string{"fail", "always"}) {
		t.Errorf("bad exported %v", got)
	}
	if got := names(res.Steps[1]); !slices.Equal(got, []string{"always", "ok"}) {
		t.Errorf("good exported %v", got)
	}
}

// An engine that vanishes without closing its connections (every call
// hangs) is noticed by the health watch: the run ends with an engine error
// instead of hanging, and the container it could not remove is reported.
func TestHungEngineEndsTheRun(t *testing.T) {
	gate := make(chan struct{})
	defer close(gate)
	eng := fake.New().On("s", fake.Script{Gate: gate})
	obs := executor.ObserverFunc(func(ev executor.Event) {
		if ev.Kind == executor.EventStepStarted {
			eng.Hang()
		}
	})
	done := make(chan struct{})
	var res *executor.Result
	var err error
	go func() {
		defer close(done)
		res, err = executor.New(eng, executor.WithObserver(obs), executor.WithHealthCheck(20*time.Millisecond),
			executor.WithArtifactsDir(t.TempDir())).Run(context.Background(), graph(t, "s", "next:s"))
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the run hung with the engine")
	}
	var ee *executor.EngineError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "did not answer two pings") {
		t.Fatalf("Run error = %v", err)
	}
	if got, want := statuses(res), "s=cancelled next=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	// s's container is held by the hung engine and must be reported. next's
	// container was being created ahead (prepare.go) around the time the
	// engine hung: it may be held (created before the hang, then not
	// removable), or only in doubt (its create cut short); either way it may
	// be reported, for prune to find or not. Nothing held may go unreported.
	var reported []string
	for _, l := range res.Leftovers {
		reported = append(reported, l.Container)
	}
	held := eng.Leftovers()
	if !slices.ContainsFunc(held, func(c string) bool { return strings.HasSuffix(c, "-s") }) {
		t.Fatalf("engine holds %v, want s's container among them", held)
	}
	for _, c := range held {
		if !slices.Contains(reported, c) {
			t.Fatalf("reported leftovers %+v, engine holds %v", res.Leftovers, held)
		}
	}
	for _, c := range reported {
		if !strings.HasSuffix(c, "-s") && !strings.HasSuffix(c, "-next") {
			t.Errorf("reported leftover %s is neither s's nor next's", c)
		}
	}
}
