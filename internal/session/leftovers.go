package session

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/console"
	"github.com/runjob/runjob/internal/housekeeping"
)

// leftoverTimeout bounds the check for leftovers of dead runs at the start
// of a run: a slow engine must not delay the run for it.
const leftoverTimeout = 5 * time.Second

// warnLeftovers logs one warning when runs that are no longer alive left
// containers, networks or volumes on the engine (a crash, kill -9, a lost
// engine, --keep-on-failure).
func warnLeftovers(ctx context.Context, inv executor.Inventory, log zerolog.Logger) {
	lctx, cancel := context.WithTimeout(ctx, leftoverTimeout)
	defer cancel()
	l, err := housekeeping.FindLeftovers(lctx, inv)
	if err != nil {
		log.Debug().Err(err).Msg("could not look for leftovers of earlier runs")
		return
	}
	if l.Resources == 0 {
		return
	}
	log.Warn().Str(console.FieldEvent, "leftovers").Int(console.FieldLeftovers, l.Resources).Int(console.FieldRuns, l.Runs).
		Msgf("%d container(s), network(s) or volume(s) of %d earlier runjob run(s) that are no longer running remain on the engine; remove them with `runjob prune`", l.Resources, l.Runs)
}
