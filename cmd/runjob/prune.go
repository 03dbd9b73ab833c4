package main

import (
	"context"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/housekeeping"
)

// pruneOptions are the settings of `runjob prune`: the flags fill
// housekeeping's options directly.
type pruneOptions = housekeeping.PruneOptions

func newPruneCmd(stdout, stderr io.Writer, fn func(context.Context, *pruneOptions) error) *cobra.Command {
	opts := &pruneOptions{Stdout: stdout, Stderr: stderr}
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove what runjob runs that are no longer alive left on the engine",
		Long: "prune removes the containers, networks and volumes labelled io.runjob.run-id whose run\n" +
			"is no longer alive: its runjob process (io.runjob.pid on io.runjob.host) has exited on\n" +
			"this host. Runs still in progress, and runs from other hosts, are left alone unless\n" +
			"--all is given. It also removes the staging directories killed runs left under\n" +
			".runjob/artifacts (or each --artifacts DIR); a live run's is never removed.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return fn(cmd.Context(), opts) },
	}
	f := cmd.Flags()
	f.BoolVar(&opts.All, "all", false, "remove every runjob resource, also of runs that look alive or belong to another host")
	f.StringArrayVar(&opts.RunIDs, "run", nil, "only resources of this run ID (repeatable)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "list what would be removed, remove nothing")
	f.StringArrayVar(&opts.ArtifactsDirs, "artifacts", nil, "also remove killed runs' staging under this artifacts directory (repeatable; default .runjob/artifacts)")
	return cmd
}

// prune removes the resources of dead runs (or all, with --all).
func prune(ctx context.Context, o *pruneOptions) error {
	eng, err := connect(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()
	if len(o.ArtifactsDirs) == 0 {
		o.ArtifactsDirs = []string{filepath.Join(".runjob", "artifacts")}
	}
	return housekeeping.Prune(ctx, eng, *o)
}
