package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/history"
	"github.com/runjob/runjob/internal/housekeeping"
	"github.com/runjob/runjob/internal/stepcache"
)

// cacheOptions are the settings of `runjob cache ls` and `cache prune`:
// the cache volumes on the engine and the reuse store on this host.
type cacheOptions struct {
	volumes  housekeeping.CacheOptions
	reuse    housekeeping.ReuseOptions
	cacheDir string
	keepSize sizeFlag
	// onlyVolumes and onlyReuse pick one of the two; keepSize implies
	// onlyReuse (volumes have no size bound).
	onlyVolumes, onlyReuse bool
}

func newCacheCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "List or remove the cache volumes steps keep between runs, and the reuse store",
	}
	lsOpts := newCacheOptions(stdout, stderr)
	ls := &cobra.Command{
		Use:   "ls [flags]",
		Short: "List cache volumes (size, last use) and the reuse store's entries",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return cacheLs(c.Context(), lsOpts) },
	}
	addCacheFlags(ls, lsOpts)
	pruneOpts := newCacheOptions(stdout, stderr)
	prune := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove cache volumes and reuse entries (all, those unused for --older-than, or past --keep-size)",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return cachePrune(c.Context(), pruneOpts) },
	}
	addCacheFlags(prune, pruneOpts)
	f := prune.Flags()
	f.DurationVar(&pruneOpts.volumes.OlderThan, "older-than", 0, "only caches and entries not used for this long, e.g. 168h")
	f.Var(&pruneOpts.keepSize, "keep-size", "reuse store only: keep the most recently used entries that fit in SIZE, e.g. 2g")
	f.BoolVar(&pruneOpts.volumes.DryRun, "dry-run", false, "list what would be removed, remove nothing")
	cmd.AddCommand(ls, prune)
	return cmd
}

func newCacheOptions(stdout, stderr io.Writer) *cacheOptions {
	return &cacheOptions{volumes: housekeeping.CacheOptions{Stdout: stdout, Stderr: stderr}, reuse: housekeeping.ReuseOptions{Stdout: stdout}}
}

func addCacheFlags(c *cobra.Command, o *cacheOptions) {
	f := c.Flags()
	f.StringVar(&o.volumes.Pipeline, "pipeline", "", "only this pipeline's (its name; for the reuse store also its file's path)")
	f.StringVar(&o.cacheDir, "cache-dir", "", "runjob's cache directory, which holds the reuse store in reuse/ (default $RUNJOB_CACHE_DIR, else $XDG_CACHE_HOME/runjob)")
	f.BoolVar(&o.onlyVolumes, "volumes", false, "only the cache volumes on the engine")
	f.BoolVar(&o.onlyReuse, "reuse", false, "only the reuse store (no engine needed)")
	c.MarkFlagsMutuallyExclusive("volumes", "reuse")
}

// resolve fills the reuse store's options from the shared flags.
func (o *cacheOptions) resolve() error {
	if o.keepSize > 0 {
		if o.onlyVolumes {
			return errkind.New(errkind.Usage, errors.New("--keep-size applies to the reuse store, not to --volumes"))
		}
		o.onlyReuse = true
	}
	dir, err := reuseStoreDir(o.cacheDir)
	if err != nil {
		return errkind.New(errkind.Usage, err)
	}
	bound, err := reuseBound()
	if err != nil {
		return errkind.New(errkind.Usage, err)
	}
	r := &o.reuse
	r.Bound = bound
	r.Dir, r.Pipeline, r.OlderThan, r.MaxBytes, r.DryRun = dir, o.volumes.Pipeline, o.volumes.OlderThan, int64(o.keepSize), o.volumes.DryRun
	return nil
}

// reuseBound is the store's size bound from $RUNJOB_REUSE_MAX_SIZE (0:
// the store's default, 10 GiB).
func reuseBound() (int64, error) {
	v := os.Getenv("RUNJOB_REUSE_MAX_SIZE")
	if v == "" {
		return 0, nil
	}
	n, err := history.ParseSize(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("RUNJOB_REUSE_MAX_SIZE=%q: want a size such as 2g or 500m", v)
	}
	return n, nil
}

// reuseStoreDir is the reuse store's directory: reuse/ in cacheDir (a
// --cache-dir flag), else in $RUNJOB_CACHE_DIR, else in the user's cache
// directory.
func reuseStoreDir(cacheDir string) (string, error) {
	if cacheDir == "" {
		cacheDir = os.Getenv("RUNJOB_CACHE_DIR")
	}
	if cacheDir == "" {
		return stepcache.DefaultDir()
	}
	abs, err := filepath.Abs(cacheDir)
	if err != nil {
		return "", fmt.Errorf("cache directory %s: %w", cacheDir, err)
	}
	return stepcache.DirIn(abs), nil
}

// cacheLs lists the volumes, then the store. An unreachable engine does
// not hide the store: it is listed, and the engine's error returned.
func cacheLs(ctx context.Context, o *cacheOptions) error {
	return bothCaches(ctx, o, housekeeping.ListCaches, housekeeping.ListReuse)
}

func cachePrune(ctx context.Context, o *cacheOptions) error {
	return bothCaches(ctx, o, housekeeping.PruneCaches, housekeeping.PruneReuse)
}

func bothCaches(ctx context.Context, o *cacheOptions, volumes func(context.Context, executor.Inventory, housekeeping.CacheOptions) error,
	reuse func(housekeeping.ReuseOptions) error) error {
	if err := o.resolve(); err != nil {
		return err
	}
	var engineErr error
	if !o.onlyReuse {
		engineErr = withCaches(ctx, &o.volumes, volumes)
		if o.onlyVolumes {
			return engineErr
		}
		fmt.Fprintln(o.reuse.Stdout)
	}
	if err := reuse(o.reuse); err != nil {
		return err
	}
	return engineErr
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
