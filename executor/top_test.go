package executor_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
)

var hung = []executor.Process{
	{PID: 4242, User: "root", Time: "00:00:00", Command: "sh -c sleep 600"},
	{PID: 4250, PPID: 4242, User: "root", Time: "00:00:00", Command: "sleep 600"},
}

func TestATimeoutRecordsTheProcessesBeforeTheStop(t *testing.T) {
	eng := fake.New().On("hang", fake.Script{Sleep: time.Hour, Processes: hung})
	g := graph(t, "hang")
	g.Step(0).Timeout = 50 * time.Millisecond
	rec := &recorder{}
	res := run(t, eng, g, executor.WithObserver(rec))
	r := res.Steps[0]
	if r.Status != executor.StatusTimeout || !slices.Equal(r.ProcessesAtTimeout, hung) {
		t.Fatalf("step: status %s, processes %+v; want timeout with %+v", r.Status, r.ProcessesAtTimeout, hung)
	}
	if !slices.Equal(r.Attempts[0].ProcessesAtTimeout, hung) {
		t.Errorf("attempt's processes = %+v", r.Attempts[0].ProcessesAtTimeout)
	}
	calls := eng.Calls()
	if top, stop := slices.Index(calls, "Top hang"), slices.Index(calls, "Stop hang"); top < 0 || stop < top {
		t.Errorf("Top must come before Stop: %v", calls)
	}
	evs := rec.kinds(executor.EventStepTimeout)
	if len(evs) != 1 || !slices.Equal(evs[0].Processes, hung) || evs[0].Attempt != 1 || evs[0].Container == "" {
		t.Fatalf("step_timeout events = %+v", evs)
	}
	var te *executor.TimeoutError
	if !errors.As(evs[0].Err, &te) || te.Timeout != 50*time.Millisecond {
		t.Errorf("step_timeout's Err = %v, want the TimeoutError", evs[0].Err)
	}
}

func TestEachTimedOutAttemptKeepsItsOwnProcesses(t *testing.T) {
	eng := fake.New().On("hang", fake.Script{Sleep: time.Hour})
	g := graph(t, "hang")
	g.Step(0).Timeout, g.Step(0).Retries = 30*time.Millisecond, 1
	g.Step(0).Command = []string{"sleep", "600"}
	res := run(t, eng, g, fast())
	r := res.Steps[0]
	if len(r.Attempts) != 2 {
		t.Fatalf("attempts = %d", len(r.Attempts))
	}
	for _, at := range r.Attempts {
		if len(at.ProcessesAtTimeout) != 1 || at.ProcessesAtTimeout[0].Command != "sleep 600" {
			t.Errorf("attempt %d: processes %+v", at.Number, at.ProcessesAtTimeout)
		}
	}
}

func TestOnlyATimeoutListsProcesses(t *testing.T) {
	eng := fake.New().On("long", fake.Script{Sleep: time.Hour}).On("bad", fake.Script{Exit: 1})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	rec := &recorder{}
	res, err := executor.New(eng, executor.WithObserver(rec), executor.WithArtifactsDir(t.TempDir())).Run(ctx, graph(t, "long", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Steps {
		if r.ProcessesAtTimeout != nil {
			t.Errorf("%s (%s) recorded processes %+v", r.Name, r.Status, r.ProcessesAtTimeout)
		}
	}
	if slices.Contains(eng.Calls(), "Top long") || len(rec.kinds(executor.EventStepTimeout)) > 0 {
		t.Errorf("an interrupt listed processes: %v", eng.Calls())
	}
}

// plainEngine hides the fake's Top: an engine without the capability.
type plainEngine struct{ executor.Engine }

func TestATimeoutWithoutProcessListingStillTimesOut(t *testing.T) {
	for name, eng := range map[string]executor.Engine{
		"no Top":     plainEngine{fake.New().On("hang", fake.Script{Sleep: time.Hour})},
		"Top failed": fake.New().On("hang", fake.Script{Sleep: time.Hour, Fail: map[string]error{"Top": errors.New("boom")}}),
	} {
		t.Run(name, func(t *testing.T) {
			g := graph(t, "hang")
			g.Step(0).Timeout = 30 * time.Millisecond
			rec := &recorder{}
			res, err := executor.New(eng, executor.WithObserver(rec), executor.WithArtifactsDir(t.TempDir())).Run(context.Background(), g)
			if err != nil {
				t.Fatal(err)
			}
			if r := res.Steps[0]; r.Status != executor.StatusTimeout || r.ProcessesAtTimeout != nil {
				t.Errorf("status %s, processes %+v", r.Status, r.ProcessesAtTimeout)
			}
			if evs := rec.kinds(executor.EventStepTimeout); len(evs) != 1 || evs[0].Processes != nil {
				t.Errorf("step_timeout events = %+v", evs)
			}
		})
	}
}
