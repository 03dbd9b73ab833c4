package executor

import (
	"context"
	"io"
	"time"
)

// drainTimeout bounds the wait for a stopped container's output to end. It
// only matters when the engine misbehaves (or a start raced the stop).
const drainTimeout = 5 * time.Second

// runContainer runs the container until it exits. When ctx ends (an
// interruption, a timeout, fail-fast), it stops the container gracefully
// while still collecting its output, so what a step prints as it shuts down
// is not lost; then Run returns with the exit status of the stopped
// container. beforeStop (if not nil) runs when ctx ended, before the stop,
// while the container still runs.
func (k *kit) runContainer(ctx context.Context, id string, stdout, stderr io.Writer, beforeStop func()) (ExitStatus, error) {
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
		if beforeStop != nil {
			beforeStop()
		}
		if k.lost() || !k.stop(ctx, id) {
			cancelStream() // still running: its output will not end by itself
			return
		}
		select {
		case <-finished:
		case <-time.After(drainTimeout):
			cancelStream()
		}
	}()
	exit, err := k.e.engine.Run(streamCtx, id, stdout, stderr)
	close(finished)
	<-stopped
	return exit, err
}

// stop stops a container with the grace period, or at once after a second
// interrupt (the force context), and reports whether it succeeded.
func (k *kit) stop(ctx context.Context, id string) bool {
	return k.stopWithin(ctx, id, k.e.stopGrace)
}

// stopWithin is stop with its own grace period.
func (k *kit) stopWithin(ctx context.Context, id string, grace time.Duration) bool {
	sctx, cancel := k.detached(ctx, grace+cleanupTimeout)
	defer cancel()
	if err := k.e.engine.Stop(sctx, id, grace); err != nil {
		k.e.log.Warn().Err(err).Str("container", id).Msg("could not stop container; removing it by force")
		return false
	}
	return true
}
