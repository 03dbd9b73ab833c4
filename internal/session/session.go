// Package session is one run of a pipeline, from a loaded graph to an
// error kind: it reads the secrets, builds the run's one masker, composes
// every sink (console format, run record, JUnit, step summary) behind it,
// executes the graph on the engine it is given, records the result and
// tells the user what the run left behind.
//
// The engine is injected (Connect), so a whole run, every exit kind and
// the masking of every sink are tested on executor/fake. Run returns nil
// or an errkind error whose text is masked; cmd/runjob turns the kind into
// the exit code.
package session

import (
	"context"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/console"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/history"
	"github.com/runjob/runjob/internal/housekeeping"
	"github.com/runjob/runjob/mask"
	"github.com/runjob/runjob/pipeline"
)

// Engine is what a run needs of the container engine.
type Engine interface {
	executor.Engine
	// Inventory: for the check for leftovers of dead runs.
	executor.Inventory
	Close() error
}

// Describer is an engine with a word for the start of a run: what it is
// (executor/swarm: the manager and the nodes it reaches), or why it is not
// what the user may expect. The run logs it, masked like every line.
type Describer interface{ Describe() string }

// Connect returns an engine that answered, or an errkind error saying why
// there is none. cmd/runjob dials Docker; tests return the fake engine.
type Connect func(ctx context.Context) (Engine, error)

// Options are the settings of one run.
type Options struct {
	// Concurrency bounds running steps (0: the pipeline's, else CPUs).
	Concurrency int
	// ArtifactsDir is where artifacts are exported (default
	// .runjob/artifacts beside the pipeline file).
	ArtifactsDir string
	// LogFormat is a console format name, "auto" included.
	LogFormat string
	// JUnit, when set, is the path of the JUnit XML file to write.
	JUnit string
	// Retention bounds the run history after the run (the zero Policy
	// keeps everything; the CLI passes history.ParsePolicy's).
	Retention history.Policy
	// Exec are the executor settings from the command line.
	Exec []executor.Option
	// Stdout and Stderr are the process's streams.
	Stdout, Stderr io.Writer
	// LookupEnv reads the environment: secrets, GITHUB_ACTIONS,
	// GITHUB_STEP_SUMMARY, NO_COLOR, TERM (default os.LookupEnv).
	LookupEnv func(string) (string, bool)
	// Force ends when the user interrupts a second time: containers are
	// then killed at once (nil: never).
	Force context.Context
	// Notices carries the interrupt handler's messages into the view
	// (nil: none).
	Notices *console.Notices
	// ReuseDir is the reuse store's directory ("": no reuse). It is opened
	// (created if need be) only when a step may be reused.
	ReuseDir string
	// ReuseMaxBytes bounds the store (0: its default); past it, the least
	// recently used entries are evicted.
	ReuseMaxBytes int64
}

// Run executes g and returns nil, or an errkind error: Usage for a secret
// that cannot be read, Failed for a failed step, Engine for an engine that
// is missing or broke, Interrupted when ctx was cancelled.
func Run(ctx context.Context, g *pipeline.Graph, o Options, connect Connect) error {
	if o.LookupEnv == nil {
		o.LookupEnv = os.LookupEnv
	}
	// Secrets are read now, not at load: validate, list and graph never
	// need them (--dry-run only to predict reuse, Predict). Nothing has
	// started yet if one is missing.
	secrets, err := readSecrets(g, o.LookupEnv)
	if err != nil {
		return err
	}
	p := g.Pipeline()
	b := boundary{m: mask.New(append(slices.Clone(p.Sensitive), slices.Collect(maps.Values(secrets))...)...)}
	r, err := newRun(ctx, g, o, b, connect)
	if err != nil {
		return b.err(err)
	}
	defer r.close()
	ex := executor.New(r.eng, append(slices.Clone(o.Exec),
		executor.WithRunID(r.id),
		executor.WithConcurrency(o.Concurrency),
		executor.WithArtifactsDir(artifactsDir(o, p)),
		executor.WithObserver(r.observer),
		executor.WithOutput(r.output),
		executor.WithLogger(r.view.Logger()),
		executor.WithForceStop(force(o.Force)),
		executor.WithSecrets(secrets),
		executor.WithRedact(b.m.String),
		executor.WithCacheLock(housekeeping.LockCache),
		executor.WithReuse(openReuse(g, o.ReuseDir, o.ReuseMaxBytes, r.stderr)),
	)...)
	res, runErr := ex.Run(ctx, g)
	r.finish(res)
	if runErr != nil && ctx.Err() == nil {
		return b.err(errkind.New(errkind.Engine, runErr))
	}
	return b.err(outcome(ctx, res))
}

func artifactsDir(o Options, p *pipeline.Pipeline) string {
	if o.ArtifactsDir != "" {
		return o.ArtifactsDir
	}
	return filepath.Join(p.Dir, ".runjob", "artifacts")
}

func force(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
