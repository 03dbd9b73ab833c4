package housekeeping

import (
	"context"
	"time"

	"github.com/runjob/runjob/executor"
)

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

// settle lists the dead runs' resources again until a listing finds nothing
// new (and, for a recent run, nothing new for p.quiet), removing what it
// finds; those that failed before are retried, as a network can fail while
// a late container is still attached to it.
func (p *pruner) settle(ctx context.Context) error {
	start := p.now()
	lastNew := start
	for {
		rs, err := p.inv.Resources(ctx, everyRun())
		if err != nil {
			return err
		}
		var again []executor.Resource
		fresh := false
		for _, r := range rs {
			if !p.dead[r.Labels[executor.LabelRunID]] || tagged(r) {
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
