package docker

import (
	"context"
	"errors"
	"fmt"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// UnreachableError says the daemon did not answer at Host, or stopped
// answering mid-run. cerrdefs.IsUnavailable holds for it, which is how the
// executor knows to end the run.
type UnreachableError struct {
	Host string
	Err  error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the Docker engine at %s: %v", e.Host, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Unavailable marks the error for cerrdefs.IsUnavailable.
func (e *UnreachableError) Unavailable() {}

// probeTimeout bounds the ping that tells a lost daemon from a failed call.
const probeTimeout = 3 * time.Second

// classify makes sure an error that means "the daemon is gone" says so.
// The client classifies refused connections itself; a connection that
// breaks mid-stream (the daemon died while a container ran) arrives as a
// bare EOF or reset, so an unclassified error triggers a short ping: if
// that fails too, the engine is gone.
//
// It probes even when ctx has ended: a run cancelled because another call
// already found the engine gone must still say so for this call, rather
// than report a bare "unexpected EOF". Only context errors pass through.
func (e *Engine) classify(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if client.IsErrConnectionFailed(err) {
		return &UnreachableError{Host: e.Host(), Err: err}
	}
	if classified(err) {
		return err
	}
	// Probe twice: a daemon going away closes its connections one by one,
	// and the first ping can still ride a pooled connection that is about
	// to close. A daemon that answers both times is alive.
	for i := range 2 {
		if i > 0 {
			time.Sleep(probeGap)
		}
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
		_, perr := e.cli.Ping(pctx, client.PingOptions{})
		cancel()
		if perr != nil {
			return &UnreachableError{Host: e.Host(), Err: err}
		}
	}
	return err
}

// probeGap separates the two probes of classify.
const probeGap = 200 * time.Millisecond

func classified(err error) bool {
	for _, is := range []func(error) bool{cerrdefs.IsNotFound, cerrdefs.IsConflict, cerrdefs.IsUnauthorized,
		cerrdefs.IsPermissionDenied, cerrdefs.IsInvalidArgument, cerrdefs.IsAlreadyExists, cerrdefs.IsUnavailable,
		cerrdefs.IsNotModified} {
		if is(err) {
			return true
		}
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
