package docker_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline"
)

// The executor on the real engine: what a user's pipeline does, built as a
// model (the HCL loader is tested on its own).

type lines struct {
	mu sync.Mutex
	by map[string][]string
	on func(step, line string)
}

func (l *lines) output() executor.Output {
	return executor.NewLineOutput(0, func(step string, _ executor.Stream, line []byte) {
		l.mu.Lock()
		if l.by == nil {
			l.by = map[string][]string{}
		}
		l.by[step] = append(l.by[step], string(line))
		on := l.on
		l.mu.Unlock()
		if on != nil {
			on(step, string(line))
		}
	})
}

func (l *lines) of(step string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.by[step])
}

func step(name string, cmd ...string) *pipeline.Step {
	return &pipeline.Step{Name: name, Image: image, Command: cmd}
}

func after(s *pipeline.Step, deps ...string) *pipeline.Step {
	for _, d := range deps {
		s.DependsOn = append(s.DependsOn, pipeline.Dependency{Step: d})
	}
	return s
}

// execute runs steps as a pipeline on eng, checking afterwards that the
// run left no container behind.
func execute(t *testing.T, ctx context.Context, eng executor.Engine, steps []*pipeline.Step, opts ...executor.Option) (*executor.Result, error) {
	t.Helper()
	runID := executor.NewRunID()
	dockertest.NoLeftovers(t, dockertest.Engine(t), runID)
	g, err := pipeline.NewGraph(&pipeline.Pipeline{Name: "t", Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	base := []executor.Option{executor.WithRunID(runID), executor.WithArtifactsDir(t.TempDir()),
		executor.WithRetryBackoff(100*time.Millisecond, 200*time.Millisecond)}
	return executor.New(eng, append(base, opts...)...).Run(ctx, g)
}

func statuses(res *executor.Result) string {
	var out []string
	for _, s := range res.Steps {
		out = append(out, s.Name+"="+string(s.Status))
	}
	return strings.Join(out, " ")
}

func TestOOMIsReportedWithTheLimit(t *testing.T) {
	eng := dockertest.Engine(t)
	hog := step("hog", "sh", "-c", "head -c 64m /dev/zero | tail")
	hog.Resources.Memory = 16 << 20
	res, err := execute(t, context.Background(), eng, []*pipeline.Step{hog})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Steps[0]
	if dockertest.IsPodman(eng) {
		// Podman never reports OOM kills: the step failed, killed, and
		// its error says runjob cannot tell why.
		want := "killed (exit 137; " + docker.PodmanOOMCaveat + ")"
		if r.Status != executor.StatusFailed || r.OOMKilled || r.ExitCode != 137 || r.Err.Error() != want {
			t.Fatalf("status %s, oom %v, exit %d, err %v; want failed, exit 137, %q", r.Status, r.OOMKilled, r.ExitCode, r.Err, want)
		}
		return
	}
	if r.Status != executor.StatusOOMKilled || !r.OOMKilled || r.Err.Error() != "killed: out of memory (limit 16 MiB)" {
		t.Fatalf("status %s, exit %d, err %v", r.Status, r.ExitCode, r.Err)
	}
}

// A step that outlives its timeout is stopped gracefully: it sees SIGTERM
// (and what it prints then is kept), is reported timeout with exit 124,
// and its dependent never runs.
func TestStepTimeoutStopsTheContainerGracefully(t *testing.T) {
	eng := dockertest.Engine(t)
	slow := step("slow", "sh", "-c", `trap 'echo got TERM; exit 143' TERM; echo up; sleep 300 & wait`)
	slow.Timeout = 4 * time.Second
	out := &lines{}
	res, err := execute(t, context.Background(), eng,
		[]*pipeline.Step{slow, after(step("next", "true"), "slow"), step("sibling", "true")},
		executor.WithOutput(out.output()), executor.WithStopTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), "slow=timeout next=skipped sibling=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if r := res.Steps[0]; r.ExitCode != executor.TimeoutExitCode || r.Err.Error() != "timed out after 4s" {
		t.Fatalf("exit %d, err %v", r.ExitCode, r.Err)
	}
	if got := out.of("slow"); !slices.Equal(got, []string{"up", "got TERM"}) {
		t.Fatalf("output = %q, want the trap's line too", got)
	}
}

func TestRetriesUseFreshContainers(t *testing.T) {
	eng := dockertest.Engine(t)
	bad := step("bad", "sh", "-c", "hostname; exit 7")
	bad.Retries = 2
	out := &lines{}
	res, err := execute(t, context.Background(), eng, []*pipeline.Step{bad}, executor.WithOutput(out.output()))
	if err != nil {
		t.Fatal(err)
	}
	r := res.Steps[0]
	if r.Status != executor.StatusFailed || r.ExitCode != 7 || len(r.Attempts) != 3 {
		t.Fatalf("status %s exit %d attempts %d", r.Status, r.ExitCode, len(r.Attempts))
	}
	if hosts := out.of("bad"); len(slices.Compact(slices.Sorted(slices.Values(hosts)))) != 3 {
		t.Fatalf("attempts did not run in 3 different containers: hostnames %q", hosts)
	}
}

func TestAllowFailureAndFailFast(t *testing.T) {
	eng := dockertest.Engine(t)
	lint := step("lint", "sh", "-c", "exit 2")
	lint.AllowFailure = true
	res, err := execute(t, context.Background(), eng, []*pipeline.Step{lint, after(step("build", "true"), "lint")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), "lint=failed_allowed build=ok"; got != want || !res.OK() {
		t.Fatalf("statuses = %s, want %s (ok=%v)", got, want, res.OK())
	}

	res, err = execute(t, context.Background(), eng, []*pipeline.Step{
		step("bad", "sh", "-c", "sleep 1; exit 1"), step("long", "sleep", "300"),
	}, executor.WithFailFast(true), executor.WithStopTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), "bad=failed long=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if err := res.Steps[1].Err; err.Error() != `cancelled by fail-fast: step "bad" failed` {
		t.Fatalf("long: %v", err)
	}
}

func TestPullNeverWithMissingImageNamesIt(t *testing.T) {
	eng := dockertest.Engine(t)
	missing := step("s", "true")
	missing.Image, missing.Pull = "runjob-test/never-present:"+strings.ToLower(executor.NewRunID()), pipeline.PullNever
	present := step("p", "true")
	present.Pull = pipeline.PullNever
	res, err := execute(t, context.Background(), eng, []*pipeline.Step{missing, present})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), "s=error p=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if err := res.Steps[0].Err; !cerrdefs.IsNotFound(err) || !strings.Contains(err.Error(), missing.Image+" (pull never)") {
		t.Fatalf("err = %v", err)
	}
}

