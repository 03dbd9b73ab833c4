package executor

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/runjob/runjob/pipeline"
)

// services are one run's services and the network they share with the
// steps that need them.
//
// Workers call need, concurrently: a service starts once, for the first
// step that needs it, and the others wait for it or for their own context.
// The coordinator calls release as each step ends, and a service stops in
// the background once its last user is done. The run calls stopAll once,
// after its workers and removals: it stops what is still running (after an
// interruption, or when a failure skipped the last users) and removes the
// network. Containers and the network are created, stopped and removed on
// contexts detached from the run's, so an interrupted run still cleans up.
//
// There is no mutex: the set is fixed at construction, each service starts
// and stops under its own sync.Once, the network is created under netOnce,
// and the user counts belong to the coordinator.
type services struct {
	*kit
	byName map[string]*serviceRun
	stops  sync.WaitGroup // the stops in flight
	// The network is created once, by the first service that starts.
	netOnce sync.Once
	netID   string
	netErr  error
}

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

// newServices counts, per service, the steps that need it. Every step
// ends exactly once (finish or markDone), and each end releases its
// services, so a service stops as soon as its last user is done.
func newServices(k *kit, g *pipeline.Graph) *services {
	sv := &services{kit: k, byName: map[string]*serviceRun{}}
	for _, svc := range g.Pipeline().Services {
		sv.byName[svc.Name] = &serviceRun{svc: svc, ready: make(chan struct{}), runDone: make(chan struct{})}
	}
	for i := range g.Len() {
		for _, name := range g.Step(i).Services {
			if sr := sv.byName[name]; sr != nil {
				sr.users++
			}
		}
	}
	return sv
}

// release is called by the coordinator when step ended.
func (sv *services) release(step *pipeline.Step) {
	for _, name := range step.Services {
		sr := sv.byName[name]
		if sr == nil {
			continue
		}
		if sr.users--; sr.users == 0 {
			sv.stops.Go(func() { sv.stopService(sr) })
		}
	}
}

// need starts (or waits for) every service the step needs. The error says
// which service failed and how its log ended.
func (sv *services) need(ctx context.Context, step *pipeline.Step) error {
	for _, name := range step.Services {
		sr := sv.byName[name]
		if sr == nil {
			return fmt.Errorf("service %q is not declared", name)
		}
		sr.startOnce.Do(func() { sv.start(ctx, sr) })
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
			return sv.failed(sr, fmt.Sprintf("exited with code %d", sr.exit.Code))
		default:
		}
	}
	return nil
}

// stopAll stops what is still running at the end of the run, then removes
// the run's network.
func (sv *services) stopAll() {
	for _, sr := range sv.byName {
		sv.stops.Go(func() { sv.stopService(sr) })
	}
	sv.stops.Wait()
	if sv.netID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if err := sv.e.engine.RemoveNetwork(ctx, sv.netID); err != nil {
		sv.e.log.Warn().Err(err).Str("network", sv.netName()).Msg("could not remove network")
		sv.leftover("", "network "+sv.netName(), err)
	}
}

// network creates the run's network on first use: only runs with services
// have one. Its name is unique per run and it carries the run's labels, so
// prune finds it if runjob dies.
func (sv *services) network(ctx context.Context) (string, error) {
	sv.netOnce.Do(func() {
		cctx, cancel := sv.detached(ctx, cleanupTimeout)
		defer cancel()
		sv.netID, sv.netErr = sv.e.engine.CreateNetwork(cctx, sv.netName(), sv.labels)
		if sv.netErr != nil {
			sv.netErr = fmt.Errorf("create network: %w", sv.netErr)
		}
	})
	return sv.netID, sv.netErr
}

// networkID is the run's network, for a step whose need has returned.
func (sv *services) networkID() string { return sv.netID }

func (sv *services) netName() string { return "runjob-" + sv.e.runID }
