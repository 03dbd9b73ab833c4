package executor

import (
	"context"
	"fmt"
	"time"
)

// serviceStopGrace bounds a service's time to exit after SIGTERM: its
// container and state are discarded right after, so a long graceful
// shutdown buys nothing (and many servers run as PID 1 ignore SIGTERM).
const serviceStopGrace = time.Second

// waitReady polls the service until it is ready: healthy when it has a
// health check (its own block's, else the image's HEALTHCHECK), else
// running. Exiting, turning unhealthy or not settling within
// serviceStartTimeout is an error that shows the end of its log.
func (s *schedule) waitReady(ctx context.Context, sr *serviceRun) error {
	deadline := time.Now().Add(serviceStartTimeout)
	t := time.NewTicker(servicePoll)
	defer t.Stop()
	for {
		st, err := s.e.engine.Inspect(ctx, sr.id)
		switch {
		case ctx.Err() != nil:
			return context.Cause(ctx)
		case err != nil:
			return fmt.Errorf("service %q: %w", sr.svc.Name, err)
		case st.Running && (st.Health == "" || st.Health == "healthy"):
			return nil
		case st.Running && st.Health == "unhealthy":
			return s.serviceFailed(sr, "never became healthy (its health check kept failing)")
		case !st.Running && st.Status != "created":
			<-sr.runDone // the log is complete once Run returned
			return s.serviceFailed(sr, fmt.Sprintf("exited with code %d before it was ready", st.ExitCode))
		case time.Now().After(deadline):
			return s.serviceFailed(sr, fmt.Sprintf("was not ready after %s (health: %s)", serviceStartTimeout, st.Health))
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// serviceFailed builds the error steps that need the service get, with
// the tail of its log (masked like everything runjob shows).
func (s *schedule) serviceFailed(sr *serviceRun, why string) error {
	return fmt.Errorf("service %q %s; last lines of its log:\n%s", sr.svc.Name, why, s.e.redact(sr.log.String()))
}

// stopService stops and removes the service's container, once, after it
// finished starting; its output is flushed before removal.
func (s *schedule) stopService(sr *serviceRun) {
	sr.stopOnce.Do(func() {
		stopped := false
		sr.startOnce.Do(func() { close(sr.ready) }) // never needed: nothing to stop
		<-sr.ready
		if sr.id == "" {
			return
		}
		ctx := context.Background()
		select {
		case <-sr.runDone:
		default:
			stopped = s.stopWithin(ctx, sr.id, min(s.e.stopGrace, serviceStopGrace))
		}
		if stopped {
			select {
			case <-sr.runDone:
			case <-time.After(drainTimeout):
			}
		}
		sr.cancelRun()
		<-sr.runDone
		_ = sr.stdout.Close()
		_ = sr.stderr.Close()
		s.removeContainer(ctx, "svc:"+sr.svc.Name, sr.id, sr.name)
		s.e.log.Info().Str("service", sr.svc.Name).Msg("service stopped")
	})
}

// stopServices stops what is still running at the end of the run (after
// an interruption, a failure that skipped the last users), then removes
// the run's network.
func (s *schedule) stopServices() {
	for _, sr := range s.services {
		s.svcWG.Go(func() { s.stopService(sr) })
	}
	s.svcWG.Wait()
	if s.netID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if err := s.e.engine.RemoveNetwork(ctx, s.netID); err != nil {
		s.e.log.Warn().Err(err).Str("network", s.netName()).Msg("could not remove network")
		s.leftover("", "network "+s.netName(), err)
	}
}

// network creates the run's network on first use: only runs with services
// have one. Its name is unique per run and it carries the run's labels, so
// prune finds it if runjob dies.
func (s *schedule) network(ctx context.Context) (string, error) {
	s.netOnce.Do(func() {
		cctx, cancel := s.detached(ctx, cleanupTimeout)
		defer cancel()
		s.netID, s.netErr = s.e.engine.CreateNetwork(cctx, s.netName(), s.labels)
		if s.netErr != nil {
			s.netErr = fmt.Errorf("create network: %w", s.netErr)
		}
	})
	return s.netID, s.netErr
}

func (s *schedule) netName() string { return "runjob-" + s.e.runID }
