package docker

import (
	"context"
	"errors"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// waited reads how the wait registered before start ended: nil once the
// container has exited (its status is inspected next, as always).
//
// A wait that ends in an error is not taken at its word while the engine
// still answers: Podman 4.3 under load sometimes answers it with a 200 and
// an error in the body (`wait: unexpected end of JSON input`) although
// the container ran its course. The container is inspected then: exited,
// the wait is done; still running, it is waited for once more
// (not-running, now that it has started). When the inspect fails too, the
// wait's error stands, and Run's classification says whether the engine
// is gone.
func (e *Engine) waited(ctx context.Context, id string, wait client.ContainerWaitResult, b *beat) error {
	err := waitOn(ctx, wait, b)
	if !errors.As(err, new(*waitError)) {
		return err
	}
	ins, ierr := e.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if ierr != nil || ins.Container.State == nil {
		return err
	}
	if !ins.Container.State.Running {
		return nil
	}
	again := e.cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	return waitOn(ctx, again, b)
}

// waitError is a wait that failed on the engine's side or on the way; it
// wraps the cause, which Run's classification reads.
type waitError struct{ err error }

func (e *waitError) Error() string { return "wait: " + e.err.Error() }
func (e *waitError) Unwrap() error { return e.err }

// waitOn waits for wait's outcome, the heartbeat's loss or ctx's end.
func waitOn(ctx context.Context, wait client.ContainerWaitResult, b *beat) error {
	select {
	case r := <-wait.Result:
		if r.Error != nil && r.Error.Message != "" {
			return &waitError{err: errors.New(r.Error.Message)}
		}
		return nil
	case err := <-wait.Error:
		return &waitError{err: err}
	case <-b.lost:
		return b.err
	case <-ctx.Done():
		return ctx.Err()
	}
}
