package swarm

import (
	"context"
	"errors"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// nodeWatchEvery is how often the manager is asked about the node of a
// running container. Swarm itself declares a node down after missing its
// heartbeats for a few seconds.
const nodeWatchEvery = 2 * time.Second

// lostNodeTimeout bounds a call to a node known to be lost: it most likely
// hangs or fails, and the run must not wait out the usual timeouts for it.
const lostNodeTimeout = 3 * time.Second

// errNodeDown is why a node was lost when the manager says it is down.
var errNodeDown = errors.New("the swarm manager reports it down (no heartbeat)")

// watchNode asks the manager every nodeWatchEvery whether n is still up,
// and ends ctx with a NodeError (marking n lost) once the manager says it
// is down. A manager that does not answer proves nothing here (the run's
// own health watch pings it). The returned stop ends the watch.
func (e *Engine) watchNode(ctx context.Context, n *node, cancel context.CancelCauseFunc) (stop func()) {
	wctx, end := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(nodeWatchEvery)
		defer t.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case <-t.C:
			}
			ictx, icancel := context.WithTimeout(wctx, nodeWatchEvery)
			res, err := e.api.NodeInspect(ictx, n.id, client.NodeInspectOptions{})
			icancel()
			if err == nil && res.Node.Status.State == swarm.NodeStateDown {
				e.nodes.markLost(n, errNodeDown)
				cancel(&NodeError{Node: n.hostname, Endpoint: n.endpoint, Err: errNodeDown})
				return
			}
		}
	}()
	return func() { end(); <-done }
}

// nodeCtx is ctx, bounded by lostNodeTimeout when n is lost.
func (e *Engine) nodeCtx(ctx context.Context, n *node) (context.Context, context.CancelFunc) {
	if e.nodes.isLost(n) {
		return context.WithTimeout(ctx, lostNodeTimeout)
	}
	return context.WithCancel(ctx)
}
