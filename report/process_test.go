package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
)

func TestATimedOutStepsProcessesReachJSONAndHTML(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	res := &executor.Result{RunID: "r", Pipeline: "p", Started: t0, Finished: t0.Add(3 * time.Second), Steps: []*executor.StepResult{
		{Name: "hang", Status: executor.StatusTimeout, ExitCode: 124, Err: &executor.TimeoutError{Timeout: 2 * time.Second},
			Started: t0, Finished: t0.Add(2 * time.Second),
			ProcessesAtTimeout: []executor.Process{{PID: 4250, PPID: 4242, User: "root", Time: "00:00:01", Command: "sleep 600 <&>"}}},
		{Name: "ok", Status: executor.StatusOK, ExitCode: 0},
	}}
	rep := Build(res, nil)
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Steps []map[string]json.RawMessage `json:"steps"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := `[{"pid":4250,"ppid":4242,"user":"root","cpu_time":"00:00:01","command":"sleep 600 \u003c\u0026\u003e"}]`
	if p := string(got.Steps[0]["processes_at_timeout"]); p != want {
		t.Errorf("processes_at_timeout = %s, want %s", p, want)
	}
	if _, ok := got.Steps[1]["processes_at_timeout"]; ok {
		t.Error("a step that did not time out has processes_at_timeout")
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, rep, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "<td>4250</td>") || !strings.Contains(page.String(), "<code>sleep 600 &lt;&amp;&gt;</code>") {
		t.Error("report.html does not list the process, escaped")
	}
}
