package swarm

import (
	"context"
	"errors"
	"sync"
)

// onceMap runs a function once per key for everyone who asks at the same
// time, and remembers success: a failure is forgotten, so the next to ask
// tries again (a copy cut short by a cancelled step, a node back up).
type onceMap struct {
	mu   sync.Mutex
	done map[string]*onceCall
}

type onceCall struct {
	finished chan struct{}
	err      error
	// abandoned: fn failed because its context ended, which says nothing
	// to the callers that waited for it.
	abandoned bool
}

// do calls fn for key unless it succeeded before, or waits for the call in
// flight, or for ctx.
func (m *onceMap) do(ctx context.Context, key string, fn func() error) error {
	m.mu.Lock()
	if m.done == nil {
		m.done = map[string]*onceCall{}
	}
	c, ok := m.done[key]
	if !ok {
		c = &onceCall{finished: make(chan struct{})}
		m.done[key] = c
	}
	m.mu.Unlock()
	if !ok {
		c.err = fn()
		if c.err != nil {
			c.abandoned = errors.Is(c.err, context.Canceled) || errors.Is(c.err, context.DeadlineExceeded)
			m.mu.Lock()
			delete(m.done, key)
			m.mu.Unlock()
		}
		close(c.finished)
		return c.err
	}
	select {
	case <-c.finished:
		if c.abandoned && ctx.Err() == nil {
			return m.do(ctx, key, fn)
		}
		return c.err
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// forget makes the next do of key call fn again.
func (m *onceMap) forget(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.done, key)
}
