package executor

import (
	"context"

	"github.com/runjob/runjob/pipeline"
)

// Creating a container costs a round trip or two to the engine. A step
// whose dependencies are all running or done will run next unless one of
// them fails, so its image is made ready and its container created while
// they run: when they finish, only copying its inputs and `start` remain on
// the critical path. A chain of N steps then costs less than N `docker run`s.
//
// A prepared container is the step's first attempt's container, with the
// same name and spec as attempt would create. It is consumed by that
// attempt, or removed when the step never runs (a dependency failed, the
// run was cancelled). Steps that need services or caches are not prepared:
// their container's network exists only once the services start, and a
// cache is locked for the life of the container that mounts it.

// prepareAhead is called by the coordinator when step i is submitted: it
// prepares every dependent of i that can now only wait for running steps.
func (s *schedule) prepareAhead(ctx context.Context, i int) {
	for _, d := range s.g.Dependents(i) {
		if s.preparable(d) {
			s.prepare(ctx, d)
		}
	}
}

// preparable reports whether step d is still to be submitted, may be
// prepared, and has every dependency submitted and not failed. A step that
// refers to outputs waits for the steps that write them to finish: its
// container is built with their values.
func (s *schedule) preparable(d int) bool {
	step := s.g.Step(d)
	if s.waiting[d] < 0 || s.res.Steps[d].Status != StatusPending || step.Skip || s.isLate(d) || step.Build != nil ||
		len(step.Services) > 0 || len(step.Caches) > 0 {
		return false
	}
	for _, dep := range s.g.Deps(d) {
		st := s.res.Steps[dep].Status
		if s.waiting[dep] >= 0 || (st != StatusPending && !st.succeeded()) {
			return false
		}
		if s.g.Step(dep).Build != nil && !st.succeeded() {
			return false // its image does not exist yet
		}
	}
	// A reusable step is prepared only once its key is known and missed
	// (prepareReusable): a hit creates nothing.
	return !s.ahead.has(d) && s.outputsReady(d) && (!s.reusing(d) || s.inputsReady(d))
}

// prepare creates step d's first container in the background, bounded by
// the run's concurrency so a wide fan-out does not flood the engine.
func (s *schedule) prepare(ctx context.Context, d int) {
	step := s.g.Step(d)
	s.ahead.start(ctx, d, func(ctx context.Context) (string, string, error) {
		if s.images.ensure(ctx, step) != nil || ctx.Err() != nil {
			return "", "", nil // the step's own attempt reports it
		}
		resolved, err := s.withOutputs(step)
		if err != nil {
			return "", "", nil // the step's attempt fails with it
		}
		if s.reusing(d) && !s.missAhead(ctx, d, resolved) {
			return "", "", nil // a hit, or not known: the step's turn decides
		}
		spec, err := s.spec(d, resolved, 1)
		if err != nil || s.place(ctx, spec) != nil {
			return "", "", nil
		}
		cctx, cancel := s.detached(ctx, createTimeout)
		defer cancel()
		id, err := s.e.engine.Create(cctx, spec)
		if err != nil {
			// The attempt reuses the name, so it must be free.
			s.createFailed(ctx, step.Name, spec.Name, err)
			if engineGone(err) {
				return "", "", err
			}
			return "", "", nil
		}
		return id, spec.Name, nil
	})
}

// discardPrepared removes step i's prepared container, if it was not used,
// off the critical path.
func (s *schedule) discardPrepared(i int) {
	p := s.ahead.drop(i)
	if p == nil {
		return
	}
	name := s.g.Step(i).Name
	p.cancel() // a placement still waiting for a node gives up
	s.removals.Go(func() {
		if id, cname := p.wait(); id != "" {
			s.removeContainer(context.Background(), name, id, cname)
		}
	})
}

// discardAllPrepared is the end of run's sweep: nothing prepared survives it.
func (s *schedule) discardAllPrepared() {
	s.ahead.wait()
	for i := range s.g.Len() {
		s.discardPrepared(i)
	}
}

// spec describes attempt n's container of step i, with its network and
// mounts.
func (s *schedule) spec(i int, step *pipeline.Step, n int) (*ContainerSpec, error) {
	spec, err := s.e.containerSpec(i, step, n, s.labels, s.outputs.lookup(step.Name))
	if err != nil {
		return nil, err
	}
	if !s.readOutputs[i] {
		spec.Env[pipeline.OutputEnv] = DiscardedOutputPath
	}
	// The build node finished before the step was submitted (or prepared:
	// see preparable), so the ID is known; it is the run's very image.
	if spec.Image, err = s.built.resolve(step.Image); err != nil {
		return nil, err
	}
	if len(step.Services) > 0 {
		spec.Network = s.services.networkID() // set by their start, which came first
	}
	spec.Mounts = append(spec.Mounts, s.e.cacheMounts(s.g.Pipeline().Name, step)...)
	for _, m := range step.Mounts {
		spec.Mounts = append(spec.Mounts, Mount{Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly})
	}
	return spec, nil
}
