package executor_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// graph builds a pipeline from "name:dep1,dep2" specs.
func graph(t *testing.T, specs ...string) *pipeline.Graph {
	t.Helper()
	p := &pipeline.Pipeline{Name: "t"}
	for _, spec := range specs {
		name, deps, _ := strings.Cut(spec, ":")
		s := &pipeline.Step{Name: name, Image: "img"}
		for _, d := range strings.Split(deps, ",") {
			if d != "" {
				s.DependsOn = append(s.DependsOn, pipeline.Dependency{Step: d})
			}
		}
		p.Steps = append(p.Steps, s)
	}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func run(t *testing.T, eng *fake.Engine, g *pipeline.Graph, opts ...executor.Option) *executor.Result {
	t.Helper()
	res, err := executor.New(eng, append([]executor.Option{executor.WithArtifactsDir(t.TempDir())}, opts...)...).Run(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	if left := eng.Leftovers(); len(left) > 0 {
		t.Fatalf("containers not removed: %v", left)
	}
	return res
}

func statuses(res *executor.Result) string {
	var out []string
	for _, s := range res.Steps {
		out = append(out, s.Name+"="+string(s.Status))
	}
	return strings.Join(out, " ")
}

func TestFailureSkipsDependentsButNotSiblings(t *testing.T) {
	eng := fake.New().On("test", fake.Script{Exit: 3}).On("lint", fake.Script{Sleep: 20 * time.Millisecond})
	res := run(t, eng, graph(t, "build", "test:build", "lint:build", "package:test,lint", "publish:package"))
	want := "build=ok test=failed lint=ok package=skipped publish=skipped"
	if got := statuses(res); got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if res.Steps[1].ExitCode != 3 {
		t.Errorf("test exit code = %d, want 3", res.Steps[1].ExitCode)
	}
	if err := res.Steps[4].Err; err == nil || !strings.Contains(err.Error(), `"package"`) {
		t.Errorf("publish skipped because %v, want it to name package", err)
	}
	// package's container may be created ahead while test and lint run
	// (prepare.go), but it must never run, and must be gone afterwards;
	// publish waits for package, which never ran, so it is not even created.
	for _, c := range eng.Calls() {
		if c == "Run package" || strings.HasSuffix(c, " publish") {
			t.Errorf("skipped step reached the engine: %s", c)
		}
	}
	if left := eng.Leftovers(); len(left) > 0 {
		t.Errorf("containers left: %v", left)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	eng := fake.New()
	var specs []string
	for i := range 12 {
		name := fmt.Sprintf("s%d", i)
		specs = append(specs, name)
		eng.On(name, fake.Script{Sleep: 15 * time.Millisecond})
	}
	res := run(t, eng, graph(t, specs...), executor.WithConcurrency(3))
	if !res.OK() {
		t.Fatal(statuses(res))
	}
	if p := eng.Peak(); p != 3 {
		t.Fatalf("peak concurrency = %d, want exactly 3 (bounded and used)", p)
	}
}

// A step starts when its own dependencies finish, not when every step of its
// "level" does: slow is still running when fast's dependent starts.
func TestStepStartsWhenItsOwnDependenciesFinish(t *testing.T) {
	gate := make(chan struct{})
	eng := fake.New().On("slow", fake.Script{Gate: gate}).On("after-fast", fake.Script{})
	var once sync.Once
	obs := executor.ObserverFunc(func(ev executor.Event) {
		if ev.Kind == executor.EventStepFinished && ev.Step == "after-fast" {
			once.Do(func() { close(gate) })
		}
	})
	g := graph(t, "slow", "fast", "after-fast:fast", "after-slow:slow")
	ex := executor.New(eng, executor.WithObserver(obs), executor.WithArtifactsDir(t.TempDir()))
	done := make(chan *executor.Result)
	go func() {
		res, _ := ex.Run(context.Background(), g) // Run's error is always nil today
		done <- res
	}()
	select {
	case res := <-done:
		if !res.OK() {
			t.Fatal(statuses(res))
		}
	case <-time.After(10 * time.Second):
		close(gate)
		t.Fatal("after-fast did not run while slow was still running")
	}
	_, slowEnd := eng.Span("slow")
	afterStart, _ := eng.Span("after-fast")
	if !afterStart.Before(slowEnd) {
		t.Fatalf("after-fast started at %v, after slow ended at %v", afterStart, slowEnd)
	}
}

func TestOutputIsDeliveredPerStreamWithFinalPartialLine(t *testing.T) {
	eng := fake.New().On("a", fake.Script{Stdout: "one\ntwo\nno-newline", Stderr: "err1\n"})
	var mu sync.Mutex
	var lines []string
	out := executor.NewLineOutput(0, func(step string, stream executor.Stream, line []byte) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf("%s/%s/%s", step, stream, line))
	})
	run(t, eng, graph(t, "a"), executor.WithOutput(out))
	slices.Sort(lines)
	want := []string{"a/stderr/err1", "a/stdout/no-newline", "a/stdout/one", "a/stdout/two"}
	if !slices.Equal(lines, want) {
		t.Fatalf("lines = %q, want %q", lines, want)
	}
}

func TestEngineErrorsAndOOM(t *testing.T) {
	eng := fake.New().FailPull("missing:1", cerrdefs.ErrNotFound.WithMessage("manifest unknown")).
		On("oom", fake.Script{Exit: 137, OOMKilled: true}).
		On("boom", fake.Script{Fail: map[string]error{"Create": errors.New("daemon gone")}})
	g := graph(t, "pull", "oom", "boom", "after:pull")
	g.Step(0).Image = "missing:1"
	res := run(t, eng, g)
	if got, want := statuses(res), "pull=error oom=oom_killed boom=error after=skipped"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if err := res.Steps[0].Err; !cerrdefs.IsNotFound(err) || !strings.Contains(err.Error(), "missing:1") {
		t.Errorf("pull error = %v, want not-found naming the image", err)
	}
	if !res.Steps[1].OOMKilled || !strings.Contains(res.Steps[1].Err.Error(), "out of memory") {
		t.Errorf("oom result = %+v", res.Steps[1])
	}
}

func TestCancellationCancelsRunningAndPendingSteps(t *testing.T) {
	eng := fake.New().On("long", fake.Script{Sleep: time.Hour})
	ctx, cancel := context.WithCancelCause(context.Background())
	obs := executor.ObserverFunc(func(ev executor.Event) {
		if ev.Kind == executor.EventStepStarted && ev.Step == "long" {
			cancel(errors.New("interrupted by test"))
		}
	})
	g := graph(t, "long", "next:long", "other:long")
	res, err := executor.New(eng, executor.WithObserver(obs), executor.WithArtifactsDir(t.TempDir())).Run(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), "long=cancelled next=cancelled other=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if left := eng.Leftovers(); len(left) > 0 {
		t.Fatalf("cancelled run left containers: %v", left)
	}
	if !strings.Contains(res.Steps[0].Err.Error(), "interrupted by test") {
		t.Errorf("cancel reason = %v", res.Steps[0].Err)
	}
}

