package executor_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// A service needed by several steps starts once, on the run's network,
// which is created once and removed at the end; a run without services
// creates no network.
func TestServiceStartsOnceAndNetworkIsRemoved(t *testing.T) {
	g := graph(t, "a", "b:a", "c:b", "d")
	p := g.Pipeline()
	p.Services = []*pipeline.Service{{Name: "db", Image: "img", Health: &pipeline.HealthCheck{Command: []string{"true"}}}}
	p.Steps[0].Services = []string{"db"}
	p.Steps[1].Services = []string{"db"}
	// The service runs until it is stopped (fake containers with a gate
	// that never opens end only on Stop).
	eng := fake.New().On("", fake.Script{Gate: make(chan struct{})})
	res := run(t, eng, g, executor.WithRunID("r1"))
	if !res.OK() {
		t.Fatalf("statuses = %s", statuses(res))
	}
	calls := eng.Calls()
	count := func(c string) int {
		return len(slices.DeleteFunc(slices.Clone(calls), func(s string) bool { return s != c }))
	}
	if count("Create ") != 1 || count("CreateNetwork runjob-r1") != 1 || count("RemoveNetwork net-runjob-r1") != 1 {
		t.Errorf("calls = %s", strings.Join(calls, "; "))
	}
	if calls[len(calls)-1] != "RemoveNetwork net-runjob-r1" {
		t.Errorf("the network was not removed last: %s", strings.Join(calls, "; "))
	}

	eng = fake.New()
	run(t, eng, graph(t, "a", "b:a"))
	for _, c := range eng.Calls() {
		if strings.Contains(c, "Network") {
			t.Errorf("a run without services touched a network: %s", c)
		}
	}
}

// A service whose container fails to run fails the steps that need it;
// the others are unaffected.
func TestServiceFailureFailsItsUsers(t *testing.T) {
	g := graph(t, "a", "b:a", "c")
	p := g.Pipeline()
	p.Services = []*pipeline.Service{{Name: "db", Image: "img"}}
	p.Steps[0].Services = []string{"db"}
	eng := fake.New().On("", fake.Script{Exit: 1, Stdout: "boom\n"})
	res := run(t, eng, g)
	if got := statuses(res); got != "a=failed b=skipped c=ok" {
		t.Fatalf("statuses = %s", got)
	}
	if err := res.Steps[0].Err; err == nil || !strings.Contains(err.Error(), `service "db" exited with code 1`) || !strings.Contains(err.Error(), "boom") {
		t.Errorf("error = %v", err)
	}
}

// Steps that share a cache never run at the same time; a step with
// another cache runs beside them.
func TestStepsSharingACacheTakeTurns(t *testing.T) {
	g := graph(t, "a", "b", "c")
	for i, name := range []string{"deps", "deps", "other"} {
		g.Pipeline().Steps[i].Caches = []pipeline.Cache{{Name: name, Path: "/c"}}
	}
	eng := fake.New().
		On("a", fake.Script{Sleep: 50 * time.Millisecond}).
		On("b", fake.Script{Sleep: 50 * time.Millisecond}).
		On("c", fake.Script{Sleep: 50 * time.Millisecond})
	res := run(t, eng, g, executor.WithConcurrency(3))
	if !res.OK() {
		t.Fatalf("statuses = %s", statuses(res))
	}
	aStart, aEnd := eng.Span("a")
	bStart, bEnd := eng.Span("b")
	if aStart.Before(bEnd) && bStart.Before(aEnd) {
		t.Errorf("a (%v-%v) and b (%v-%v) overlapped on one cache", aStart, aEnd, bStart, bEnd)
	}
}
