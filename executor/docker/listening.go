package docker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"time"
)

// A dockerd that shuts down (a restart, `systemctl stop docker`) first
// closes its listener, then stops every container, waiting up to each
// one's stop timeout, and only then exits. Meanwhile the connections it
// already had keep working: a step's attach and wait streams stay up and
// end with the exit code of a container the daemon killed, 137 or 143,
// which looks like the step failing. Only a new connection tells the
// daemon is going away, so a running step dials the daemon every
// heartbeatEvery, and a step that exited non-zero is checked once more.

// heartbeatEvery is how often a running step checks that the daemon
// still accepts connections.
const heartbeatEvery = time.Second

var errStoppedListening = errors.New("the daemon stopped accepting connections (shutting down or restarting)")

// startHeartbeat runs heartbeat in the background until stop, which waits
// for it to end. lost receives its error, if any.
func (e *Engine) startHeartbeat(ctx context.Context) (lost <-chan error, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ch, done := make(chan error, 1), make(chan struct{})
	go func() {
		defer close(done)
		if err := e.heartbeat(ctx); err != nil {
			ch <- err
		}
	}()
	return ch, func() { cancel(); <-done }
}

// heartbeat runs until ctx ends, and then returns nil, or until the daemon
// stops accepting connections, and then returns an UnreachableError.
func (e *Engine) heartbeat(ctx context.Context) error {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := e.listening(ctx); err != nil {
			return err
		}
	}
}

// listening dials the daemon on a new connection, never a pooled one. A
// refused dial is tried again after probeGap, so only a daemon that
// refused twice counts as gone; a daemon that is merely slow still accepts
// connections (the kernel does, on its behalf). Other dial errors (too
// many open files here, a full backlog, a slow network) prove nothing and
// are left to the calls themselves. It returns nil when ctx ends, and for
// hosts it cannot dial by itself (ssh, npipe).
func (e *Engine) listening(ctx context.Context) error {
	u, err := url.Parse(e.Host())
	if err != nil || (u.Scheme != "unix" && u.Scheme != "tcp") {
		return nil
	}
	network, addr := u.Scheme, u.Host
	if network == "unix" {
		addr = u.Path
	}
	for i := range 2 {
		if i > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(probeGap):
			}
		}
		dctx, cancel := context.WithTimeout(ctx, probeTimeout)
		var c net.Conn
		c, err = (&net.Dialer{}).DialContext(dctx, network, addr)
		cancel()
		if err == nil {
			c.Close()
			return nil
		}
		if ctx.Err() != nil || !refused(err) {
			return nil
		}
	}
	return &UnreachableError{Host: e.Host(), Err: fmt.Errorf("%w: %w", errStoppedListening, err)}
}

// refused: nothing listens at the address any more.
func refused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT)
}
