// Package executor runs a pipeline graph on an Engine: a scheduler that
// starts each step as soon as its own dependencies have succeeded (an
// on_failure or always step: once everything it depends on has finished),
// at most N at once, and reports lifecycle events and container output as
// it goes.
package executor

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/sourcegraph/conc/pool"

	"github.com/runjob/runjob/internal/stepcache"
	"github.com/runjob/runjob/pipeline"
)

// Executor runs pipelines. Build one with New; it may run several graphs,
// one after another or concurrently.
type Executor struct {
	engine        Engine
	concurrency   int
	observer      Observer
	output        Output
	artifactsDir  string
	runID         string
	log           zerolog.Logger
	emitMu        sync.Mutex
	failFast      bool
	timeout       time.Duration
	stopGrace     time.Duration
	force         context.Context
	keepOnFailure bool
	engineLogs    bool
	maxArtifact   int64
	backoff       time.Duration
	backoffMax    time.Duration
	health        time.Duration
	secrets       map[string]string
	redact        func(string) string
	cacheLock     CacheLock
	reuse         *stepcache.Store
}

// Option configures an Executor.
type Option func(*Executor)

// WithConcurrency bounds how many steps run at once (default: the
// pipeline's concurrency, else the number of CPUs).
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

// WithFailFast cancels running steps at the first failure, whatever the
// pipeline says (its fail_fast setting turns it on too).
func WithFailFast(on bool) Option { return func(e *Executor) { e.failFast = on } }

// WithTimeout bounds the whole run, overriding the pipeline's timeout
// (0: the pipeline's).
func WithTimeout(d time.Duration) Option { return func(e *Executor) { e.timeout = d } }

// WithStopTimeout sets how long a container gets to exit after SIGTERM
// before it is killed, when a run is interrupted or a step times out
// (default 10s, as `docker stop`).
func WithStopTimeout(d time.Duration) Option {
	return func(e *Executor) {
		if d >= 0 {
			e.stopGrace = d
		}
	}
}

// WithForceStop makes stops kill containers at once, without grace, from
// the moment ctx ends: the CLI ends it on a second Ctrl-C. Removal still
// happens. It is also what ends on_failure and always steps, which the
// run's own cancellation leaves running.
func WithForceStop(ctx context.Context) Option { return func(e *Executor) { e.force = ctx } }

// WithKeepOnFailure keeps the container of a failed step (failed, timeout,
// oom_killed) instead of removing it, so the user can inspect it; the
// result names it in StepResult.Kept.
func WithKeepOnFailure(on bool) Option { return func(e *Executor) { e.keepOnFailure = on } }

// WithMaxArtifactSize caps the bytes of each artifact export and input copy
// (0: the artifacts package's default, 10 GiB); past it the step fails.
func WithMaxArtifactSize(n int64) Option { return func(e *Executor) { e.maxArtifact = n } }

// WithEngineLogs makes the engine keep its own copy of every container's
// output (see ContainerSpec.EngineLogs).
func WithEngineLogs(on bool) Option { return func(e *Executor) { e.engineLogs = on } }

// WithRetryBackoff sets the wait before a retry: base, doubled for each
// further attempt, capped at max (default 1s, capped at 10s).
func WithRetryBackoff(base, max time.Duration) Option {
	return func(e *Executor) { e.backoff, e.backoffMax = base, max }
}

// WithHealthCheck sets how often the engine is pinged during a run (default
// 5s; 0 turns the watch off). Two failed pings in a row end the run with an
// *EngineError, so an engine that vanishes without closing its connections
// cannot hang the run.
func WithHealthCheck(interval time.Duration) Option { return func(e *Executor) { e.health = interval } }

// WithSecrets sets the values of the pipeline's secrets by name, read by the
// caller when the run starts. They replace the placeholders
// (pipeline.SecretRef) in a step's env only in the container spec handed to
// the engine; results and events never carry them. The caller masks them.
func WithSecrets(values map[string]string) Option { return func(e *Executor) { e.secrets = values } }

// WithRedact sets how text the executor writes itself from container
// output (a failed service's log tail in an error) is masked; the CLI
// passes its masker so that these messages hide secrets too.
func WithRedact(f func(string) string) Option { return func(e *Executor) { e.redact = f } }

// New returns an Executor that runs containers on engine.
func New(engine Engine, opts ...Option) *Executor {
	e := &Executor{
		engine:       engine,
		observer:     ObserverFunc(func(Event) {}),
		output:       discard{},
		artifactsDir: "artifacts",
		log:          zerolog.Nop(),
		stopGrace:    10 * time.Second,
		force:        context.Background(),
		backoff:      time.Second,
		backoffMax:   10 * time.Second,
		health:       5 * time.Second,
		redact:       func(s string) string { return s },
	}
	for _, o := range opts {
		o(e)
	}
	if e.cacheLock == nil {
		e.cacheLock = (&processLock{}).lock
	}
	if e.runID == "" {
		e.runID = NewRunID()
	}
	return e
}

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
// Result; the error return is only for the run itself: an *EngineError when
// the engine became unusable mid-run (the Result is still complete, its
// unfinished steps cancelled). Cancellation of ctx shows as cancelled steps,
// the pipeline's timeout as timed-out and cancelled ones; on_failure and
// always steps still run after either, until the force context ends.
func (e *Executor) Run(ctx context.Context, g *pipeline.Graph) (*Result, error) {
	p := g.Pipeline()
	res := &Result{RunID: e.runID, Pipeline: p.Name, Started: time.Now()}
	for i := range g.Len() {
		res.Steps = append(res.Steps, &StepResult{Name: g.Step(i).Name, Status: StatusPending, ExitCode: -1})
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if timeout := cmp.Or(e.timeout, p.Timeout); timeout > 0 {
		var stop context.CancelFunc
		runCtx, stop = context.WithTimeoutCause(runCtx, timeout, &TimeoutError{Pipeline: true, Timeout: timeout})
		defer stop()
	}
	e.emit(Event{Kind: EventRunStarted, Time: res.Started})
	concurrency := cmp.Or(e.concurrency, p.Concurrency, runtime.NumCPU())
	s := newSchedule(e, g, res, cancel, e.failFast || p.FailFast, concurrency)
	s.stage = newStage(e.artifactsDir, e.runID, g)
	s.run(runCtx, concurrency)
	s.stage.close()
	res.Leftovers = s.leftovers
	res.Finished = time.Now()
	e.emit(Event{Kind: EventRunFinished, Time: res.Finished, Run: res})
	if s.engineErr != nil {
		return res, s.engineErr
	}
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
func newPool(n int) *pool.Pool {
	return pool.New().WithMaxGoroutines(n)
}

func dependencyFailed(dep string, st Status) error {
	return fmt.Errorf("dependency %q %s", dep, st)
}
