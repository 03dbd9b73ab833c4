package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
)

// pruneEngine is what prune needs of the engine.
type pruneEngine interface {
	Resources(ctx context.Context, labels map[string]string) ([]executor.Resource, error)
	RemoveResource(ctx context.Context, r executor.Resource) error
}

// A create request that runjob sent just before it was killed can complete
// in the engine after prune has listed the run's resources: kill -9 cannot
// recall a request the engine already has (the chaos test saw it once in
// 200 runs). So after removing a dead run's resources prune lists them
// again, and again while a listing finds something new. When the run was
// active recently (something of it created within recentWindow), prune
// also waits for settleQuiet without anything new before it trusts the
// listing, at most settleMax in all: an engine finishes a create well
// within that. A run whose newest resource is older is not waited for, so
// pruning the leftovers of a run that died long ago costs no sleep. (A run
// killed while it created a step next to one that had run for longer than
// recentWindow is not waited for either; a second prune removes what
// arrived late.)
const (
	recentWindow = 30 * time.Second
	settleQuiet  = 2 * time.Second
	settlePoll   = 200 * time.Millisecond
	settleMax    = 10 * time.Second
)

// pruner carries one prune: what it chose to remove, what it removed, what
// failed.
type pruner struct {
	eng              pruneEngine
	o                *pruneOptions
	now              func() time.Time
	quiet, poll, max time.Duration

	dead    map[string]bool  // runs whose resources this prune removes after settling
	seen    map[string]bool  // resource IDs already handled
	failed  map[string]error // resource IDs whose last removal failed
	recent  bool             // a dead run created something within recentWindow
	removed int
	kept    int
}

func newPruner(eng pruneEngine, o *pruneOptions) *pruner {
	return &pruner{eng: eng, o: o, now: time.Now, quiet: settleQuiet, poll: settlePoll, max: settleMax,
		dead: map[string]bool{}, seen: map[string]bool{}, failed: map[string]error{}}
}

func (p *pruner) run(ctx context.Context) error {
	rs, err := p.eng.Resources(ctx, map[string]string{executor.LabelRunID: ""})
	if err != nil {
		return errkind.New(errkind.Engine, err)
	}
	p.removeAll(ctx, p.choose(rs))
	if !p.o.DryRun && len(p.dead) > 0 {
		if err := p.settle(ctx); err != nil {
			return errkind.New(errkind.Engine, err)
		}
	}
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

// settle lists the dead runs' resources again until a listing finds nothing
// new (and, for a recent run, nothing new for p.quiet), removing what it
// finds; those that failed before are retried, as a network can fail while
// a late container is still attached to it.
func (p *pruner) settle(ctx context.Context) error {
	start := p.now()
	lastNew := start
	for {
		rs, err := p.eng.Resources(ctx, map[string]string{executor.LabelRunID: ""})
		if err != nil {
			return err
		}
		var again []executor.Resource
		fresh := false
		for _, r := range rs {
			if !p.dead[r.Labels[executor.LabelRunID]] {
				continue
			}
			if !p.seen[r.ID] {
				fresh = true
			}
			if !p.seen[r.ID] || p.failed[r.ID] != nil {
				again = append(again, r)
			}
		}
		p.removeAll(ctx, again)
		now := p.now()
		switch {
		case now.Sub(start) >= p.max:
			return nil
		case fresh:
			lastNew = now
			continue
		case !p.recent || now.Sub(lastNew) >= p.quiet:
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(p.poll):
		}
	}
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
		if err := p.eng.RemoveResource(ctx, r); err != nil {
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

func describe(r executor.Resource) string {
	return fmt.Sprintf("%s %s (run %s)", r.Kind, r.Name, r.Labels[executor.LabelRunID])
}
