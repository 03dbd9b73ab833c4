package executor_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// outcome makes step "dep" end a given way.
type outcome struct {
	name   string
	script fake.Script
	setup  func(*pipeline.Step)
	status executor.Status
}

var outcomes = []outcome{
	{"ok", fake.Script{}, nil, executor.StatusOK},
	{"failed", fake.Script{Exit: 3}, nil, executor.StatusFailed},
	{"timeout", fake.Script{Sleep: time.Hour}, func(s *pipeline.Step) { s.Timeout = 20 * time.Millisecond }, executor.StatusTimeout},
	{"oom", fake.Script{Exit: 137, OOMKilled: true}, nil, executor.StatusOOMKilled},
	{"error", fake.Script{Fail: map[string]error{"Create": errors.New("no space left")}}, nil, executor.StatusError},
	{"skipped", fake.Script{}, func(s *pipeline.Step) { s.Skip = true }, executor.StatusSkipped},
	{"allowed", fake.Script{Exit: 3}, func(s *pipeline.Step) { s.AllowFailure = true }, executor.StatusFailedAllowed},
}

// Every outcome of a dependency against every condition of its dependent.
func TestWhenAgainstEveryDependencyOutcome(t *testing.T) {
	// What "next" (depending on "dep") ends as, by dep's outcome, for
	// on_success, on_failure and always.
	want := map[string][3]executor.Status{
		"ok":      {executor.StatusOK, executor.StatusSkipped, executor.StatusOK},
		"failed":  {executor.StatusSkipped, executor.StatusOK, executor.StatusOK},
		"timeout": {executor.StatusSkipped, executor.StatusOK, executor.StatusOK},
		"oom":     {executor.StatusSkipped, executor.StatusOK, executor.StatusOK},
		"error":   {executor.StatusSkipped, executor.StatusOK, executor.StatusOK},
		"skipped": {executor.StatusSkipped, executor.StatusSkipped, executor.StatusOK},
		// An allowed failure does not trigger on_failure (as in GitLab CI).
		"allowed": {executor.StatusOK, executor.StatusSkipped, executor.StatusOK},
	}
	for _, o := range outcomes {
		for k, when := range []pipeline.Condition{pipeline.WhenOnSuccess, pipeline.WhenOnFailure, pipeline.WhenAlways} {
			t.Run(o.name+"/"+string(when), func(t *testing.T) {
				eng := fake.New().On("dep", o.script)
				g := graph(t, "dep", "next:dep")
				if o.setup != nil {
					o.setup(g.Step(0))
				}
				g.Step(1).When = when
				res := run(t, eng, g)
				if got, want := statuses(res), fmt.Sprintf("dep=%s next=%s", o.status, want[o.name][k]); got != want {
					t.Fatalf("statuses = %s, want %s", got, want)
				}
				if res.Steps[1].Status == executor.StatusSkipped && when == pipeline.WhenOnFailure {
					if err := res.Steps[1].Err; err == nil || err.Error() != "no dependency failed" {
						t.Fatalf("on_failure skipped because %v", err)
					}
				}
				// The run fails exactly when dep did, whatever next did.
				if wantOK := !o.status.Failed(); res.OK() != wantOK {
					t.Fatalf("OK = %v, want %v", res.OK(), wantOK)
				}
			})
		}
	}
}

// A failure two steps up triggers on_failure through a skipped step; the
// late step's own dependents follow its status.
func TestOnFailureSeesTransitiveFailures(t *testing.T) {
	for _, fail := range []bool{true, false} {
		t.Run(fmt.Sprint("fail=", fail), func(t *testing.T) {
			eng := fake.New()
			if fail {
				eng.On("build", fake.Script{Exit: 1})
			}
			g := graph(t, "build", "deploy:build", "notify:deploy", "page:notify", "archive:notify")
			g.Step(2).When = pipeline.WhenOnFailure
			g.Step(4).When = pipeline.WhenAlways
			res := run(t, eng, g)
			want := "build=ok deploy=ok notify=skipped page=skipped archive=ok"
			if fail {
				want = "build=failed deploy=skipped notify=ok page=ok archive=ok"
			}
			if got := statuses(res); got != want {
				t.Fatalf("statuses = %s, want %s", got, want)
			}
			if res.OK() == fail {
				t.Fatalf("OK = %v: a failure earlier fails the run even when notify succeeds", res.OK())
			}
		})
	}
}

// A late step waits for every ancestor, not only its direct dependencies:
// a cleanup does not start while a deploy it tears down still runs on a
// branch whose sibling already failed.
func TestLateStepWaitsForEveryAncestor(t *testing.T) {
	eng := fake.New().On("deploy", fake.Script{Sleep: 150 * time.Millisecond}).On("migrate", fake.Script{Exit: 1})
	g := graph(t, "deploy", "migrate", "test:deploy,migrate", "cleanup:test")
	g.Step(3).When = pipeline.WhenAlways
	res := run(t, eng, g)
	if got, want := statuses(res), "deploy=ok migrate=failed test=skipped cleanup=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	_, deployEnd := eng.Span("deploy")
	if cleanupStart, _ := eng.Span("cleanup"); cleanupStart.Before(deployEnd) {
		t.Fatalf("cleanup started %s before deploy ended", deployEnd.Sub(cleanupStart))
	}
}

// An always step with no dependency is an ordinary first step; late steps
// are never created ahead, so a skipped one leaves no container.
func TestAlwaysWithoutDependenciesRunsAtOnce(t *testing.T) {
	eng := fake.New()
	g := graph(t, "first", "then:first")
	g.Step(0).When = pipeline.WhenAlways
	g.Step(1).When = pipeline.WhenOnFailure
	res := run(t, eng, g)
	if got, want := statuses(res), "first=ok then=skipped"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	for _, c := range eng.Calls() {
		if strings.HasSuffix(c, " then") {
			t.Fatalf("the skipped on_failure step reached the engine: %v", eng.Calls())
		}
	}
}
