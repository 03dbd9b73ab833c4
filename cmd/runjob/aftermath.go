package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/internal/console"
)

// writeAftermath tells the user what a run left on the engine on purpose
// (containers kept by --keep-on-failure, with the commands to debug them)
// or by necessity (containers it could not remove).
func writeAftermath(w io.Writer, res *executor.Result) {
	for _, s := range res.Steps {
		if s.Kept == "" {
			continue
		}
		c := s.Kept
		fmt.Fprintf(w, "kept container %s of step %q (%s). To debug it:\n", c, s.Name, s.Status)
		fmt.Fprintf(w, "  docker start -ai %s    # run the step's command again, in the same container\n", c)
		fmt.Fprintf(w, "  docker commit %s runjob-debug:%s && docker run --rm -it --entrypoint sh runjob-debug:%s    # a shell in its filesystem\n", c, c, c)
		fmt.Fprintf(w, "  runjob prune    # removes it afterwards (and docker rmi runjob-debug:%s the debug image)\n", c)
	}
	if len(res.Leftovers) == 0 {
		return
	}
	fmt.Fprintf(w, "runjob: could not remove %d container(s):\n", len(res.Leftovers))
	for _, l := range res.Leftovers {
		fmt.Fprintf(w, "  %s (step %q): %v\n", l.Container, l.Step, l.Err)
	}
	fmt.Fprintf(w, "remove them with `runjob prune` once the engine answers\n")
}

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
	log.Warn().Str(console.FieldEvent, "leftovers").Int(console.FieldLeftovers, n).Int(console.FieldRuns, len(runs)).
		Msgf("%d container(s), network(s) or volume(s) of %d earlier runjob run(s) that are no longer running remain on the engine; remove them with `runjob prune`", n, len(runs))
}