// Interrupting a run stops containers gracefully (the trap's output
// arrives); a second interrupt (the force context) kills one that ignores
// SIGTERM without waiting out its grace period. Either way nothing is left.
func TestInterruptThenForce(t *testing.T) {
	eng := dockertest.Engine(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	force, forceNow := context.WithCancel(context.Background())
	defer forceNow()
	ready := 0
	var mu sync.Mutex
	out := &lines{}
	out.on = func(_, line string) {
		mu.Lock()
		defer mu.Unlock()
		if line == "up" {
			if ready++; ready == 2 {
				cancel(errors.New("interrupted by test"))
				time.AfterFunc(time.Second, forceNow)
			}
		}
	}
	polite := step("polite", "sh", "-c", `trap 'echo got TERM; exit 143' TERM; echo up; sleep 300 & wait`)
	stubborn := step("stubborn", "sh", "-c", `trap '' TERM; echo up; sleep 300 & wait; sleep 300`)
	done := make(chan *executor.Result, 1)
	go func() {
		res, _ := execute(t, ctx, eng, []*pipeline.Step{polite, stubborn}, executor.WithOutput(out.output()),
			executor.WithStopTimeout(time.Hour), executor.WithForceStop(force))
		done <- res
	}()
	var res *executor.Result
	select {
	case res = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the forced stop did not end the run")
	}
	if got, want := statuses(res), "polite=cancelled stubborn=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if got := out.of("polite"); !slices.Contains(got, "got TERM") {
		t.Fatalf("polite output = %q: SIGTERM not delivered gracefully", got)
	}
}

