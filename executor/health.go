package executor

import (
	"context"
	"fmt"
	"time"
)

// lostCleanupTimeout bounds the one removal attempt per container once the
// engine is known to be gone: it will most likely fail, and the run must
// end within seconds, with the container reported for `runjob prune`.
const lostCleanupTimeout = 3 * time.Second

// watch pings the engine every interval while the run lasts. A daemon that
// dies usually closes its connections, and the calls in flight fail at
// once; one on another host that vanishes (a black-holed TCP connection)
// leaves them hanging instead. Two failed pings in a row declare the engine
// lost, which ends the run.
func (s *schedule) watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, interval)
		err := s.e.engine.Ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			failures = 0
			continue
		}
		if failures++; failures >= 2 {
			s.lostCh <- fmt.Errorf("the engine did not answer two pings %s apart: %w", interval, err)
			return
		}
	}
}

// engineLost records that the engine is gone and ends the run: steps not
// started are cancelled, running ones are abandoned (stopping them would
// only hang), and cleanup makes one short attempt per container.
func (s *schedule) engineLost(err error) {
	if s.engineErr != nil {
		return
	}
	s.engineErr = &EngineError{Err: err}
	s.markLost()
	s.cancel(s.engineErr)
	s.cancelLate(s.engineErr)
}
