package executor

import (
	"context"
	"fmt"
	"io"
	"maps"
	"sync"
	"time"

	"github.com/runjob/runjob/pipeline"
)

// serviceStartTimeout bounds the wait for a service to become ready when
// its health check never settles (a long start period, a probe that hangs).
const serviceStartTimeout = 5 * time.Minute

// servicePoll is how often a starting service's state is inspected.
const servicePoll = 200 * time.Millisecond

// serviceRun is one service of a run. The first step that needs it starts
// it; the others wait on ready. users is owned by the coordinator.
type serviceRun struct {
	svc   *pipeline.Service
	users int

	startOnce sync.Once
	ready     chan struct{} // closed when started (err nil) or failed
	err       error
	id, name  string

	stopOnce  sync.Once
	runDone   chan struct{} // closed when the engine's Run returned
	exit      ExitStatus
	cancelRun context.CancelFunc
	log       tail
	stdout    io.WriteCloser
	stderr    io.WriteCloser
}

// initServices counts, per service, the steps that need it. Every step
// ends exactly once (finish or markDone), and each end releases its
// services, so a service stops as soon as its last user is done.
func (s *schedule) initServices() {
	s.services = map[string]*serviceRun{}
	for _, svc := range s.g.Pipeline().Services {
		s.services[svc.Name] = &serviceRun{svc: svc, ready: make(chan struct{}), runDone: make(chan struct{})}
	}
	for i := range s.g.Len() {
		for _, name := range s.g.Step(i).Services {
			if sr := s.services[name]; sr != nil {
				sr.users++
			}
		}
	}
}

// release is called by the coordinator when step i ended.
func (s *schedule) release(i int) {
	for _, name := range s.g.Step(i).Services {
		sr := s.services[name]
		if sr == nil {
			continue
		}
		if sr.users--; sr.users == 0 {
			s.svcWG.Go(func() { s.stopService(sr) })
		}
	}
}

// needServices starts (or waits for) every service the step needs. The
// error says which service failed and how its log ended.
func (s *schedule) needServices(ctx context.Context, step *pipeline.Step) error {
	for _, name := range step.Services {
		sr := s.services[name]
		if sr == nil {
			return fmt.Errorf("service %q is not declared", name)
		}
		sr.startOnce.Do(func() { s.startService(ctx, sr) })
		select {
		case <-sr.ready:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		if sr.err != nil {
			return sr.err
		}
		select {
		case <-sr.runDone: // it was ready once, but is gone now
			return s.serviceFailed(sr, fmt.Sprintf("exited with code %d", sr.exit.Code))
		default:
		}
	}
	return nil
}

// startService pulls, creates and starts the service's container on the
// run's network, then waits until it is ready.
func (s *schedule) startService(ctx context.Context, sr *serviceRun) {
	defer close(sr.ready)
	e, svc := s.e, sr.svc
	label := "svc:" + svc.Name
	if err := s.ensureImage(ctx, &pipeline.Step{Name: label, Image: svc.Image}); err != nil {
		sr.err = fmt.Errorf("service %q: image %s: %w", svc.Name, svc.Image, err)
		return
	}
	netID, err := s.network(ctx)
	if err != nil {
		sr.err = fmt.Errorf("service %q: %w", svc.Name, err)
		return
	}
	spec, err := s.serviceSpec(svc, netID)
	if err != nil {
		sr.err = fmt.Errorf("service %q: %w", svc.Name, err)
		return
	}
	sr.name = spec.Name
	cctx, cancel := s.detached(ctx, cleanupTimeout)
	id, err := e.engine.Create(cctx, spec)
	cancel()
	if err != nil {
		s.removeContainer(ctx, label, spec.Name, spec.Name)
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
	if err := s.waitReady(ctx, sr); err != nil {
		sr.err = err
		return
	}
	e.log.Info().Str("service", svc.Name).Msg("service ready")
}

// serviceSpec describes the service's container: reachable by its name on
// the run's network, with its secrets resolved.
func (s *schedule) serviceSpec(svc *pipeline.Service, netID string) (*ContainerSpec, error) {
	env := maps.Clone(svc.Env)
	for k, v := range env {
		r, err := pipeline.ResolveSecrets(v, s.e.secrets)
		if err != nil {
			return nil, fmt.Errorf("env %s: %w", k, err)
		}
		env[k] = r
	}
	labels := maps.Clone(s.labels)
	labels[LabelService] = svc.Name
	spec := &ContainerSpec{
		Name:    fmt.Sprintf("runjob-%s-svc-%s", s.e.runID, safeName(svc.Name)),
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
