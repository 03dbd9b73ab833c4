package report

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// Recorder writes a run's record into <root>/<run-id>/: each step's output
// as it arrives (logs/), then report.json and report.html when the run is
// finished. It is an executor.Output and an executor.Observer; combine it
// with the terminal's with MultiOutput and MultiObserver.
//
// Memory is bounded per running step (a few buffers of tens of KiB), not by
// how much a step prints. Recording never fails a step: a write error is
// kept and returned by Finish.
type Recorder struct {
	root, dir string
	g         *pipeline.Graph
	clock     func() time.Time
	htmlLog   int
	lock      *os.File // run.lock, held until Finish

	mu     sync.Mutex
	names  *nameSet
	logs   map[string]*stepLog
	opened map[string]int // step -> containers opened (attempts)
	events map[string]*stepEvents
	errs   []error
}

// stepEvents is what the lifecycle events tell about a step that its
// result does not.
type stepEvents struct {
	queued    time.Time
	image     string
	container string
}

// RecorderOption configures a Recorder.
type RecorderOption func(*Recorder)

// WithClock sets the clock that stamps log records (default time.Now);
// tests use it for reproducible logs.
func WithClock(now func() time.Time) RecorderOption { return func(r *Recorder) { r.clock = now } }

// WithHTMLLogBytes bounds how much of each step's log report.html shows
// (its tail; default DefaultHTMLLogBytes).
func WithHTMLLogBytes(n int) RecorderOption { return func(r *Recorder) { r.htmlLog = n } }

// NewRecorder creates the run directory <root>/<runID>/logs and returns a
// Recorder for the run of g. root is typically <pipeline dir>/.runjob/runs.
// It fails if the run directory already exists.
func NewRecorder(root, runID string, g *pipeline.Graph, opts ...RecorderOption) (*Recorder, error) {
	if runID == "" || runID != filepath.Base(runID) || runID == "." || runID == ".." || runID == "latest" {
		return nil, fmt.Errorf("run record: invalid run ID %q", runID)
	}
	r := &Recorder{
		root: root, dir: filepath.Join(root, runID), g: g,
		clock: time.Now, htmlLog: DefaultHTMLLogBytes,
		logs: map[string]*stepLog{}, opened: map[string]int{}, events: map[string]*stepEvents{},
	}
	for _, o := range opts {
		o(r)
	}
	var steps []string
	if g != nil {
		for i := range g.Len() {
			steps = append(steps, g.Step(i).Name)
		}
	}
	r.names = newNameSet(steps)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("run record: %w", err)
	}
	if err := os.Mkdir(r.dir, 0o755); err != nil {
		return nil, fmt.Errorf("run record: %w", err)
	}
	if err := os.Mkdir(filepath.Join(r.dir, "logs"), 0o755); err != nil {
		return nil, fmt.Errorf("run record: %w", err)
	}
	lock := &RunLock{PID: os.Getpid(), Started: time.Now().UTC(), Logs: map[string]string{}}
	if g != nil {
		lock.Pipeline = g.Pipeline().Name
	}
	for _, s := range steps {
		lock.Logs[s] = "logs/" + r.names.get(s)
	}
	f, err := lockRun(r.dir, lock)
	if err != nil {
		return nil, fmt.Errorf("run record: %w", err)
	}
	r.lock = f
	return r, nil
}

// Dir returns the run directory.
func (r *Recorder) Dir() string { return r.dir }

// Open implements executor.Output: it opens the step's log files. Opening
// a step again (a retry) appends to its logs after an "attempt N" marker.
// A file that cannot be created leaves the step's output unrecorded (the
// error is returned by Finish); the step itself is unaffected.
func (r *Recorder) Open(step string) (io.WriteCloser, io.WriteCloser) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.logs[step]
	if l == nil {
		l = &stepLog{clock: r.clock}
		r.logs[step] = l
	}
	r.opened[step]++
	l.mu.Lock()
	if l.open > 0 { // the previous container's writers were never closed
		l.endLocked()
	}
	if err := l.openFiles(filepath.Join(r.dir, "logs"), r.names.get(step), r.opened[step]); err != nil {
		r.errs = append(r.errs, fmt.Errorf("step %q: %w", step, err))
	}
	gen := l.gen
	l.mu.Unlock()
	return &streamWriter{l: l, gen: gen, stream: 0}, &streamWriter{l: l, gen: gen, stream: 1}
}

// Event implements executor.Observer: it notes queue times, images and
// container names for the report.
func (r *Recorder) Event(ev executor.Event) {
	if ev.Step == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.events[ev.Step]
	if e == nil {
		e = &stepEvents{}
		r.events[ev.Step] = e
	}
	switch ev.Kind {
	case executor.EventStepQueued:
		if e.queued.IsZero() {
			e.queued = ev.Time
		}
		e.image = ev.Image
	case executor.EventStepStarted:
		e.container = ev.Container
	case executor.EventStepFinished:
		// No attempt follows: a follower of the log may stop.
		if l := r.logs[ev.Step]; l != nil {
			l.finish()
		}
	}
}

// errors returns what went wrong while recording, joined.
func (r *Recorder) errors() error {
	errs := slices.Clone(r.errs)
	for _, step := range slices.Sorted(maps.Keys(r.logs)) {
		l := r.logs[step]
		l.mu.Lock()
		err := l.err
		l.mu.Unlock()
		if err != nil {
			errs = append(errs, fmt.Errorf("step %q log: %w", step, err))
		}
	}
	return errors.Join(errs...)
}
