package main

// `runjob watch FILE`, also `--watch`: run, then run again on each change.

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/history"
	"github.com/runjob/runjob/internal/inspect"
	"github.com/runjob/runjob/internal/session"
	"github.com/runjob/runjob/internal/watch"
)

func newWatchCmd(s streams, fn func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "watch FILE [flags]",
		Short: "Run a pipeline, then again whenever what it reads changes",
		Long: "watch runs the pipeline, then runs it again each time the pipeline file, a --var-file,\n" +
			"a host input, an image's build context or a read-only mount changes, with reuse on:\n" +
			"only the steps the change affects run. Ctrl-C during a run interrupts it as usual;\n" +
			"Ctrl-C between runs exits 0.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Watch = true
			return runCmd(cmd, args, opts, fn)
		},
	}
	addRunFlags(cmd, opts)
	return cmd
}

// watchPipeline is the watch loop over the run command's own steps: each
// round loads the pipeline afresh (an edit takes effect at the next run)
// and runs it with the same settings.
func watchPipeline(ctx context.Context, opts *runOptions) error {
	if opts.DryRun {
		return errkind.New(errkind.Usage, errors.New("--watch and --dry-run do not go together: a dry run does not run"))
	}
	retention, err := history.ParsePolicy(opts.KeepRuns, opts.KeepSize, os.LookupEnv)
	if err != nil {
		return errkind.New(errkind.Usage, err)
	}
	so, err := opts.session(ctx, retention)
	if err != nil {
		return err
	}
	// Reuse on unless the file says otherwise: a re-run runs only what
	// the change affects.
	opts.ReuseDefault = !opts.NoReuse
	return watch.Loop{Prepare: func() watch.Plan { return watchRound(opts, so) }}.Do(ctx)
}

// watchRound loads the pipeline for one round. A pipeline that does not
// load (the loader printed why) gives a round that only waits for its
// files to change.
func watchRound(opts *runOptions, so session.Options) watch.Plan {
	files := append([]string{opts.File}, opts.VarFiles...)
	g, err := session.Load(opts.Source, opts.Stderr, os.LookupEnv)
	if err == nil {
		g, err = session.Select(g, opts.Only)
	}
	if err != nil {
		fmt.Fprintf(opts.Stderr, "runjob: %v\n", err)
		return watch.Plan{Roots: watch.Roots(nil, files...), Log: opts.Stderr}
	}
	return watch.Plan{
		Roots:   watch.Roots(g, files...),
		Exclude: session.Writes(g, so),
		Run:     func(ctx context.Context) error { return session.Run(ctx, g, so, connect) },
		// The lines between runs name changed paths: masked as a plan is.
		Log: inspect.Masked(opts.Stderr, g),
	}
}
