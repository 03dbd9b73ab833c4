package executor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/pipeline"
)

// attempt runs one attempt of a step in a fresh container and returns the
// container's ID ("" when none was created) and how the attempt ended. The
// container is left for the caller to export from and remove.
func (s *schedule) attempt(ctx context.Context, i int, step *pipeline.Step, n int) (string, Attempt) {
	spec, err := s.spec(i, step, n)
	if err != nil {
		return "", Attempt{Number: n, Status: StatusError, ExitCode: -1, Err: err}
	}
	at := Attempt{Number: n, Status: StatusPending, ExitCode: -1, Container: spec.Name}
	if step.Timeout > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeoutCause(ctx, step.Timeout, &TimeoutError{Timeout: step.Timeout})
		defer stop()
	}
	if c := cause(ctx); c != nil {
		at.Status, at.Err = StatusCancelled, c
		return "", at
	}
	// A cache is used by one container at a time; the wait counts against
	// the step's timeout, as any other wait of the step does.
	unlock, err := s.e.lockCaches(ctx, spec.Mounts)
	if err != nil {
		at.Status, at.Err = interruptStatus(err), err
		return "", at
	}
	defer unlock()

	id, at, ok := s.ready(ctx, i, step, spec, at)
	if !ok {
		return id, at
	}
	exit, err := s.execute(ctx, i, step, id, &at)
	return id, classify(ctx, at, step, exit, err)
}

// ready creates the attempt's container and copies the step's inputs into
// it. When it returns false the attempt ended there, as at says; the
// container, if one was created, is still to be removed.
func (s *schedule) ready(ctx context.Context, i int, step *pipeline.Step, spec *ContainerSpec, at Attempt) (string, Attempt, bool) {
	id, err := s.create(ctx, i, at.Number, spec)
	if err != nil {
		return "", engineFailure(ctx, at, fmt.Errorf("create container %s for image %s: %w", spec.Name, step.Image, err)), false
	}
	if c := cause(ctx); c != nil {
		at.Status, at.Err = interruptStatus(c), c // never started: nothing to stop
		return id, at, false
	}
	if s.readOutputs[i] {
		err = s.e.createOutputFile(ctx, id)
	}
	if err == nil {
		err = s.copyInputs(ctx, id, step)
	}
	if err != nil {
		var inErr *InputError
		switch c := cause(ctx); {
		case c != nil:
			at.Status, at.Err = interruptStatus(c), c
		case errors.As(err, &inErr):
			at.Status, at.Err = StatusFailed, err // the host side: the user's to fix
		default:
			at = engineFailure(ctx, at, err)
		}
		return id, at, false
	}
	return id, at, true
}

// execute starts the container with the step's output attached and waits
// until it exits, stamping when the attempt started and finished.
func (s *schedule) execute(ctx context.Context, i int, step *pipeline.Step, id string, at *Attempt) (ExitStatus, error) {
	stdout, stderr := s.e.output.Open(step.Name)
	stdout, stderr = s.tee(i, stdout, stderr)
	at.Started = time.Now()
	s.e.emit(Event{Kind: EventStepStarted, Step: step.Name, Image: step.Image, Container: at.Container, Attempt: at.Number})
	exit, err := s.runContainer(ctx, id, stdout, stderr, func() { s.timedOut(ctx, step.Name, id, at) })
	at.Finished = time.Now()
	// Close flushes the last partial lines before the step is reported done.
	_ = stdout.Close()
	_ = stderr.Close()
	return exit, err
}

// classify says how an attempt whose container ran ended: interrupted,
// an engine error, out of memory, a failing exit code, or success.
func classify(ctx context.Context, at Attempt, step *pipeline.Step, exit ExitStatus, err error) Attempt {
	if c := cause(ctx); c != nil {
		at.Status, at.Err = interruptStatus(c), c
		if err == nil {
			at.ExitCode = exit.Code // how it reacted to the stop, e.g. 143
		}
		if at.Status == StatusTimeout {
			at.ExitCode = TimeoutExitCode
		}
		return at
	}
	if err != nil {
		return engineFailure(ctx, at, fmt.Errorf("run container %s: %w", at.Container, err))
	}
	at.ExitCode, at.ImageID = exit.Code, exit.ImageID
	switch {
	case exit.OOMKilled && exit.Code != 0:
		// (A child killed for memory while the main process went on to
		// exit 0 is the step's business: it succeeded.)
		at.Status, at.Err = StatusOOMKilled, oomError(step.Resources.Memory)
	case exit.Code != 0 && exit.Caveat != "":
		at.Status, at.Err = StatusFailed, fmt.Errorf("killed (exit %d; %s)", exit.Code, exit.Caveat)
	case exit.Code != 0:
		at.Status, at.Err = StatusFailed, fmt.Errorf("exit code %d", exit.Code)
	default:
		at.Status = StatusOK
	}
	return at
}

// createTimeout backs up the engine's own bound on a create (a minute for
// Docker, past which the engine counts as stuck and the run ends).
const createTimeout = 2 * time.Minute

// create returns the attempt's container: the one prepared ahead for a
// first attempt, or a new one. It creates on a detached context: cancelling
// mid-request could leave a container behind that runjob never learned the
// ID of. A cluster engine's placement comes first, on ctx, so that an
// interrupt or the step's timeout ends a wait for a node with room.
func (s *schedule) create(ctx context.Context, i, n int, spec *ContainerSpec) (string, error) {
	if n == 1 {
		// Waits for a create in flight, which createTimeout bounds.
		if id, err := s.ahead.take(i); id != "" || err != nil {
			return id, err
		}
	}
	if err := s.place(ctx, spec); err != nil {
		return "", err
	}
	cctx, cancel := s.detached(ctx, createTimeout)
	defer cancel()
	id, err := s.e.engine.Create(cctx, spec)
	if err != nil {
		s.createFailed(ctx, s.g.Step(i).Name, spec.Name, err)
	}
	return id, err
}

// engineFailure records an engine error, unless the run was cancelled
// meanwhile (then the error is only a symptom of that).
func engineFailure(ctx context.Context, at Attempt, err error) Attempt {
	at.Status, at.Err = StatusError, err
	if c := cause(ctx); c != nil {
		at.Status, at.Err = interruptStatus(c), c
	}
	return at
}

func oomError(limit int64) error {
	if limit <= 0 {
		return fmt.Errorf("killed: out of memory (no memory limit set: the host ran out)")
	}
	return fmt.Errorf("killed: out of memory (limit %s)", bytesize.Format(limit))
}
