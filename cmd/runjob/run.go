package main

// The run command: its flags, and the one place that connects to an engine.

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/console"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/history"
	"github.com/runjob/runjob/internal/inspect"
	"github.com/runjob/runjob/internal/session"
	"github.com/runjob/runjob/pipeline"
)

func newRunCmd(s streams, fn func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "run FILE [flags]",
		Short: "Run a pipeline",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCmd(cmd, args, opts, fn)
		},
	}
	addRunFlags(cmd, opts)
	return cmd
}

func runCmd(cmd *cobra.Command, args []string, opts *runOptions, fn func(context.Context, *runOptions) error) error {
	if err := opts.complete(args); err != nil {
		return err
	}
	if !slices.Contains(console.Names(), opts.LogFormat) {
		return fmt.Errorf("--log-format %q: want one of %s", opts.LogFormat, strings.Join(console.Names(), ", "))
	}
	return fn(cmd.Context(), opts)
}

func addRunFlags(cmd *cobra.Command, opts *runOptions) {
	f := cmd.Flags()
	opts.addFlags(cmd)
	f.StringArrayVar(&opts.Only, "only", nil, "run only this step and the steps it needs (repeatable; a for_each step's name selects all its instances)")
	f.BoolVar(&opts.Watch, "watch", false, "run, then run again whenever the pipeline file or a host input changes, reusing unchanged steps (as `runjob watch`)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the plan (order, images, commands, dependencies, what reuse would do) without running anything")
	f.IntVarP(&opts.Concurrency, "concurrency", "j", 0, "run at most N steps at once (default: the pipeline's concurrency, else the number of CPUs)")
	f.StringVar(&opts.ArtifactsDir, "artifacts", "", "export artifacts under DIR (default: .runjob/artifacts beside the pipeline file)")
	f.StringVar(&opts.JUnit, "junit", "", "also write the results as JUnit XML to FILE (one testcase per step)")
	f.StringVar(&opts.LogFormat, "log-format", "auto", "output: "+console.Help())
	f.StringVar(&opts.KeepRuns, "keep-runs", "", "after the run, keep the newest N run records beside the pipeline (default 50, or $RUNJOB_KEEP_RUNS; 0: no limit)")
	f.StringVar(&opts.KeepSize, "keep-size", "", "after the run, keep the newest run records that fit in SIZE (default 1g, or $RUNJOB_KEEP_SIZE; 0: no limit)")
	f.BoolVar(&opts.NoReuse, "no-reuse", false, "run every step, even those the reuse store holds with the same key (nothing is stored either)")
	f.StringVar(&opts.CacheDir, "cache-dir", "", "runjob's cache directory, which holds the reuse store in reuse/ (default $RUNJOB_CACHE_DIR, else $XDG_CACHE_HOME/runjob)")
	addExecFlags(cmd, &opts.Exec)
}

// runPipeline loads, checks and runs a pipeline: file -> model -> graph ->
// session (executor, events and output behind the run's masker) -> kind.
func runPipeline(ctx context.Context, opts *runOptions) error {
	if opts.Watch {
		return watchPipeline(ctx, opts)
	}
	g, err := session.Load(opts.Source, opts.Stderr, os.LookupEnv)
	if err != nil {
		return err
	}
	if g, err = session.Select(g, opts.Only); err != nil {
		return err
	}
	retention, err := history.ParsePolicy(opts.KeepRuns, opts.KeepSize, os.LookupEnv)
	if err != nil {
		return errkind.New(errkind.Usage, err)
	}
	if opts.DryRun {
		return dryRun(ctx, g, opts, retention)
	}
	so, err := opts.session(ctx, retention)
	if err != nil {
		return err
	}
	return session.Run(ctx, g, so, connect)
}

// dryRun prints the plan, with what reuse would do when a step may be
// reused (session.Predict: the engine is asked for image IDs only). A
// failed write to stdout does not fail a dry run: the plan is what the
// run would do, and nothing ran; nor does a prediction that cannot be
// made, which is said on stderr.
func dryRun(ctx context.Context, g *pipeline.Graph, opts *runOptions, retention history.Policy) error {
	var preds []executor.Prediction
	so, err := opts.session(ctx, retention)
	if err == nil {
		preds, err = session.Predict(ctx, g, so, connect)
	}
	if err != nil {
		fmt.Fprintf(inspect.Masked(opts.Stderr, g), "runjob: reuse not predicted: %v\n", err)
	}
	_ = inspect.PlanReuse(inspect.Masked(opts.Stdout, g), g, preds)
	return nil
}

// session turns the flags into a run's settings.
func (opts *runOptions) session(ctx context.Context, retention history.Policy) (session.Options, error) {
	reuseDir, bound := "", int64(0)
	if !opts.NoReuse {
		var err error
		if reuseDir, err = reuseStoreDir(opts.CacheDir); err == nil {
			bound, err = reuseBound()
		}
		if err != nil {
			return session.Options{}, errkind.New(errkind.Usage, err)
		}
	}
	return session.Options{
		ReuseDir:      reuseDir,
		ReuseMaxBytes: bound,
		Concurrency:   opts.Concurrency,
		ArtifactsDir:  opts.ArtifactsDir,
		LogFormat:     opts.LogFormat,
		JUnit:         opts.JUnit,
		Retention:     retention,
		Exec:          opts.Exec.executorOptions(),
		Stdout:        opts.Stdout,
		Stderr:        opts.Stderr,
		Force:         forceFrom(ctx),
		Notices:       noticesFrom(ctx),
	}, nil
}
