package executor

import (
	"context"
	"sync"
)

// ahead holds the containers created ahead of their step's turn (see
// prepare.go for which and why), at most one per step.
//
// The coordinator starts a create (start) and drops what a step that will
// never run had prepared (drop); the step's worker takes its own (take);
// the run's end waits for every create in flight (wait) and then drops the
// rest, so nothing prepared outlives the run. Creates run in the
// background, at most as many at once as the run's concurrency; one still
// waiting for its turn when the run's context ends is given up. Its
// methods are safe for concurrent use.
type ahead struct {
	mu       sync.Mutex
	byStep   map[int]*prepared
	creating sync.WaitGroup
	slots    chan struct{}
}

func newAhead(concurrency int) *ahead {
	return &ahead{byStep: map[int]*prepared{}, slots: make(chan struct{}, concurrency)}
}

// prepared is a container created ahead of its step's turn. done is closed
// once the create returned; id is "" when it failed or never happened.
type prepared struct {
	done     chan struct{}
	id, name string
	// cancel ends a placement still waiting for a node (Placer) when the
	// step will not run after all.
	cancel context.CancelFunc
	// err is set when the engine is gone or stuck: the attempt reports it
	// rather than wait out a create of its own.
	err error
}

// wait returns the container once its create has returned.
func (p *prepared) wait() (id, name string) {
	<-p.done
	return p.id, p.name
}

// has reports whether step i has a container prepared or being prepared.
func (a *ahead) has(i int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.byStep[i]
	return ok
}

// start calls create for step i in the background, once a slot is free.
// create returns the container's ID and name, or the error the attempt
// that takes it should report (nil for a failure the attempt will meet and
// report by itself).
func (a *ahead) start(ctx context.Context, i int, create func(ctx context.Context) (id, name string, err error)) {
	ctx, cancel := context.WithCancel(ctx)
	p := &prepared{done: make(chan struct{}), cancel: cancel}
	a.mu.Lock()
	a.byStep[i] = p
	a.mu.Unlock()
	a.creating.Go(func() {
		defer close(p.done)
		defer cancel()
		select {
		case a.slots <- struct{}{}:
			defer func() { <-a.slots }()
		case <-ctx.Done():
			return
		}
		p.id, p.name, p.err = create(ctx)
	})
}

// take hands step i's prepared container, if any, to its first attempt:
// its ID, or "" when there is none or its create failed (with the error
// when the engine is gone or stuck). It waits for a create in flight.
func (a *ahead) take(i int) (string, error) {
	p := a.drop(i)
	if p == nil {
		return "", nil
	}
	<-p.done
	return p.id, p.err
}

// created reports whether step i has a container created ahead, waiting
// for a create in flight; the container stays for take.
func (a *ahead) created(i int) bool {
	a.mu.Lock()
	p := a.byStep[i]
	a.mu.Unlock()
	if p == nil {
		return false
	}
	<-p.done
	return p.id != ""
}

// drop forgets step i's prepared container and returns it (nil if none),
// for the caller to remove.
func (a *ahead) drop(i int) *prepared {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.byStep[i]
	delete(a.byStep, i)
	return p
}

// wait returns once no create is in flight.
func (a *ahead) wait() { a.creating.Wait() }
