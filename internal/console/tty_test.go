package console

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
)

// More active steps than the terminal has rows: the live block stays
// within the screen (a block taller than the screen could not be moved
// back over) and says how many it leaves out.
func TestLiveViewFitsTheScreen(t *testing.T) {
	steps := make([]string, 40)
	for i := range steps {
		steps[i] = fmt.Sprintf("step-%02d", i)
	}
	var screen bytes.Buffer
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	v := newLiveView(&terminal{w: &screen, fd: -1}, func() time.Time { return t0.Add(90 * time.Second) }, nil)
	for _, s := range steps {
		v.Event(executor.Event{Kind: executor.EventStepQueued, Step: s, Image: "busybox"})
		v.Event(executor.Event{Kind: executor.EventStepStarted, Step: s, Time: t0})
	}
	o, _ := v.Open("step-00")
	fmt.Fprint(o, "\x1b[31mhello\x1b[0m from step zero\n")
	o.Close()
	screen.Reset()
	v.mu.Lock()
	v.redraw(nil, true)
	v.mu.Unlock()
	frame := strings.Split(strings.TrimSuffix(screen.String(), "\n"), "\n")
	if _, rows := v.term.size(); len(frame) > rows-2 {
		t.Fatalf("%d live lines on a %d-row screen", len(frame), rows)
	}
	if !strings.Contains(frame[0], "step-00 1m30s hello from step zero") {
		t.Errorf("first line %q", frame[0])
	}
	if last := frame[len(frame)-1]; !strings.Contains(last, "more active") {
		t.Errorf("last line %q", last)
	}
	v.Event(executor.Event{Kind: executor.EventRunFinished, Run: &executor.Result{}})
}

// A step waiting for its image shows the pull's progress; once it runs,
// its elapsed time and last line.
func TestLiveViewShowsPullThenOutput(t *testing.T) {
	var screen bytes.Buffer
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	v := newLiveView(&terminal{w: &screen, fd: -1}, func() time.Time { return t0.Add(5 * time.Second) }, nil)
	frame := func() string {
		screen.Reset()
		v.mu.Lock()
		v.redraw(nil, true)
		v.mu.Unlock()
		return screen.String()
	}
	v.Event(executor.Event{Kind: executor.EventStepQueued, Step: "build", Image: "golang:1"})
	v.Event(executor.Event{Kind: executor.EventImagePull, Step: "build", Image: "golang:1",
		Pull: &executor.PullProgress{Layers: 3, LayersDone: 1, Bytes: 1 << 20, BytesTotal: 4 << 20}})
	if f := frame(); !strings.Contains(f, "build pulling golang:1 1/3 layers 1 MiB of 4 MiB") {
		t.Errorf("pull frame %q", f)
	}
	v.Event(executor.Event{Kind: executor.EventStepStarted, Step: "build", Time: t0})
	o, _ := v.Open("build")
	fmt.Fprint(o, "compiling\n")
	if f := frame(); !strings.Contains(f, "build 5s compiling") || strings.Contains(f, "pulling") {
		t.Errorf("running frame %q", f)
	}
	screen.Reset()
	v.Event(executor.Event{Kind: executor.EventStepFinished, Step: "build", Result: &executor.StepResult{
		Name: "build", Status: executor.StatusOK, ExitCode: 0, Started: t0, Finished: t0.Add(2 * time.Second)}})
	if f := screen.String(); !strings.Contains(f, "✓ build ok 2s exit 0\n") {
		t.Errorf("finished step printed %q", f)
	}
	if f := frame(); f != "" {
		t.Errorf("a finished step is still live: %q", f)
	}
}
