package executor

import (
	"context"
	"fmt"
	"io"
	"maps"
	"time"

	"github.com/runjob/runjob/pipeline"
)

// serviceStartTimeout bounds the wait for a service to become ready when
// its health check never settles (a long start period, a probe that hangs).
const serviceStartTimeout = 5 * time.Minute

// servicePoll is how often a starting service's state is inspected.
const servicePoll = 200 * time.Millisecond

// serviceStopGrace bounds a service's time to exit after SIGTERM: its
// container and state are discarded right after, so a long graceful
// shutdown buys nothing (and many servers run as PID 1 ignore SIGTERM).
const serviceStopGrace = time.Second

// start pulls, creates and starts the service's container on the
// run's network, then waits until it is ready.
func (sv *services) start(ctx context.Context, sr *serviceRun) {
	defer close(sr.ready)
	e, svc := sv.e, sr.svc
	label := "svc:" + svc.Name
	if err := sv.images.ensure(ctx, &pipeline.Step{Name: label, Image: svc.Image}); err != nil {
		sr.err = fmt.Errorf("service %q: image %s: %w", svc.Name, svc.Image, err)
		return
	}
	netID, err := sv.network(ctx)
	if err != nil {
		sr.err = fmt.Errorf("service %q: %w", svc.Name, err)
		return
	}
	spec, err := sv.spec(svc, netID)
	if err != nil {
		sr.err = fmt.Errorf("service %q: %w", svc.Name, err)
		return
	}
	sr.name = spec.Name
	if err := sv.place(ctx, spec); err != nil {
		sr.err = fmt.Errorf("service %q: %w", svc.Name, err)
		return
	}
	cctx, cancel := sv.detached(ctx, cleanupTimeout)

	id, err := e.engine.Create(cctx, spec)
	cancel()
	if err != nil {
		sv.removeContainer(ctx, label, spec.Name, spec.Name)
		sr.err = fmt.Errorf("service %q: create container %s for image %s: %w", svc.Name, spec.Name, svc.Image, err)
		return
	}
	sr.id = id
	out, errw := e.output.Open(label)
	sr.stdout, sr.stderr = out, errw
	var runCtx context.Context
	runCtx, sr.cancelRun = context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		defer close(sr.runDone)
		sr.exit, _ = e.engine.Run(runCtx, id, io.MultiWriter(out, &sr.log), io.MultiWriter(errw, &sr.log))
	}()
	e.log.Info().Str("service", svc.Name).Str("container", spec.Name).Msg("service started")
	if err := sv.waitReady(ctx, sr); err != nil {
		sr.err = err
		return
	}
	e.log.Info().Str("service", svc.Name).Msg("service ready")
}

// spec describes the service's container: reachable by its name on
// the run's network, with its secrets resolved.
func (sv *services) spec(svc *pipeline.Service, netID string) (*ContainerSpec, error) {
	env := maps.Clone(svc.Env)
	for k, v := range env {
		r, err := pipeline.ResolveSecrets(v, sv.e.secrets)
		if err != nil {
			return nil, fmt.Errorf("env %s: %w", k, err)
		}
		env[k] = r
	}
	labels := maps.Clone(sv.labels)
	labels[LabelService] = svc.Name
	spec := &ContainerSpec{
		Name:    fmt.Sprintf("runjob-%s-svc-%s", sv.e.runID, safeName(svc.Name)),
		Image:   svc.Image,
		Command: svc.Command,
		Env:     env,
		Labels:  labels,
		Network: netID,
		Aliases: []string{svc.Name},
	}
	if h := svc.Health; h != nil {
		spec.Health = &HealthCheck{Command: h.Command, Interval: h.Interval, Timeout: h.Timeout, Retries: h.Retries}
	}
	return spec, nil
}

// waitReady polls the service until it is ready: healthy when it has a
// health check (its own block's, else the image's HEALTHCHECK), else
// running. Exiting, turning unhealthy or not settling within
// serviceStartTimeout is an error that shows the end of its log.
func (sv *services) waitReady(ctx context.Context, sr *serviceRun) error {
	deadline := time.Now().Add(serviceStartTimeout)
	t := time.NewTicker(servicePoll)
	defer t.Stop()
	for {
		st, err := sv.e.engine.Inspect(ctx, sr.id)
		switch {
		case ctx.Err() != nil:
			return context.Cause(ctx)
		case err != nil:
			return fmt.Errorf("service %q: %w", sr.svc.Name, err)
		case st.Running && (st.Health == "" || st.Health == "healthy"):
			return nil
		case st.Running && st.Health == "unhealthy":
			return sv.failed(sr, "never became healthy (its health check kept failing)")
		case !st.Running && st.Status != "created":
			<-sr.runDone // the log is complete once Run returned
			return sv.failed(sr, fmt.Sprintf("exited with code %d before it was ready", st.ExitCode))
		case time.Now().After(deadline):
			return sv.failed(sr, fmt.Sprintf("was not ready after %s (health: %s)", serviceStartTimeout, st.Health))
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// failed builds the error steps that need the service get, with
// the tail of its log (masked like everything runjob shows).
func (sv *services) failed(sr *serviceRun, why string) error {
	return fmt.Errorf("service %q %s; last lines of its log:\n%s", sr.svc.Name, why, sv.e.redact(sr.log.String()))
}

// stopService stops and removes the service's container, once, after it
// finished starting; its output is flushed before removal.
func (sv *services) stopService(sr *serviceRun) {
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
			stopped = sv.stopWithin(ctx, sr.id, min(sv.e.stopGrace, serviceStopGrace))
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
		sv.removeContainer(ctx, "svc:"+sr.svc.Name, sr.id, sr.name)
		sv.e.log.Info().Str("service", sr.svc.Name).Msg("service stopped")
	})
}
