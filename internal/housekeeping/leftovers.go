package housekeeping

import (
	"context"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
)

// Leftovers is what runs that are no longer alive left on the engine (a
// crash, kill -9, a lost engine, --keep-on-failure): what `runjob prune`
// would remove without --all.
type Leftovers struct {
	// Resources counts the containers, networks and volumes; Runs the
	// runs they belong to.
	Resources, Runs int
}

// FindLeftovers counts the resources of dead runs. Runs that may be alive,
// or belong to another host, do not count. A failed listing is an
// errkind.Engine error; the caller bounds the wait with ctx.
func FindLeftovers(ctx context.Context, inv executor.Inventory) (Leftovers, error) {
	rs, err := inv.Resources(ctx, everyRun())
	if err != nil {
		return Leftovers{}, errkind.New(errkind.Engine, err)
	}
	runs := map[string]bool{}
	var l Leftovers
	for _, r := range rs {
		if tagged(r) {
			continue
		}
		if o := executor.OwnerOf(r.Labels); o.Liveness() == executor.Dead {
			runs[o.RunID] = true
			l.Resources++
		}
	}
	l.Runs = len(runs)
	return l, nil
}