func TestKeepOnFailureKeepsALabelledContainer(t *testing.T) {
	eng := dockertest.Engine(t)
	runID := executor.NewRunID()
	dockertest.NoLeftovers(t, eng, runID)
	g, _ := pipeline.NewGraph(&pipeline.Pipeline{Name: "t", Steps: []*pipeline.Step{
		step("bad", "sh", "-c", "echo state > /debug.txt; exit 4"), step("good", "true"),
	}})
	res, err := executor.New(eng, executor.WithRunID(runID), executor.WithKeepOnFailure(true),
		executor.WithArtifactsDir(t.TempDir())).Run(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	kept := res.Steps[0].Kept
	t.Cleanup(func() { _ = eng.Remove(context.Background(), kept) })
	left, err := eng.Containers(context.Background(), map[string]string{executor.LabelRunID: runID})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].Name != kept || left[0].Labels[executor.LabelPID] == "" {
		t.Fatalf("kept %q, engine has %+v", kept, left)
	}
}

// Two runs of the same pipeline at once never collide: names are per run.
func TestConcurrentRunsOfOnePipeline(t *testing.T) {
	eng := dockertest.Engine(t)
	var wg sync.WaitGroup
	results := make([]*executor.Result, 2)
	for i := range results {
		wg.Go(func() {
			res, err := execute(t, context.Background(), eng, []*pipeline.Step{
				step("a", "sh", "-c", "sleep 1"), after(step("b", "true"), "a"), step("c", "true"),
			})
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		})
	}
	wg.Wait()
	for _, res := range results {
		if res == nil || !res.OK() {
			t.Fatalf("run failed: %s", statuses(res))
		}
	}
	if results[0].RunID == results[1].RunID {
		t.Fatal("two runs shared a run ID")
	}
}

// The daemon going away mid-run (its socket closes under runjob) ends the
// run with an engine error instead of hanging.
func TestEngineLostMidRun(t *testing.T) {
	proxy, eng := proxiedEngine(t)
	res, err := runLosingEngine(t, eng, func() { go proxy.Cut() })
	var ee *executor.EngineError
	if !errors.As(err, &ee) || !cerrdefs.IsUnavailable(err) {
		t.Fatalf("Run error = %v, want an engine error", err)
	}
	if got, want := statuses(res), "s=error next=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	// The running container could not be removed through the dead socket:
	// it is reported (and removed here through the real one). So is next's,
	// created ahead while s ran, unless the loss came before its create.
	var ran bool
	for _, l := range res.Leftovers {
		ran = ran || l.Step == "s"
		if l.Step != "s" && l.Step != "next" {
			t.Errorf("unexpected leftover %+v", l)
		}
		_ = dockertest.Engine(t).Remove(context.Background(), l.Container)
	}
	if !ran || len(res.Leftovers) > 2 {
		t.Fatalf("leftovers = %+v, want the running container (and next's)", res.Leftovers)
	}
}

// proxiedEngine is an engine that talks to the real one through a proxy.
func proxiedEngine(t *testing.T) (*dockertest.Proxy, *docker.Engine) {
	t.Helper()
	proxy := dockertest.EngineProxy(t)
	eng, err := docker.New(dockerHost(proxy.Addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	if err := eng.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	return proxy, eng
}

// runLosingEngine runs a step that prints "up" and sleeps, with a second
// step after it, calling lose once "up" is printed. A run that has not
// ended a minute later fails the test as a hang.
func runLosingEngine(t *testing.T, eng executor.Engine, lose func()) (*executor.Result, error) {
	t.Helper()
	var lost time.Time
	out := &lines{on: func(_, line string) {
		if line == "up" {
			lost = time.Now()
			lose()
		}
	}}
	var res *executor.Result
	var err error
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
		t.Fatal("the run hung after the engine went away")
	}
	t.Logf("the run ended %s after the engine went away", time.Since(lost).Round(time.Millisecond))
	return res, err
}

func dockerHost(addr string) client.Opt { return client.WithHost(addr) }

// A container that cannot start (its command does not exist) is an engine
// error naming the command, and is removed all the same.
func TestFailedStartIsCleanedUp(t *testing.T) {
	eng := dockertest.Engine(t)
	res, err := execute(t, context.Background(), eng, []*pipeline.Step{step("bad", "/nonexistent")})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Steps[0]; r.Status != executor.StatusError || !strings.Contains(r.Err.Error(), "/nonexistent") {
		t.Fatalf("status %s, err %v", r.Status, r.Err)
	}
	if len(res.Leftovers) != 0 {
		t.Fatalf("leftovers: %+v", res.Leftovers)
	}
}
