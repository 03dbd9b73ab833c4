package swarm

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// Concurrent callers of one key share one call; a success is remembered,
// a failure is shared with those who waited and then forgotten, and a
// call cut short by its context is run again for a waiter whose context
// lives.
func TestOnceMap(t *testing.T) {
	var m onceMap
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			_ = m.do(context.Background(), "k", func() error { calls.Add(1); <-release; return nil })
		})
	}
	close(release)
	wg.Wait()
	if err := m.do(context.Background(), "k", func() error { calls.Add(1); return nil }); err != nil || calls.Load() != 1 {
		t.Fatalf("calls %d, err %v: want one call for all", calls.Load(), err)
	}

	boom := errors.New("boom")
	if err := m.do(context.Background(), "f", func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if err := m.do(context.Background(), "f", func() error { return nil }); err != nil {
		t.Fatalf("a failure was remembered: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	started, done := make(chan struct{}), make(chan error)
	go func() {
		done <- m.do(ctx, "c", func() error { close(started); <-ctx.Done(); return ctx.Err() })
	}()
	<-started
	waiter := make(chan error)
	go func() { waiter <- m.do(context.Background(), "c", func() error { return nil }) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("first: %v", err)
	}
	if err := <-waiter; err != nil {
		t.Fatalf("the waiter got the abandoned call's error: %v", err)
	}
}
