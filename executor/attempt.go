package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/pipeline"
)

// drainTimeout bounds the wait for a stopped container's output to end. It
// only matters when the engine misbehaves (or a start raced the stop).
const drainTimeout = 5 * time.Second

// attempt runs one attempt of a step in a fresh container and returns the
// container's ID ("" when none was created) and how the attempt ended. The
// container is left for the caller to export from and remove.
func (s *schedule) attempt(ctx context.Context, i int, step *pipeline.Step, n int) (string, Attempt) {
	e := s.e
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
	unlock, err := e.lockCaches(ctx, spec.Mounts)
	if err != nil {
		at.Status, at.Err = interruptStatus(err), err
		return "", at
	}
	defer unlock()

	id, err := s.create(ctx, i, n, spec)
	if err != nil {
		return "", engineFailure(ctx, at, fmt.Errorf("create container %s for image %s: %w", spec.Name, step.Image, err))
	}
	if c := cause(ctx); c != nil {
		at.Status, at.Err = interruptStatus(c), c // never started: nothing to stop
		return id, at
	}
	if err := e.copyInputs(ctx, id, step); err != nil {
		var inErr *InputError
		switch c := cause(ctx); {
		case c != nil:
			at.Status, at.Err = interruptStatus(c), c
		case errors.As(err, &inErr):
			at.Status, at.Err = StatusFailed, err // the host side: the user's to fix
		default:
			return id, engineFailure(ctx, at, err)
		}
		return id, at
	}

	stdout, stderr := e.output.Open(step.Name)
	at.Started = time.Now()
	e.emit(Event{Kind: EventStepStarted, Step: step.Name, Image: step.Image, Container: spec.Name, Attempt: n})
	exit, err := s.runContainer(ctx, id, stdout, stderr)
	at.Finished = time.Now()
	// Close flushes the last partial lines before the step is reported done.
	_ = stdout.Close()
	_ = stderr.Close()

	if c := cause(ctx); c != nil {
		at.Status, at.Err = interruptStatus(c), c
		if err == nil {
			at.ExitCode = exit.Code // how it reacted to the stop, e.g. 143
		}
		if at.Status == StatusTimeout {
			at.ExitCode = TimeoutExitCode
		}
		return id, at
	}
	if err != nil {
		return id, engineFailure(ctx, at, fmt.Errorf("run container %s: %w", spec.Name, err))
	}
	at.ExitCode, at.ImageID = exit.Code, exit.ImageID
	switch {
	case exit.OOMKilled && exit.Code != 0:
		// (A child killed for memory while the main process went on to
		// exit 0 is the step's business: it succeeded.)
		at.Status, at.Err = StatusOOMKilled, oomError(step.Resources.Memory)
	case exit.Code != 0:
		at.Status, at.Err = StatusFailed, fmt.Errorf("exit code %d", exit.Code)
	default:
		at.Status = StatusOK
	}
	return id, at
}

// createTimeout backs up the engine's own bound on a create (a minute for
// Docker, past which the engine counts as stuck and the run ends).
const createTimeout = 2 * time.Minute

// create returns the attempt's container: the one prepared ahead for a
// first attempt, or a new one. It creates on a detached context: cancelling
// mid-request could leave a container behind that runjob never learned the
// ID of.
func (s *schedule) create(ctx context.Context, i, n int, spec *ContainerSpec) (string, error) {
	if n == 1 {
		if id, err := s.takePrepared(i); id != "" || err != nil {
			return id, err
		}
	}
	cctx, cancel := s.detached(ctx, createTimeout)
	defer cancel()
	id, err := s.e.engine.Create(cctx, spec)
	if err != nil {
		s.createFailed(ctx, s.g.Step(i).Name, spec.Name, err)
	}
	return id, err
}

// createFailed cleans up after a failed create: the engine may have
// created the container before failing, and the name finds it. An engine
// that is gone or stuck would not remove it either (each try would wait
// out its timeout), so then it is only reported, for `runjob prune`.
func (s *schedule) createFailed(ctx context.Context, step, name string, err error) {
	if engineGone(err) {
		s.leftover(step, name, err)
		return
	}
	s.removeContainer(ctx, step, name, name)
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

// runContainer runs the container until it exits. When ctx ends (an
// interruption, a timeout, fail-fast), it stops the container gracefully
// while still collecting its output, so what a step prints as it shuts down
// is not lost; then Run returns with the exit status of the stopped
// container.
func (s *schedule) runContainer(ctx context.Context, id string, stdout, stderr io.Writer) (ExitStatus, error) {
	streamCtx, cancelStream := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelStream()
	finished := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case <-finished:
			return
		case <-ctx.Done():
		}
		if s.lost() || !s.stop(ctx, id) {
			cancelStream() // still running: its output will not end by itself
			return
		}
		select {
		case <-finished:
		case <-time.After(drainTimeout):
			cancelStream()
		}
	}()
	exit, err := s.e.engine.Run(streamCtx, id, stdout, stderr)
	close(finished)
	<-stopped
	return exit, err
}

// stop stops a container with the grace period, or at once after a second
// interrupt (the force context), and reports whether it succeeded.
func (s *schedule) stop(ctx context.Context, id string) bool {
	return s.stopWithin(ctx, id, s.e.stopGrace)
}

// stopWithin is stop with its own grace period.
func (s *schedule) stopWithin(ctx context.Context, id string, grace time.Duration) bool {
	e := s.e
	sctx, cancel := s.detached(ctx, grace+cleanupTimeout)
	defer cancel()
	if err := e.engine.Stop(sctx, id, grace); err != nil {
		e.log.Warn().Err(err).Str("container", id).Msg("could not stop container; removing it by force")
		return false
	}
	return true
}
