package ps_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/ps"
	"github.com/runjob/runjob/pipeline"
)

// running starts a run of "build" (held running until the returned func
// is called) and "lint" (done at once) on eng, and returns its ID.
func running(t *testing.T, eng *fake.Engine) (string, func()) {
	t.Helper()
	gate := make(chan struct{})
	eng.On("build", fake.Script{Gate: gate, Processes: []executor.Process{{PID: 4242, User: "root", Time: "00:00:00", Command: "sleep 600"}}})
	g, err := pipeline.NewGraph(&pipeline.Pipeline{Name: "ci", Steps: []*pipeline.Step{
		{Name: "build", Image: "img"}, {Name: "lint", Image: "img"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := executor.NewRunID()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = executor.New(eng, executor.WithRunID(id), executor.WithArtifactsDir(t.TempDir())).Run(context.Background(), g)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if st, err := eng.Inspect(context.Background(), "runjob-"+id+"-0-build"); err == nil && st.Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("build never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop := func() { close(gate); <-done }
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			stop()
		}
	})
	return id, stop
}

func TestPSListsARunInProgressWithItsRunningStep(t *testing.T) {
	eng := fake.New()
	id, stop := running(t, eng)
	time.Sleep(20 * time.Millisecond)
	runs, err := ps.List(context.Background(), eng, ps.Options{Top: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("runs = %+v", runs)
	}
	r := runs[0]
	host, _ := os.Hostname()
	if r.RunID != id || r.Pipeline != "ci" || r.Liveness != "alive" || r.PID != os.Getpid() || r.Host != host || r.Started == nil {
		t.Errorf("run = %+v", r)
	}
	var build *ps.Container
	for i, c := range r.Containers {
		if c.Name == "build" {
			build = &r.Containers[i]
		}
	}
	if build == nil || build.Kind != "step" || build.State != "running" || build.ElapsedMS < 20 || build.Started == nil {
		t.Fatalf("build = %+v (containers %+v)", build, r.Containers)
	}
	if len(build.Processes) != 1 || build.Processes[0].Command != "sleep 600" {
		t.Errorf("build's processes = %+v", build.Processes)
	}
	var text bytes.Buffer
	if err := ps.WriteText(&text, runs, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"run " + id + "  pipeline ci", "alive", "step  build", "running", "sleep 600"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	stop()
	if runs, err := ps.List(context.Background(), eng, ps.Options{}); err != nil || len(runs) != 0 {
		t.Errorf("after the run: %+v, %v", runs, err)
	}
}

func TestPSMarksADeadRunsLeftovers(t *testing.T) {
	host, _ := os.Hostname()
	labels := map[string]string{executor.LabelRunID: "20200101-000000-dead00", executor.LabelPipeline: "old",
		executor.LabelHost: host, executor.LabelPID: "2147483646", executor.LabelStep: "build"}
	svc := map[string]string{executor.LabelRunID: "20200101-000000-dead00", executor.LabelPipeline: "old",
		executor.LabelHost: host, executor.LabelPID: "2147483646", executor.LabelService: "db"}
	started := time.Now().Add(-time.Minute)
	eng := fake.New().
		AddResource(executor.Resource{Kind: executor.ResourceContainer, Name: "runjob-x-0-build", Labels: labels}).
		AddResource(executor.Resource{Kind: executor.ResourceContainer, Name: "runjob-x-db", Labels: svc, State: "running", Started: started}).
		AddResource(executor.Resource{Kind: executor.ResourceNetwork, ID: "net", Name: "runjob-x", Labels: labels})
	runs, err := ps.List(context.Background(), eng, ps.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Liveness != "dead" || runs[0].Networks != 1 || len(runs[0].Containers) != 2 {
		t.Fatalf("runs = %+v", runs)
	}
	db := runs[0].Containers[1]
	if db.Kind != "service" || db.Name != "db" || db.ElapsedMS < 59_000 {
		t.Errorf("service = %+v", db)
	}
	var text, js bytes.Buffer
	_ = ps.WriteText(&text, runs, time.Now())
	if !strings.Contains(text.String(), "dead: its runjob process is gone; `runjob prune` removes what it left (2 containers, 1 networks, 0 volumes)") {
		t.Errorf("text:\n%s", text.String())
	}
	if err := ps.WriteJSON(&js, runs); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Runs []struct {
			Liveness   string `json:"liveness"`
			Containers []struct {
				Kind, Name, State string
				ElapsedMS         int64 `json:"elapsed_ms"`
			} `json:"containers"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil || got.Runs[0].Liveness != "dead" || got.Runs[0].Containers[0].State != "exited" {
		t.Errorf("json %s: %+v, %v", js.String(), got, err)
	}
}

func TestPSOnAnEmptyEngine(t *testing.T) {
	var text bytes.Buffer
	runs, err := ps.List(context.Background(), fake.New(), ps.Options{})
	if err != nil || len(runs) != 0 {
		t.Fatalf("%+v, %v", runs, err)
	}
	_ = ps.WriteText(&text, runs, time.Now())
	if text.String() != "no runjob runs on this engine\n" {
		t.Errorf("text = %q", text.String())
	}
}

func TestTopShowsOneRunsProcessesAndNamesWhatIsThere(t *testing.T) {
	eng := fake.New()
	id, _ := running(t, eng)
	var out bytes.Buffer
	if err := ps.Top(context.Background(), eng, &out, ps.TopOptions{RunID: id, Name: "build"}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "step build (runjob-"+id+"-0-build): running for") || !strings.Contains(s, "4242") ||
		!strings.Contains(s, "sleep 600") {
		t.Errorf("top:\n%s", s)
	}
	err := ps.Top(context.Background(), eng, &out, ps.TopOptions{RunID: id, Name: "nope"})
	if errkind.Of(err) != errkind.Usage || !strings.Contains(err.Error(), `no step or service "nope" (it has: build`) {
		t.Errorf("unknown step: %v", err)
	}
	err = ps.Top(context.Background(), eng, &out, ps.TopOptions{RunID: "20200101-000000-none00"})
	if errkind.Of(err) != errkind.Usage || !strings.Contains(err.Error(), "no run 20200101-000000-none00 on this engine") {
		t.Errorf("unknown run: %v", err)
	}
}

func TestPSFailsAsAnEngineErrorWhenTheListingFails(t *testing.T) {
	_, err := ps.List(context.Background(), fake.New().FailList(os.ErrClosed), ps.Options{})
	if errkind.Of(err) != errkind.Engine {
		t.Errorf("err = %v, kind %v", err, errkind.Of(err))
	}
}
