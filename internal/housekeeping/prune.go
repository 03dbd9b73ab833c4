package housekeeping

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
)

// PruneOptions are the settings of a prune.
type PruneOptions struct {
	// All removes also what runs that look alive, or belong to another
	// host, left.
	All bool
	// RunIDs, when not empty, limits the prune to these runs.
	RunIDs []string
	// DryRun lists what would be removed and removes nothing.
	DryRun bool
	// ArtifactsDirs are artifacts directories whose staging directories
	// left by killed runs (see executor.StagingDir) are removed too.
	ArtifactsDirs []string
	// Stdout gets one line per resource and the summary; Stderr what
	// could not be removed.
	Stdout, Stderr io.Writer
}

// Prune removes the resources of runs that are no longer alive (or all,
// with All), then lists again until nothing new turns up (see settle), and
// the staging directories killed runs left in o.ArtifactsDirs.
// Resources it cannot remove are reported on Stderr and make it return an
// errkind.Engine error, as does a listing that fails.
func Prune(ctx context.Context, inv executor.Inventory, o PruneOptions) error {
	return newPruner(inv, o).run(ctx)
}

// pruner carries one prune: what it chose to remove, what it removed, what
// failed.
type pruner struct {
	inv              executor.Inventory
	o                PruneOptions
	now              func() time.Time
	quiet, poll, max time.Duration

	dead    map[string]bool  // runs whose resources this prune removes after settling
	seen    map[string]bool  // resource IDs already handled
	failed  map[string]error // resource IDs whose last removal failed
	recent  bool             // a dead run created something within recentWindow
	removed int
	kept    int
}

func newPruner(inv executor.Inventory, o PruneOptions) *pruner {
	return &pruner{inv: inv, o: o, now: time.Now, quiet: settleQuiet, poll: settlePoll, max: settleMax,
		dead: map[string]bool{}, seen: map[string]bool{}, failed: map[string]error{}}
}

func (p *pruner) run(ctx context.Context) error {
	rs, err := p.inv.Resources(ctx, everyRun())
	if err != nil {
		return errkind.New(errkind.Engine, err)
	}
	p.removeAll(ctx, p.choose(rs))
	if !p.o.DryRun && len(p.dead) > 0 {
		if err := p.settle(ctx); err != nil {
			return errkind.New(errkind.Engine, err)
		}
	}
	p.pruneStaging()
	verb := "removed"
	if p.o.DryRun {
		verb = "would remove"
	}
	fmt.Fprintf(p.o.Stdout, "prune: %s %d, kept %d\n", verb, p.removed, p.kept)
	if len(p.failed) > 0 {
		return errkind.New(errkind.Engine, fmt.Errorf("%d resource(s) could not be removed", len(p.failed)))
	}
	return nil
}

// choose says which resources go, and why the others stay.
func (p *pruner) choose(rs []executor.Resource) []executor.Resource {
	var out []executor.Resource
	for _, r := range rs {
		owner := executor.OwnerOf(r.Labels)
		if len(p.o.RunIDs) > 0 && !slices.Contains(p.o.RunIDs, owner.RunID) {
			continue
		}
		if tagged(r) {
			fmt.Fprintf(p.o.Stdout, "kept %s: its tags were asked for (docker rmi removes it)\n", describe(r))
			p.kept++
			continue
		}
		switch l := owner.Liveness(); {
		case l == executor.Dead:
			p.dead[owner.RunID] = true
			p.recent = p.recent || p.now().Sub(r.Created) < recentWindow
		case p.o.All:
		case l == executor.Alive:
			fmt.Fprintf(p.o.Stdout, "kept %s: its runjob process %d is still running\n", describe(r), owner.PID)
			p.kept++
			continue
		default:
			fmt.Fprintf(p.o.Stdout, "kept %s: it belongs to host %q, which this host cannot check (--all removes it)\n", describe(r), owner.Host)
			p.kept++
			continue
		}
		out = append(out, r)
	}
	return out
}

func (p *pruner) removeAll(ctx context.Context, rs []executor.Resource) {
	for _, r := range rs {
		retry := p.seen[r.ID]
		p.seen[r.ID] = true
		if p.o.DryRun {
			fmt.Fprintf(p.o.Stdout, "would remove %s\n", describe(r))
			p.removed++
			continue
		}
		if err := p.inv.RemoveResource(ctx, r); err != nil {
			if !retry {
				fmt.Fprintf(p.o.Stderr, "runjob: could not remove %s: %v\n", describe(r), err)
			}
			p.failed[r.ID] = err
			continue
		}
		delete(p.failed, r.ID)
		fmt.Fprintf(p.o.Stdout, "removed %s\n", describe(r))
		p.removed++
	}
}
