package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A hung step's record says what it hung on: its processes, listed when
// the timeout expired, are in the log, in report.json and in the summary.
func TestE2ETimeoutRecordsTheProcesses(t *testing.T) {
	dockertest.Engine(t)
	path := write(t, `
step "hang" {
  image   = "busybox:latest"
  command = ["sleep", "600"]
  timeout = "2s"
}
`)
	r := runjob(t, nil, path, "--log-format", "json", "--stop-timeout", "1s")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", r.code, r.stderr)
	}
	evs := events(t, r.stdout)
	to := index(evs, "event", "step_timeout", "step", "hang")
	proc := index(evs, "event", "process", "step", "hang")
	fin := index(evs, "event", "step_finished", "step", "hang")
	if to < 0 || proc < to || fin < proc {
		t.Fatalf("want step_timeout, then process lines, then step_finished; got %d, %d, %d in:\n%s", to, proc, fin, r.stdout)
	}
	if cmd, _ := evs[proc]["command"].(string); !strings.Contains(cmd, "sleep") {
		t.Errorf("process line: %v", evs[proc])
	}
	if !strings.Contains(r.stderr, "timed out after 2s; 1 process: sleep 600") {
		t.Errorf("summary lacks the processes:\n%s", r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(path), ".runjob", "runs", r.runID, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Steps []struct {
			Status    string `json:"status"`
			Processes []struct {
				PID     int    `json:"pid"`
				Command string `json:"command"`
			} `json:"processes_at_timeout"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	s := rep.Steps[0]
	if s.Status != "timeout" || len(s.Processes) == 0 || !strings.Contains(s.Processes[0].Command, "sleep") || s.Processes[0].PID <= 0 {
		t.Errorf("report.json step: %+v", s)
	}
}

// runjob ps, while a pipeline runs, lists it with its running step; once
// it finished, it is gone from the list.
func TestE2EPSListsARunningPipeline(t *testing.T) {
	dockertest.Engine(t)
	path := write(t, `
step "work" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo ready; sleep 4"]
}
`)
	p := start(t, nil, path)
	p.waitFor(t, "the step's first line", output("work", "ready"))
	run := findRun(t, p.runID)
	if run == nil || run.Liveness != "alive" || run.Pipeline != "pipeline" {
		t.Fatalf("ps --json: run %s: %+v", p.runID, run)
	}
	found := false
	for _, c := range run.Containers {
		found = found || c.Kind == "step" && c.Name == "work" && c.State == "running" && c.ElapsedMS > 0
	}
	if !found {
		t.Errorf("ps --json does not list step work running: %+v", run.Containers)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr)
	}
	if run := findRun(t, p.runID); run != nil {
		t.Errorf("the finished run is still listed: %+v", run)
	}
}

type psRun struct {
	RunID      string `json:"run_id"`
	Pipeline   string `json:"pipeline"`
	Liveness   string `json:"liveness"`
	Containers []struct {
		Kind      string `json:"kind"`
		Name      string `json:"name"`
		State     string `json:"state"`
		ElapsedMS int64  `json:"elapsed_ms"`
	} `json:"containers"`
}

// findRun runs `runjob ps --json` and returns the run with the ID, or nil.
func findRun(t *testing.T, id string) *psRun {
	t.Helper()
	r := runjobNoCheck("ps", "--json")
	if r.code != 0 {
		t.Fatalf("runjob ps --json: exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		Runs []psRun `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("runjob ps --json: %v\n%s", err, r.stdout)
	}
	for i := range out.Runs {
		if out.Runs[i].RunID == id {
			return &out.Runs[i]
		}
	}
	return nil
}
