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
// daemon is going away, so while steps run the engine dials the daemon
// every heartbeatEvery (once for all of them), and a step that exited
// non-zero is checked once more.

// heartbeatEvery is how often the daemon is checked to still accept
// connections while steps run.
const heartbeatEvery = time.Second

var errStoppedListening = errors.New("the daemon stopped accepting connections (shutting down or restarting)")

// beat is the engine's heartbeat, shared by every step running at the
// time: one dial a second tells them all, however many run.
type beat struct {
	lost   chan struct{} // closed once the daemon stopped listening
	err    error         // why, set before lost is closed
	users  int
	cancel context.CancelFunc
	done   chan struct{}
}

// joinHeartbeat returns the running heartbeat, starting it for the first
// step, and leave, which stops it after the last step. A heartbeat that
// found the daemon gone is not joined again: the next step starts a fresh
// one, since the daemon may be back.
func (e *Engine) joinHeartbeat() (b *beat, leave func()) {
	e.beatMu.Lock()
	defer e.beatMu.Unlock()
	if b = e.beat; b == nil {
		ctx, cancel := context.WithCancel(context.Background())
		b = &beat{lost: make(chan struct{}), cancel: cancel, done: make(chan struct{})}
		e.beat = b
		go func() {
			defer close(b.done)
			if err := e.heartbeat(ctx); err != nil {
				b.err = err
				e.beatMu.Lock()
				if e.beat == b {
					e.beat = nil
				}
				e.beatMu.Unlock()
				close(b.lost)
			}
		}()
	}
	b.users++
	return b, func() {
		e.beatMu.Lock()
		b.users--
		last := b.users == 0
		if last && e.beat == b {
			e.beat = nil
		}
		e.beatMu.Unlock()
		if last {
			b.cancel()
			<-b.done
		}
	}
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
// hosts it cannot dial by itself (npipe). An ssh host is checked through
// ssh (sshListening).
func (e *Engine) listening(ctx context.Context) error {
	if e.ssh != nil {
		return e.sshListening(ctx)
	}
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
