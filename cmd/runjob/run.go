package main

import (
	"context"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/housekeeping"
	"github.com/runjob/runjob/internal/session"
	"github.com/runjob/runjob/pipeline"
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
		Hooks:        consoleHooks(),
	}, func(ctx context.Context) (session.Engine, error) { return connect(ctx) })
}

// consoleHooks plug the console formats and host cache locks into a run.
func consoleHooks() session.Hooks {
	return session.Hooks{
		View: func(format string, g *pipeline.Graph, runID string, stdout, stderr io.Writer) session.View {
			v := newView(format, g, runID, nil, stdout, stderr)
			return session.View{Log: v.log, Output: v.output, Observer: v.observer, Summary: writeSummary}
		},
		Streams: func(format string, stdout, stderr io.Writer) (io.Writer, io.Writer, func()) {
			// Batched (batch.go), except under the live view: its frames
			// must reach the terminal at once, and it prints no step
			// output anyway.
			if resolveFormat(format, stderr) == "tty" {
				return stdout, stderr, func() {}
			}
			out, errw, flush := newBatcher(stdout, stderr)
			notices.set(errw) // the interrupt notice, in order with the rest
			return out, errw, func() { notices.set(nil); flush() }
		},
		Leftovers: func(ctx context.Context, eng session.Engine, log zerolog.Logger) {
			warnLeftovers(ctx, eng, log)
		},
		CacheLock: housekeeping.LockCache,
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
