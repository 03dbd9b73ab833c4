package main

import (
	"context"
	"sync"
	"time"
)

// watchdog probes the engine while tests run. When the probe has hung
// twice in a row it reads the daemon's goroutines, and restarts the daemon
// only when they show the known libnetwork deadlock (dump.go): any other
// hang is left for the tests to report, as a failure.
type watchdog struct {
	probe   func(context.Context) error
	dump    func() (path, text string, err error)
	restart func() error
	logf    func(format string, args ...any)

	interval, timeout time.Duration
	maxRestarts       int

	mu          sync.Mutex
	restarts    int
	lastUnknown time.Time  // when a hang was last found not to be the deadlock
	diagnosis   sync.Mutex // one diagnosis at a time: the loop's or settle's
}

// hung runs the probe twice (each bounded by w.timeout) and reports
// whether neither answered.
func (w *watchdog) hung(ctx context.Context) bool {
	for i := 0; i < 2; i++ {
		pctx, cancel := context.WithTimeout(ctx, w.timeout)
		err := w.probe(pctx)
		cancel()
		if err == nil || ctx.Err() != nil {
			return false
		}
	}
	return true
}

// run watches until ctx ends.
func (w *watchdog) run(ctx context.Context) {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if w.hung(ctx) {
				w.diagnose()
			}
		}
	}
}

// settle checks once more, at once: a deadlock in a round's last minute
// may not have been seen by the loop yet.
func (w *watchdog) settle(ctx context.Context) {
	if w.hung(ctx) {
		w.diagnose()
	}
}

// count is how many times the daemon has been restarted so far.
func (w *watchdog) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.restarts
}

func (w *watchdog) diagnose() {
	w.diagnosis.Lock()
	defer w.diagnosis.Unlock()
	w.mu.Lock()
	// An unknown hang is dumped once every 5 minutes, not at every tick.
	recent := time.Since(w.lastUnknown) < 5*time.Minute
	spent := w.restarts >= w.maxRestarts
	w.mu.Unlock()
	if recent || spent {
		return
	}
	w.logf("the engine lists no networks within %s, twice: reading its goroutines", w.timeout)
	path, text, err := w.dump()
	evidence, ok := knownDeadlock(text)
	if err != nil || !ok {
		w.mu.Lock()
		w.lastUnknown = time.Now()
		w.mu.Unlock()
		if err != nil {
			w.logf("could not read the engine's goroutines: %v; leaving it as it is", err)
		} else {
			w.logf("the engine is stuck, but not in the known libnetwork deadlock (goroutines: %s); leaving it as it is", path)
		}
		return
	}
	w.logf("the engine is in Docker 20.10's libnetwork deadlock (moby/moby#42545): %s (goroutines: %s); restarting it", evidence, path)
	if err := w.restart(); err != nil {
		w.logf("restarting the engine failed: %v", err)
		return
	}
	w.mu.Lock()
	w.restarts++
	w.mu.Unlock()
	w.logf("the engine was restarted (%d of at most %d)", w.count(), w.maxRestarts)
}
