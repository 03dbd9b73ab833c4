package housekeeping

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/internal/errkind"
)

// CacheOptions are the settings of ListCaches and PruneCaches.
type CacheOptions struct {
	// Pipeline, when not empty, selects that pipeline's caches only.
	Pipeline string
	// OlderThan, when > 0, makes PruneCaches spare the caches used within
	// that long.
	OlderThan time.Duration
	// DryRun makes PruneCaches list what it would remove, removing nothing.
	DryRun bool
	// Stdout gets the table or one line per cache and the summary; Stderr
	// what could not be removed.
	Stdout, Stderr io.Writer
	// Locks hold each cache's last use; the zero value is this host's.
	Locks CacheLocks
	// Now is the clock OlderThan is measured on; nil means time.Now.
	Now func() time.Time
}

func (o *CacheOptions) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// lastUse is the lock file's time, or the volume's creation when this host
// never used it.
func (o *CacheOptions) lastUse(c executor.Cache) time.Time {
	if t := o.Locks.LastUse(c.Name); !t.IsZero() {
		return t.Local().Truncate(time.Second)
	}
	return c.Created.Local()
}

func caches(ctx context.Context, inv executor.Inventory, o *CacheOptions) ([]executor.Cache, error) {
	cs, err := inv.Caches(ctx, o.Pipeline)
	if err != nil {
		return nil, errkind.New(errkind.Engine, err)
	}
	return cs, nil
}

// ListCaches writes a table of the cache volumes with their size and last
// use to o.Stdout.
func ListCaches(ctx context.Context, inv executor.Inventory, o CacheOptions) error {
	cs, err := caches(ctx, inv, &o)
	if err != nil {
		return err
	}
	// A cluster engine's caches live on nodes: a NODE column says which.
	nodes := slices.ContainsFunc(cs, func(c executor.Cache) bool { return c.Node != "" })
	tw := tabwriter.NewWriter(o.Stdout, 0, 0, 2, ' ', 0)
	head := "PIPELINE\tCACHE\tSIZE\tLAST USE\tVOLUME"
	if nodes {
		head += "\tNODE"
	}
	fmt.Fprintln(tw, head)
	for _, c := range cs {
		size := "?"
		if c.Size >= 0 {
			size = bytesize.Format(c.Size)
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", c.Pipeline, c.Cache, size, o.lastUse(c).Format(time.RFC3339), c.Name)
		if nodes {
			line += "\t" + c.Node
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}

// PruneCaches removes cache volumes (those unused for o.OlderThan, when
// set) and their lock files. One in use by a step is kept, as the engine
// refuses to remove it, and reported; any such makes it return an
// errkind.Engine error.
func PruneCaches(ctx context.Context, inv executor.Inventory, o CacheOptions) error {
	cs, err := caches(ctx, inv, &o)
	if err != nil {
		return err
	}
	removed, failed := 0, 0
	for _, c := range cs {
		if o.OlderThan > 0 && o.now().Sub(o.lastUse(c)) < o.OlderThan {
			continue
		}
		what := fmt.Sprintf("cache %s of pipeline %s (volume %s)", c.Cache, c.Pipeline, c.Name)
		if c.Node != "" {
			what = fmt.Sprintf("cache %s of pipeline %s (volume %s on %s)", c.Cache, c.Pipeline, c.Name, c.Node)
		}
		if o.DryRun {
			fmt.Fprintf(o.Stdout, "would remove %s\n", what)
			removed++
			continue
		}
		if err := inv.RemoveResource(ctx, executor.Resource{Kind: executor.ResourceVolume, ID: c.Name, Name: c.Name}); err != nil {
			fmt.Fprintf(o.Stderr, "runjob: could not remove %s: %v\n", what, err)
			failed++
			continue
		}
		o.Locks.forget(c.Name)
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
