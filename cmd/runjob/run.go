package main

import (
	"context"
	"time"

	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/session"
)

// pingTimeout bounds the first contact with the engine, so a wrong
// DOCKER_HOST fails in seconds instead of hanging.
const pingTimeout = 15 * time.Second

// runPipeline loads, checks and runs a pipeline: file -> model -> graph ->
// session (executor, events and output behind the run's masker) -> kind.
func runPipeline(ctx context.Context, opts *runOptions) error {
	g, err := plan(opts)
	if err != nil || opts.DryRun {
		return err
	}
	return session.Run(ctx, g, session.Options{
		Concurrency:  opts.Concurrency,
		ArtifactsDir: opts.ArtifactsDir,
		LogFormat:    opts.LogFormat,
		JUnit:        opts.JUnit,
		Exec:         opts.Exec.executorOptions(),
		Stdout:       opts.Stdout,
		Stderr:       opts.Stderr,
		Force:        forceFrom(ctx),
		Notices:      noticesFrom(ctx),
	}, func(ctx context.Context) (session.Engine, error) { return connect(ctx) })
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
