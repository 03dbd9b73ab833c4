package docker

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/client"
)

// DefaultCallTimeout bounds creating and starting a container. Each takes
// well under a second, a few on a machine under heavy load; a minute means
// the daemon is stuck. Docker 20.10 under heavy container churn can deadlock in
// its network controller (moby/moby#42545): it still answers pings and
// lists containers, but never returns from create or start. Without a
// bound, a run would wait for that forever.
const DefaultCallTimeout = time.Minute

// StuckError says the daemon answers but did not finish an operation in
// time. cerrdefs.IsUnavailable holds for it, as for UnreachableError: every
// other call would hang the same way, so the executor ends the run.
type StuckError struct {
	Host  string
	Op    string
	After time.Duration
	// Version is the daemon's, when known: on 20.10 the message names the
	// deadlock that most likely stopped it.
	Version string
}

func (e *StuckError) Error() string {
	msg := fmt.Sprintf("the Docker engine at %s did not finish %s within %s: it answers pings but is stuck; restarting dockerd may help",
		e.Host, e.Op, e.After)
	if strings.HasPrefix(e.Version, "20.10.") {
		msg += fmt.Sprintf(" (on Docker %s this is most likely its network controller's deadlock when containers on one network exit at once, moby/moby#42545: only a restart ends it, and Engine 23.0 or later is free of it)", e.Version)
	}
	return msg
}

// Unavailable marks the error for cerrdefs.IsUnavailable.
func (e *StuckError) Unavailable() {}

var errStuck = errors.New("engine stuck")

// start starts the container, within CallTimeout.
func (e *Engine) start(ctx context.Context, id string) error {
	err := e.bounded(ctx, "starting container "+shortID(id), func(ctx context.Context) error {
		_, err := e.cli.ContainerStart(ctx, id, client.ContainerStartOptions{})
		return err
	})
	var stuck *StuckError
	if err != nil && !errors.As(err, &stuck) {
		return fmt.Errorf("start: %w", err)
	}
	return err
}

// bounded runs call within CallTimeout; past it, the daemon is stuck.
func (e *Engine) bounded(ctx context.Context, op string, call func(context.Context) error) error {
	limit := cmp.Or(e.CallTimeout, DefaultCallTimeout)
	bctx, cancel := context.WithTimeoutCause(ctx, limit, errStuck)
	defer cancel()
	err := call(bctx)
	if err != nil && ctx.Err() == nil && context.Cause(bctx) == errStuck {
		v, _ := e.version.Load().(string)
		return &StuckError{Host: e.Host(), Op: op, After: limit, Version: v}
	}
	return err
}

// shortID is the 12-character form docker ps shows.
func shortID(id string) string { return id[:min(len(id), 12)] }
