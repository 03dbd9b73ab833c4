package console

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

var hungProcesses = []executor.Process{
	{PID: 4242, User: "root", Time: "00:00:00", Command: "sh -c sleep 600"},
	{PID: 4250, PPID: 4242, User: "root", Time: "00:00:01", Command: "sleep 600"},
}

// timeoutEvent is the step_timeout a hung step "test" sends.
func timeoutEvent() executor.Event {
	return executor.Event{Kind: executor.EventStepTimeout, Step: "test", Attempt: 1, Container: "runjob-x-1-test",
		Err: &executor.TimeoutError{Timeout: 2 * time.Second}, Processes: hungProcesses}
}

func formatFor(t *testing.T, name string) (*View, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	g, diags := hclconfig.New().Load(filepath.Join("testdata", "modes", "pipeline.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var out, errw bytes.Buffer
	v, err := New(name, Options{Graph: g, RunID: goldenRunID, Stdout: &out, Stderr: &errw, LookupEnv: os.LookupEnv})
	if err != nil {
		t.Fatal(err)
	}
	return v, &out, &errw
}

func TestJSONLogsATimeoutThenOneLinePerProcess(t *testing.T) {
	v, out, _ := formatFor(t, "json")
	v.Event(timeoutEvent())
	v.Close()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want the timeout and 2 process lines, got:\n%s", out)
	}
	var head map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &head); err != nil {
		t.Fatal(err)
	}
	if head["event"] != "step_timeout" || head["step"] != "test" || head["timeout_ms"] != 2000.0 ||
		head["processes"] != 2.0 || head["level"] != "warn" || head["container"] != "runjob-x-1-test" {
		t.Errorf("step_timeout line: %s", lines[0])
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &p); err != nil {
		t.Fatal(err)
	}
	if p["event"] != "process" || p["pid"] != 4250.0 || p["ppid"] != 4242.0 || p["user"] != "root" ||
		p["command"] != "sleep 600" || p["cpu_time"] != "00:00:01" || p["step"] != "test" {
		t.Errorf("process line: %s", lines[2])
	}
}

func TestPlainLogsATimeoutThenOneLinePerProcess(t *testing.T) {
	v, _, errw := formatFor(t, "plain")
	v.Event(timeoutEvent())
	v.Close()
	got := errw.String()
	for _, want := range []string{"timed out after 2s; 2 processes in its container before the stop",
		"pid 4242 root 00:00:00 sh -c sleep 600", "pid 4250 root 00:00:01 sleep 600"} {
		if !strings.Contains(got, want) {
			t.Errorf("plain log lacks %q:\n%s", want, got)
		}
	}
}

func TestSummaryNamesATimedOutStepsProcesses(t *testing.T) {
	long := executor.Process{Command: strings.Repeat("x", 60)}
	res := &executor.Result{RunID: goldenRunID, Steps: []*executor.StepResult{
		{Name: "hang", Status: executor.StatusTimeout, ExitCode: 124, Err: &executor.TimeoutError{Timeout: 2 * time.Second},
			ProcessesAtTimeout: hungProcesses},
		{Name: "many", Status: executor.StatusTimeout, ExitCode: 124, Err: &executor.TimeoutError{Timeout: time.Second},
			ProcessesAtTimeout: []executor.Process{long, {Command: "a"}, {Command: "b"}, {Command: "c"}}},
	}}
	rows := summaryRows(res)
	if got, want := rows[0][5], "timed out after 2s; 2 processes: sh -c sleep 600, sleep 600"; got != want {
		t.Errorf("DETAIL = %q, want %q", got, want)
	}
	if got, want := rows[1][5], "timed out after 1s; 4 processes: "+strings.Repeat("x", 39)+"…, a, b, ..."; got != want {
		t.Errorf("DETAIL = %q, want %q", got, want)
	}
}
