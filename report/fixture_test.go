package report

import (
	"errors"
	"fmt"
	"github.com/runjob/runjob/artifacts"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// The fixture run: eight steps of a CI pipeline with every kind of
// outcome, overlapping in time, an artifact with a manifest, and logs with
// HTML special characters, stderr, a long line and a secret-looking line.
const (
	fixtureRunID = "20260102-150405-9f3c1a"
	// fixtureReusedFrom is the run the reused step's result comes from.
	fixtureReusedFrom = "20260101-120000-0a0b0c"
	// fixtureSecret looks like a credential; report files carry logs as
	// they were printed (masking is not this package's job), and the page
	// must show it as inert text.
	fixtureSecret = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	// fixtureMarkup must come out as text, never as markup.
	fixtureMarkup = `<script>alert("pwned")</script> & <b>bold</b> 'quoted' "double"`
)

var fixtureStart = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

type fixtureStep struct {
	name      string
	deps      []string
	status    executor.Status
	exit      int
	err       error
	queued    float64 // seconds after the run started; <0: never queued
	from, to  float64 // seconds; from < 0: never ran
	stdout    []string
	stderr    []string
	artifacts []*executor.ArtifactResult
	// reusedFrom: the step was reused from that run (no container ran).
	reusedFrom string
}

func fixtureSteps() []fixtureStep {
	return []fixtureStep{
		{name: "checkout", status: executor.StatusOK, queued: 0, from: 0.4, to: 1.2,
			stdout: []string{"Cloning into 'app'...", "HEAD is now at 1c95de5"}},
		{name: "lint", deps: []string{"checkout"}, status: executor.StatusReused, queued: 1.2, from: 1.3, to: 1.31,
			reusedFrom: fixtureReusedFrom,
			stdout:     []string{"runjob: reused from run " + fixtureReusedFrom + ": its output follows", "0 issues."}},
		{name: "build", deps: []string{"checkout"}, status: executor.StatusOK, queued: 1.2, from: 1.9, to: 5.5,
			stdout: []string{"go build -o bin/app ./cmd/app", "built bin/app (12 MiB)"},
			artifacts: []*executor.ArtifactResult{{Name: "bin", Path: "/src/bin", Dir: "artifacts/build/bin", Files: 2, Bytes: 12582950,
				Manifest: fixtureManifest}}},
		{name: "flaky", deps: []string{"checkout"}, status: "failed_allowed", exit: 3, err: errors.New("exit code 3"),
			queued: 1.2, from: 1.4, to: 2.6, stderr: []string{"network is flaky today"}},
		{name: "test[go1.22]", deps: []string{"build"}, status: executor.StatusFailed, exit: 1, err: errors.New("exit code 1"),
			queued: 5.5, from: 5.6, to: 8.0,
			stdout: []string{"=== RUN   TestRender", fixtureMarkup, fixtureSecret, "--- FAIL: TestRender (0.01s)"},
			stderr: []string{"render_test.go:42: got <nil>, want &Page{}", "FAIL"}},
		{name: "test[go1.23]", deps: []string{"build"}, status: executor.StatusOK, queued: 5.5, from: 5.7, to: 7.5,
			stdout: []string{"ok  \tapp\t0.012s"}},
		{name: "package", deps: []string{"test[go1.22]", "test[go1.23]", "lint"}, status: executor.StatusSkipped,
			err: errors.New(`dependency "test[go1.22]" failed`), queued: -1, from: -1},
		{name: "deploy", deps: []string{"package", "checkout"}, status: executor.StatusSkipped,
			err: errors.New(`dependency "package" skipped`), queued: -1, from: -1},
	}
}

// fixtureGraph is the fixture pipeline's graph: 8 steps, 10 edges.
func fixtureGraph(t testing.TB) *pipeline.Graph {
	t.Helper()
	p := &pipeline.Pipeline{Name: "ci", File: "ci.hcl"}
	for _, fs := range fixtureSteps() {
		s := &pipeline.Step{Name: fs.name, Image: "golang:1.22", AllowFailure: fs.name == "flaky"}
		if fs.name == "checkout" {
			s.Image = "alpine/git:2.45"
		}
		for _, d := range fs.deps {
			s.DependsOn = append(s.DependsOn, pipeline.Dependency{Step: d})
		}
		p.Steps = append(p.Steps, s)
	}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// recordFixture plays the fixture run through a Recorder rooted at root
// and finishes it. Log records are stamped by a clock that ticks 1ms per
// call, so everything written is reproducible.
func recordFixture(t testing.TB, root string) *Report {
	t.Helper()
	tick := fixtureStart
	clock := func() time.Time { tick = tick.Add(time.Millisecond); return tick }
	g := fixtureGraph(t)
	rec, err := NewRecorder(root, fixtureRunID, g, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	at := func(s float64) time.Time { return fixtureStart.Add(time.Duration(s * float64(time.Second))) }
	res := &executor.Result{RunID: fixtureRunID, Pipeline: "ci", Started: fixtureStart, Finished: at(8.1)}
	for i, fs := range fixtureSteps() {
		sr := &executor.StepResult{Name: fs.name, Status: fs.status, ExitCode: -1, Err: fs.err, Artifacts: fs.artifacts}
		if fs.queued >= 0 {
			rec.Event(executor.Event{Kind: executor.EventStepQueued, Time: at(fs.queued), Step: fs.name, Image: g.Step(i).Image})
		}
		if fs.reusedFrom != "" {
			// Restored, not run: no container, no attempt; the log replayed.
			sr.ExitCode, sr.Started, sr.Finished, sr.ReusedFrom = 0, at(fs.from), at(fs.to), fs.reusedFrom
			stdout, stderr := rec.Open(fs.name)
			writeLines(t, stdout, fs.stdout)
			closeAll(t, stdout, stderr)
		} else if fs.from >= 0 {
			sr.ExitCode, sr.Started, sr.Finished = fs.exit, at(fs.from), at(fs.to)
			sr.ImageID = "sha256:" + strings.Repeat(fmt.Sprint(i%10), 64)
			container := "runjob-" + fixtureRunID + "-" + FileName(fs.name)
			if fs.status == executor.StatusFailed {
				// A retried step: the first attempt timed out, the second failed.
				sr.Attempts = append(sr.Attempts, executor.Attempt{Number: 1, Status: executor.StatusTimeout,
					ExitCode: executor.TimeoutExitCode, Err: errors.New("timed out after 1s"), Container: container,
					Started: at(fs.from - 1.5), Finished: at(fs.from - 0.5)})
				container += "-try2"
			}
			sr.Attempts = append(sr.Attempts, executor.Attempt{Number: len(sr.Attempts) + 1, Status: fs.status,
				ExitCode: fs.exit, Err: fs.err, Container: container, Started: sr.Started, Finished: sr.Finished,
				ImageID: sr.ImageID})
			rec.Event(executor.Event{Kind: executor.EventStepStarted, Time: sr.Started, Step: fs.name,
				Container: "runjob-" + fixtureRunID + "-" + FileName(fs.name)})
			stdout, stderr := rec.Open(fs.name)
			writeLines(t, stdout, fs.stdout)
			writeLines(t, stderr, fs.stderr)
			closeAll(t, stdout, stderr)
		}
		res.Steps = append(res.Steps, sr)
	}
	rep, err := rec.Finish(res)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// fixtureManifest is the artifact manifest the exporter records, as the
// executor hands it to the report.
var fixtureManifest = artifacts.Manifest{
	{Path: ".", Type: artifacts.TypeDir, Mode: 0o755},
	{Path: "app", Type: artifacts.TypeFile, Size: 12582912, Mode: 0o755, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
	{Path: "app.sha256", Type: artifacts.TypeFile, Size: 38, Mode: 0o644, SHA256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"},
	{Path: "current", Type: artifacts.TypeSymlink, Target: "app"},
}

func writeLines(t testing.TB, w io.Writer, lines []string) {
	t.Helper()
	for _, l := range lines {
		if _, err := io.WriteString(w, l+"\n"); err != nil {
			t.Fatal(err)
		}
	}
}

func closeAll(t testing.TB, cs ...io.Closer) {
	t.Helper()
	for _, c := range cs {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// runDir is the fixture's run directory under root.
func runDir(root string) string { return filepath.Join(root, fixtureRunID) }
