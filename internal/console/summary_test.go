package console

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
)

// summaryResult has a step in every status, with fixed times.
func summaryResult() *executor.Result {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	step := func(name string, st executor.Status, exit int, err error, from, to time.Duration, attempts int) *executor.StepResult {
		s := &executor.StepResult{Name: name, Status: st, ExitCode: exit, Err: err}
		if to > 0 {
			s.Started, s.Finished = t0.Add(from), t0.Add(to)
		}
		for i := range attempts {
			s.Attempts = append(s.Attempts, executor.Attempt{Number: i + 1})
		}
		return s
	}
	build := step("build", executor.StatusOK, 0, nil, 0, 1500*time.Millisecond, 1)
	build.Artifacts = []*executor.ArtifactResult{{Name: "dist", Dir: ".runjob/artifacts/build/dist", Files: 3, Bytes: 4096}}
	return &executor.Result{RunID: goldenRunID, Pipeline: "ci|pipe", Started: t0, Finished: t0.Add(65 * time.Second), Steps: []*executor.StepResult{
		build,
		step("unit-tests", executor.StatusFailed, 3, errors.New("exit code 3"), time.Second, 4*time.Second, 3),
		step("lint", executor.StatusFailedAllowed, 1, errors.New("exit code 1"), time.Second, 2*time.Second, 1),
		step("e2e", executor.StatusTimeout, executor.TimeoutExitCode, errors.New("timed out after 1m0s"), 2*time.Second, 62*time.Second, 1),
		step("package", executor.StatusSkipped, -1, errors.New(`dependency "unit-tests" failed`), 0, 0, 0),
		step("docs", executor.StatusCancelled, -1, errors.New("cancelled: fail-fast"), 0, 0, 0),
	}}
}

func TestSummaryGolden(t *testing.T) {
	var text, md bytes.Buffer
	writeSummary(&text, summaryResult())
	golden(t, filepath.Join("testdata", "modes", "summary.golden"), text.String())
	writeMarkdownSummary(&md, summaryResult())
	golden(t, filepath.Join("testdata", "modes", "summary.md.golden"), md.String())
}

func TestSummaryNamesOutputs(t *testing.T) {
	res := &executor.Result{RunID: goldenRunID, Steps: []*executor.StepResult{
		{Name: "build", Status: executor.StatusOK, ExitCode: 0, Outputs: map[string]string{"version": "1", "notes": "n"}},
	}}
	if got := summaryRows(res)[0][5]; got != "outputs: notes, version" {
		t.Errorf("DETAIL = %q", got)
	}
}
