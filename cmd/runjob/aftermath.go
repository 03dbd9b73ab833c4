package main

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
)

// leftoverTimeout bounds the check for leftovers of dead runs at the start
// of a run: a slow engine must not delay the run for it.
const leftoverTimeout = 5 * time.Second

// warnLeftovers logs one warning when runs that are no longer alive left
// containers, networks or volumes on the engine (a crash, kill -9, a lost
// engine, --keep-on-failure).
func warnLeftovers(ctx context.Context, eng *docker.Engine, log zerolog.Logger) {
	lctx, cancel := context.WithTimeout(ctx, leftoverTimeout)
	defer cancel()
	rs, err := eng.Resources(lctx, map[string]string{executor.LabelRunID: ""})
	if err != nil {
		log.Debug().Err(err).Msg("could not look for leftovers of earlier runs")
		return
	}
	runs := map[string]bool{}
	n := 0
	for _, r := range rs {
		if o := executor.OwnerOf(r.Labels); o.Liveness() == executor.Dead {
			runs[o.RunID] = true
			n++
		}
	}
	if n == 0 {
		return
	}
	log.Warn().Str(fieldEvent, "leftovers").Int(fieldLeftovers, n).Int(fieldRuns, len(runs)).
		Msgf("%d container(s), network(s) or volume(s) of %d earlier runjob run(s) that are no longer running remain on the engine; remove them with `runjob prune`", n, len(runs))
}