func TestArtifactsAreExported(t *testing.T) {
	eng := fake.New().On("build", fake.Script{Files: map[string]string{
		"/out/result.txt": "42\n", "/out/sub/deep.txt": "deep", "/elsewhere": "no",
	}}).On("nofile", fake.Script{})
	g := graph(t, "build", "nofile")
	g.Step(0).Artifacts = []pipeline.Artifact{{Name: "out", Path: "/out"}}
	g.Step(1).Artifacts = []pipeline.Artifact{{Name: "missing", Path: "/nope"}}
	dir := t.TempDir()
	res := run(t, eng, g, executor.WithArtifactsDir(dir))
	if got, want := statuses(res), "build=ok nofile=failed"; got != want {
		t.Fatalf("statuses = %s, want %s (%v)", got, want, res.Steps[1].Err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "build", "out", "result.txt"))
	if err != nil || string(b) != "42\n" {
		t.Fatalf("result.txt = %q, %v", b, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "build", "out", "sub", "deep.txt")); string(b) != "deep" {
		t.Fatalf("deep.txt = %q", b)
	}
	if a := res.Steps[0].Artifacts; len(a) != 1 || a[0].Files != 2 || a[0].Bytes != 7 {
		t.Fatalf("artifact result = %+v", a[0])
	}
	if err := res.Steps[1].Err; err == nil || !strings.Contains(err.Error(), "/nope") {
		t.Fatalf("missing artifact error = %v", err)
	}
}

func TestEventsAreOrderedPerStep(t *testing.T) {
	eng := fake.New()
	var kinds []string
	obs := executor.ObserverFunc(func(ev executor.Event) { kinds = append(kinds, string(ev.Kind)+":"+ev.Step) })
	run(t, eng, graph(t, "a"), executor.WithObserver(obs))
	want := []string{"run_started:", "step_queued:a", "image_ready:a", "step_started:a", "step_finished:a", "run_finished:"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("events = %v, want %v", kinds, want)
	}
}
