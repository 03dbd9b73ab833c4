package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
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
	runID := executor.NewRunID()
	log := newLogger(opts.LogFormat, opts.Stdout, opts.Stderr).With().
		Str(fieldRunID, runID).Str(fieldPipeline, p.Name).Logger()

	eng, err := docker.New()
	if err != nil {
		return &exitError{code: exitEngine, err: err}
	}
	defer eng.Close()
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	err = eng.Ping(pctx)
	cancel()
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: context.Cause(ctx)}
	}
	if err != nil {
		return &exitError{code: exitEngine, err: err}
	}

	artifactsDir := opts.ArtifactsDir
	if artifactsDir == "" {
		artifactsDir = filepath.Join(p.Dir, ".runjob", "artifacts")
	}
	human := opts.LogFormat != "json"
	ex := executor.New(eng,
		executor.WithRunID(runID),
		executor.WithConcurrency(opts.Concurrency),
		executor.WithArtifactsDir(artifactsDir),
		executor.WithObserver(&logObserver{log: log, human: human}),
		executor.WithOutput(newOutput(opts.LogFormat, g, log, opts.Stdout, opts.Stderr)),
		executor.WithLogger(log),
	)
	res, err := ex.Run(ctx, g)
	if err != nil {
		return &exitError{code: exitEngine, err: err}
	}
	writeSummary(opts.Stderr, res)
	return resultError(ctx, res)
}

// resultError turns a finished run into its exit code. Precedence: an
// interrupted run is 130 whatever else happened; then engine trouble (3);
// then any step that did not succeed (1).
func resultError(ctx context.Context, res *executor.Result) error {
	switch {
	case ctx.Err() != nil:
		return &exitError{code: exitInterrupted, err: context.Cause(ctx)}
	case res.Count(executor.StatusError) > 0:
		return &exitError{code: exitEngine, err: fmt.Errorf("%d step(s) could not be run by the engine", res.Count(executor.StatusError))}
	case !res.OK():
		return &exitError{code: exitStepFailed}
	}
	return nil
}
