package executor

import (
	"context"
	"errors"
	"fmt"
	"time"

	cerrdefs "github.com/containerd/errdefs"
)

// TimeoutError is why a step was stopped when a timeout expired. It is the
// cancellation cause of the step's (or the run's) context and the Err of
// the step's result.
type TimeoutError struct {
	// Pipeline is true for the pipeline's timeout, false for the step's.
	Pipeline bool
	Timeout  time.Duration
}

func (e *TimeoutError) Error() string {
	if e.Pipeline {
		return fmt.Sprintf("pipeline timeout (%s) exceeded", e.Timeout)
	}
	return fmt.Sprintf("timed out after %s", e.Timeout)
}

// FailFastError is why steps were cancelled under fail-fast.
type FailFastError struct {
	// Step is the step whose failure stopped the run.
	Step string
}

func (e *FailFastError) Error() string {
	return fmt.Sprintf("cancelled by fail-fast: step %q failed", e.Step)
}

// EngineError says the engine became unusable during the run (the daemon
// died, the connection was lost). Executor.Run returns it; steps that were
// still to run are cancelled with it as the reason.
type EngineError struct {
	Err error
}

func (e *EngineError) Error() string { return fmt.Sprintf("engine unavailable: %v", e.Err) }

func (e *EngineError) Unwrap() error { return e.Err }

// interruptStatus turns the cause of a step's cancellation into its status:
// a timeout is the step's outcome, anything else (the user, fail-fast, the
// engine) cancelled it.
func interruptStatus(cause error) Status {
	var te *TimeoutError
	if errors.As(cause, &te) {
		return StatusTimeout
	}
	return StatusCancelled
}

// cause returns why ctx ended, or nil while it lives.
func cause(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return context.Cause(ctx)
}

// engineGone reports whether err says the engine itself is unusable.
func engineGone(err error) bool {
	return err != nil && cerrdefs.IsUnavailable(err)
}
