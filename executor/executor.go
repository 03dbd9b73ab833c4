// Package executor runs a pipeline graph on an Engine: a scheduler that
// starts each step as soon as its own dependencies have succeeded, at most N
// at once, and reports lifecycle events and container output as it goes.
package executor

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/sourcegraph/conc/pool"

	"github.com/runjob/runjob/pipeline"
)

// Executor runs pipelines. Build one with New; it may run several graphs,
// one after another or concurrently.
type Executor struct {
	engine       Engine
	concurrency  int
	observer     Observer
	output       Output
	artifactsDir string
	runID        string
	log          zerolog.Logger
	emitMu       sync.Mutex
}

// Option configures an Executor.
type Option func(*Executor)

// WithConcurrency bounds how many steps run at once (default: CPUs).
func WithConcurrency(n int) Option {
	return func(e *Executor) {
		if n > 0 {
			e.concurrency = n
		}
	}
}

// WithObserver sets who receives lifecycle events.
func WithObserver(o Observer) Option { return func(e *Executor) { e.observer = o } }

// WithOutput sets where containers' stdout and stderr go (default: discarded).
func WithOutput(o Output) Option { return func(e *Executor) { e.output = o } }

// WithArtifactsDir sets the host directory artifacts are exported under, as
// <dir>/<step>/<artifact>/ (default: "artifacts" in the working directory).
func WithArtifactsDir(dir string) Option { return func(e *Executor) { e.artifactsDir = dir } }

// WithRunID sets the run ID (default: NewRunID()).
func WithRunID(id string) Option { return func(e *Executor) { e.runID = id } }

// WithLogger sets the logger for the executor's own diagnostics (cleanup
// failures and the like); lifecycle events go to the Observer instead.
func WithLogger(l zerolog.Logger) Option { return func(e *Executor) { e.log = l } }

// New returns an Executor that runs containers on engine.
func New(engine Engine, opts ...Option) *Executor {
	e := &Executor{
		engine:       engine,
		concurrency:  runtime.NumCPU(),
		observer:     ObserverFunc(func(Event) {}),
		output:       discard{},
		artifactsDir: "artifacts",
		log:          zerolog.Nop(),
	}
	for _, o := range opts {
		o(e)
	}
	if e.runID == "" {
		e.runID = NewRunID()
	}
	return e
}

// RunID returns the ID of the executor's runs.
func (e *Executor) RunID() string { return e.runID }

// emit delivers an event to the observer, one at a time.
func (e *Executor) emit(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	e.emitMu.Lock()
	defer e.emitMu.Unlock()
	e.observer.Event(ev)
}

// Run executes every step of g. A step that fails is recorded in the
// Result; the error return is only for the run itself, and today is always
// nil: cancellation of ctx shows as cancelled steps.
func (e *Executor) Run(ctx context.Context, g *pipeline.Graph) (*Result, error) {
	res := &Result{RunID: e.runID, Pipeline: g.Pipeline().Name, Started: time.Now()}
	for i := range g.Len() {
		res.Steps = append(res.Steps, &StepResult{Name: g.Step(i).Name, Status: StatusPending, ExitCode: -1})
	}
	e.emit(Event{Kind: EventRunStarted, Time: res.Started})
	s := &schedule{e: e, g: g, res: res, waiting: make([]int, g.Len())}
	s.run(ctx)
	res.Finished = time.Now()
	e.emit(Event{Kind: EventRunFinished, Time: res.Finished, Run: res})
	return res, nil
}

// discard is the default Output.
type discard struct{}

func (discard) Open(string) (io.WriteCloser, io.WriteCloser) { return nopCloser{}, nopCloser{} }

type nopCloser struct{}

func (nopCloser) Write(p []byte) (int, error) { return len(p), nil }
func (nopCloser) Close() error                { return nil }

// done is what a worker reports to the coordinator.
type done struct {
	index  int
	result *StepResult
}

// newPool returns the bounded worker pool for one run.
func (e *Executor) newPool() *pool.Pool {
	return pool.New().WithMaxGoroutines(e.concurrency)
}

func dependencyFailed(dep string, st Status) error {
	return fmt.Errorf("dependency %q %s", dep, st)
}
