package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/housekeeping"
)

func newCacheCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "List or remove the cache volumes steps keep between runs",
	}
	lsOpts := &housekeeping.CacheOptions{Stdout: stdout, Stderr: stderr}
	ls := &cobra.Command{
		Use:   "ls [flags]",
		Short: "List cache volumes with their size and last use",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withCaches(c.Context(), lsOpts, housekeeping.ListCaches)
		},
	}
	ls.Flags().StringVar(&lsOpts.Pipeline, "pipeline", "", "only the caches of this pipeline (its name)")
	pruneOpts := &housekeeping.CacheOptions{Stdout: stdout, Stderr: stderr}
	prune := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove cache volumes (all, or those unused for --older-than)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return withCaches(c.Context(), pruneOpts, housekeeping.PruneCaches)
		},
	}
	f := prune.Flags()
	f.StringVar(&pruneOpts.Pipeline, "pipeline", "", "only the caches of this pipeline (its name)")
	f.DurationVar(&pruneOpts.OlderThan, "older-than", 0, "only caches not used for this long, e.g. 168h")
	f.BoolVar(&pruneOpts.DryRun, "dry-run", false, "list what would be removed, remove nothing")
	cmd.AddCommand(ls, prune)
	return cmd
}

// withCaches connects and runs a cache command on the engine.
func withCaches(ctx context.Context, o *housekeeping.CacheOptions,
	fn func(context.Context, executor.Inventory, housekeeping.CacheOptions) error) error {
	eng, err := connect(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()
	return fn(ctx, eng, *o)
}
