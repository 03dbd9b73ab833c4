package console

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
)

// The escaping GitHub documents for workflow commands (toolkit's
// command.ts, escapeData and escapeProperty): data escapes %, \r and \n;
// properties also : and ,. % goes first, so an escape is never escaped
// twice, and nothing else is touched.
func TestWorkflowCommandEscaping(t *testing.T) {
	for _, tc := range []struct{ in, data, prop string }{
		{"plain text", "plain text", "plain text"},
		{"100%", "100%25", "100%25"},
		{"%0A", "%250A", "%250A"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"a:b,c", "a:b,c", "a%3Ab%2Cc"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
		{"tab\tand ünïcode", "tab\tand ünïcode", "tab\tand ünïcode"},
	} {
		if got := escapeData(tc.in); got != tc.data {
			t.Errorf("escapeData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := escapeProperty(tc.in); got != tc.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tc.in, got, tc.prop)
		}
	}
}

// A failed step's annotation stays one command whatever its name and error
// hold: the title property and the message are escaped as GitHub expects.
func TestGitHubErrorAnnotationIsOneCommand(t *testing.T) {
	var errw bytes.Buffer
	v := newGitHubView(io.Discard, &errw, nil, "tok", executor.ObserverFunc(func(executor.Event) {}))
	step := "deploy: eu,us"
	v.Event(executor.Event{Kind: executor.EventStepFinished, Step: step, Result: &executor.StepResult{Name: step,
		Status: executor.StatusFailed, ExitCode: 1, Err: fmt.Errorf("100%% broken\nsee: logs")}})
	want := "::error title=runjob%3A step deploy%3A eu%2Cus failed::step deploy: eu,us failed: 100%25 broken%0Asee: logs\n"
	if errw.String() != want {
		t.Errorf("got  %q\nwant %q", errw.String(), want)
	}
}

// GitHub rejects a step summary over 1 MiB: a huge table is cut below the
// bound, with a note saying how many steps are missing, and keeps its
// totals line.
func TestStepSummaryStaysUnderGitHubsLimit(t *testing.T) {
	res := &executor.Result{RunID: goldenRunID, Pipeline: "big"}
	for i := range 5000 {
		res.Steps = append(res.Steps, &executor.StepResult{Name: fmt.Sprintf("step-%04d", i), Status: executor.StatusFailed,
			ExitCode: 1, Err: fmt.Errorf("exit code 1: %s", strings.Repeat("x", 400))})
	}
	got := markdownSummary(res, githubSummaryMax)
	if len(got) > githubSummaryMax || githubSummaryMax >= 1<<20 {
		t.Fatalf("summary of %d bytes, bound %d (GitHub's 1 MiB: %d)", len(got), githubSummaryMax, 1<<20)
	}
	shown := strings.Count(got, "| `step-")
	if shown == 0 || shown == len(res.Steps) {
		t.Fatalf("%d rows shown of %d", shown, len(res.Steps))
	}
	note := fmt.Sprintf("_%d more steps not shown: GitHub limits a step summary to 1 MiB. The run record has them all._", len(res.Steps)-shown)
	if !strings.Contains(got, note) || !strings.HasSuffix(got, fmt.Sprintf("(run %s)\n\n", goldenRunID)) {
		t.Errorf("no note %q or no totals at the end: ...%s", note, got[len(got)-300:])
	}
	small := &executor.Result{RunID: goldenRunID, Pipeline: "small", Steps: res.Steps[:3]}
	var whole bytes.Buffer
	writeMarkdownSummary(&whole, small)
	if markdownSummary(small, githubSummaryMax) != whole.String() || strings.Contains(whole.String(), "not shown") {
		t.Error("a summary under the bound is not written whole")
	}
}

// The github view writes the bounded summary to $GITHUB_STEP_SUMMARY.
func TestGitHubViewBoundsTheStepSummary(t *testing.T) {
	var file bytes.Buffer
	open := func() (io.WriteCloser, error) { return nopCloser{&file}, nil }
	v := newGitHubView(io.Discard, io.Discard, open, "tok", executor.ObserverFunc(func(executor.Event) {}))
	res := &executor.Result{RunID: goldenRunID, Pipeline: "big"}
	for i := range 5000 {
		res.Steps = append(res.Steps, &executor.StepResult{Name: fmt.Sprint("s", i), Status: executor.StatusOK,
			Err: fmt.Errorf("%s", strings.Repeat("y", 400))})
	}
	v.Event(executor.Event{Kind: executor.EventRunFinished, Run: res})
	if file.Len() == 0 || file.Len() > githubSummaryMax || !strings.Contains(file.String(), "more steps not shown") {
		t.Errorf("step summary of %d bytes (bound %d)", file.Len(), githubSummaryMax)
	}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
