package housekeeping

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A second holder waits until the first unlocks; a wait ends with ctx's
// cause; taking the lock records a use.
func TestCacheLockSerializesAndRecordsUse(t *testing.T) {
	locks := CacheLocks{Dir: t.TempDir()}
	if !locks.LastUse("v").IsZero() {
		t.Fatal("a cache never used has a last use")
	}
	before := time.Now().Add(-time.Second)
	unlock, err := locks.Lock(context.Background(), "v")
	if err != nil {
		t.Fatal(err)
	}
	if locks.LastUse("v").Before(before) {
		t.Errorf("last use %v, want after %v", locks.LastUse("v"), before)
	}
	stop := errors.New("given up")
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(3*cacheLockPoll, func() { cancel(stop) })
	if _, err := locks.Lock(ctx, "v"); !errors.Is(err, stop) {
		t.Fatalf("second lock while held = %v, want the cause %v", err, stop)
	}
	got := make(chan error, 1)
	go func() {
		u, err := locks.Lock(context.Background(), "v")
		if err == nil {
			u()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second lock did not wait: %v", err)
	case <-time.After(2 * cacheLockPoll):
	}
	unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("second lock not taken after unlock")
	}
}
