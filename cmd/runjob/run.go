package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/internal/console"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/mask"
	"github.com/runjob/runjob/report"
)

// pingTimeout bounds the first contact with the engine, so a wrong
// DOCKER_HOST fails in seconds instead of hanging.
const pingTimeout = 15 * time.Second

// runPipeline loads, checks and runs a pipeline: file -> model -> graph ->
// executor -> events and output -> exit code.
func runPipeline(ctx context.Context, opts *runOptions) error {
	g, err := plan(opts)
	if err != nil || opts.DryRun {
		return err
	}
	p := g.Pipeline()
	// Secrets are read now, not at load: validate, list, graph and
	// --dry-run never need them. Nothing has started yet if one is missing.
	secrets, err := readSecrets(g, os.LookupEnv)
	if err != nil {
		return err
	}
	runID := executor.NewRunID()
	// Sensitive values and secrets are masked on every path: output, log,
	// summary, record.
	masker := mask.New(append(slices.Clone(p.Sensitive), slices.Collect(maps.Values(secrets))...)...)
	// Console never sees a secret: its streams mask (record.go).
	view, err := console.New(opts.LogFormat, console.Options{
		Graph: g, RunID: runID,
		Stdout: maskWriter{opts.Stdout, masker}, Stderr: maskWriter{opts.Stderr, masker},
		LookupEnv:   os.LookupEnv,
		StepSummary: stepSummary(os.Getenv("GITHUB_STEP_SUMMARY"), masker),
		Notices:     noticesFrom(ctx),
	})
	if err != nil {
		return errkind.New(errkind.Usage, err)
	}
	defer view.Close()
	stderr, log := view.Stderr(), view.Logger()

	eng, err := connect(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()
	warnLeftovers(ctx, eng, log)

	artifactsDir := opts.ArtifactsDir
	if artifactsDir == "" {
		artifactsDir = filepath.Join(p.Dir, ".runjob", "artifacts")
	}
	rec := startRecord(g, runID, stderr)
	output, observer := executor.Output(view), executor.Observer(view)
	if rec != nil {
		output, observer = report.MultiOutput(output, rec), report.MultiObserver(observer, rec)
	}
	ex := executor.New(eng, append(opts.Exec.executorOptions(),
		executor.WithRunID(runID),
		executor.WithConcurrency(opts.Concurrency),
		executor.WithArtifactsDir(artifactsDir),
		executor.WithObserver(observer),
		executor.WithOutput(maskOutput(output, masker)),
		executor.WithLogger(log),
		executor.WithForceStop(forceFrom(ctx)),
		executor.WithSecrets(secrets),
		executor.WithRedact(masker.String),
		executor.WithCacheLock(lockCache),
	)...)
	res, runErr := ex.Run(ctx, g)
	view.WriteSummary(res)
	writeAftermath(stderr, res)
	finishRecord(rec, res, opts.JUnit, stderr)
	if runErr != nil && ctx.Err() == nil {
		return errkind.New(errkind.Engine, runErr)
	}
	return resultError(ctx, res)
}

// stepSummary opens $GITHUB_STEP_SUMMARY (path) for appending, masking
// what is written; nil when it is not set.
func stepSummary(path string, m *mask.Masker) func() (io.WriteCloser, error) {
	if path == "" {
		return nil
	}
	return func() (io.WriteCloser, error) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, err
		}
		return struct {
			io.Writer
			io.Closer
		}{maskWriter{f, m}, f}, nil
	}
}

// connect returns an engine that answered a ping, or the exit error that
// says why there is none.
func connect(ctx context.Context) (*docker.Engine, error) {
	eng, err := docker.New()
	if err != nil {
		return nil, errkind.New(errkind.Engine, err)
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	err = eng.Ping(pctx)
	cancel()
	switch {
	case ctx.Err() != nil:
		err = errkind.New(errkind.Interrupted, context.Cause(ctx))
	case err != nil:
		err = errkind.New(errkind.Engine, err)
	}
	if err != nil {
		_ = eng.Close()
		return nil, err
	}
	return eng, nil
}

// resultError turns a finished run into its exit code. Precedence: an
// interrupted run is 130 whatever else happened; then engine trouble (3),
// with each step's engine error; then any step that failed, timed out or
// was cancelled by fail-fast or the pipeline's timeout (1).
func resultError(ctx context.Context, res *executor.Result) error {
	switch {
	case ctx.Err() != nil:
		return errkind.New(errkind.Interrupted, context.Cause(ctx))
	case res.Count(executor.StatusError) > 0:
		var errs []error
		for _, s := range res.Steps {
			if s.Status == executor.StatusError {
				errs = append(errs, fmt.Errorf("step %q: %w", s.Name, s.Err))
			}
		}
		return errkind.New(errkind.Engine, errors.Join(errs...))
	case !res.OK():
		for _, s := range res.Steps {
			var te *executor.TimeoutError
			if errors.As(s.Err, &te) && te.Pipeline {
				return errkind.New(errkind.Failed, te)
			}
		}
		return errkind.New(errkind.Failed, nil)
	}
	return nil
}
