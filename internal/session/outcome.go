package session

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
)

// outcome turns a finished run into its error kind. Precedence: an
// interrupted run is Interrupted whatever else happened; then engine
// trouble (Engine), with each step's engine error; then any step that
// failed, timed out or was cancelled by fail-fast or the pipeline's
// timeout (Failed).
func outcome(ctx context.Context, res *executor.Result) error {
	switch {
	case ctx.Err() != nil:
		return errkind.New(errkind.Interrupted, context.Cause(ctx))
	case res.Count(executor.StatusError) > 0:
		var errs []error
		for _, s := range res.Steps {
			if s.Status == executor.StatusError {
				errs = append(errs, fmt.Errorf("step %q: %w", s.Name, s.Err))
			}
		}
		return errkind.New(errkind.Engine, errors.Join(errs...))
	case !res.OK():
		for _, s := range res.Steps {
			var te *executor.TimeoutError
			if errors.As(s.Err, &te) && te.Pipeline {
				return errkind.New(errkind.Failed, te)
			}
		}
		return errkind.New(errkind.Failed, nil)
	}
	return nil
}

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
