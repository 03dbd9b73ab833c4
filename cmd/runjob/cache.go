package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/internal/errkind"
)

// cacheOptions are the settings of `runjob cache ls|prune`.
type cacheOptions struct {
	Pipeline  string
	OlderThan time.Duration
	DryRun    bool
	Stdout    io.Writer
	Stderr    io.Writer
}

func newCacheCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "List or remove the cache volumes steps keep between runs",
	}
	lsOpts := &cacheOptions{Stdout: stdout, Stderr: stderr}
	ls := &cobra.Command{
		Use:   "ls [flags]",
		Short: "List cache volumes with their size and last use",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return cacheList(c.Context(), lsOpts) },
	}
	ls.Flags().StringVar(&lsOpts.Pipeline, "pipeline", "", "only the caches of this pipeline (its name)")
	pruneOpts := &cacheOptions{Stdout: stdout, Stderr: stderr}
	prune := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove cache volumes (all, or those unused for --older-than)",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return cachePrune(c.Context(), pruneOpts) },
	}
	f := prune.Flags()
	f.StringVar(&pruneOpts.Pipeline, "pipeline", "", "only the caches of this pipeline (its name)")
	f.DurationVar(&pruneOpts.OlderThan, "older-than", 0, "only caches not used for this long, e.g. 168h")
	f.BoolVar(&pruneOpts.DryRun, "dry-run", false, "list what would be removed, remove nothing")
	cmd.AddCommand(ls, prune)
	return cmd
}

// listCaches connects and lists the caches the options select. The caller
// closes the engine.
func listCaches(ctx context.Context, o *cacheOptions) (*docker.Engine, []executor.Cache, error) {
	eng, err := connect(ctx)
	if err != nil {
		return nil, nil, err
	}
	cs, err := eng.Caches(ctx, o.Pipeline)
	if err != nil {
		_ = eng.Close()
		return nil, nil, errkind.New(errkind.Engine, err)
	}
	return eng, cs, nil
}

func cacheList(ctx context.Context, o *cacheOptions) error {
	eng, caches, err := listCaches(ctx, o)
	if err != nil {
		return err
	}
	defer eng.Close()
	tw := tabwriter.NewWriter(o.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PIPELINE\tCACHE\tSIZE\tLAST USE\tVOLUME")
	for _, c := range caches {
		size := "?"
		if c.Size >= 0 {
			size = bytesize.Format(c.Size)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Pipeline, c.Cache, size, lastUse(c).Format(time.RFC3339), c.Name)
	}
	return tw.Flush()
}

// lastUse is the lock file's time, or the volume's creation when this host
// never used it.
func lastUse(c executor.Cache) time.Time {
	if t := cacheLastUse(c.Name); !t.IsZero() {
		return t.Local().Truncate(time.Second)
	}
	return c.Created.Local()
}

// cachePrune removes caches; one in use by a running step is kept (the
// engine refuses to remove a volume in use), and reported.
func cachePrune(ctx context.Context, o *cacheOptions) error {
	eng, caches, err := listCaches(ctx, o)
	if err != nil {
		return err
	}
	defer eng.Close()
	removed, failed := 0, 0
	for _, c := range caches {
		if o.OlderThan > 0 && time.Since(lastUse(c)) < o.OlderThan {
			continue
		}
		what := fmt.Sprintf("cache %s of pipeline %s (volume %s)", c.Cache, c.Pipeline, c.Name)
		if o.DryRun {
			fmt.Fprintf(o.Stdout, "would remove %s\n", what)
			removed++
			continue
		}
		if err := eng.RemoveResource(ctx, executor.Resource{Kind: "volume", ID: c.Name, Name: c.Name}); err != nil {
			fmt.Fprintf(o.Stderr, "runjob: could not remove %s: %v\n", what, err)
			failed++
			continue
		}
		_ = os.Remove(filepath.Join(cacheStateDir(), c.Name+".lock"))
		fmt.Fprintf(o.Stdout, "removed %s\n", what)
		removed++
	}
	verb := "removed"
	if o.DryRun {
		verb = "would remove"
	}
	fmt.Fprintf(o.Stdout, "cache prune: %s %d\n", verb, removed)
	if failed > 0 {
		return errkind.New(errkind.Engine, fmt.Errorf("%d cache(s) could not be removed (in use?)", failed))
	}
	return nil
}
