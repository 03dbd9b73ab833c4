package executor

import (
	"context"
	"errors"

	"github.com/runjob/runjob/pipeline"
)

// errWhenFalse is why a step whose `when` is false did not run.
var errWhenFalse = errors.New("when is false")

// schedule is the state of one run: the DAG bookkeeping, composed with
// what the run's steps share (kit), the containers created ahead (ahead)
// and the services (services), each of which guards its own state. Only
// the coordinator goroutine (run) touches the scheduling fields; workers
// report through the done channel, which is buffered to the number of
// steps so a worker never blocks on a busy coordinator.
type schedule struct {
	*kit
	g        *pipeline.Graph
	res      *Result
	waiting  []int // unfinished dependencies per step; -1 once submitted
	finished int
	doneCh   chan done
	// cancel ends the run's context with a cause (fail-fast, engine gone).
	cancel    context.CancelCauseFunc
	failFast  bool
	engineErr *EngineError
	// lostCh carries the health watch's verdict to the coordinator.
	lostCh chan error

	ahead    *ahead
	services *services

	// The late steps' state (late.go): their context, the ancestors each
	// waits for, the late steps watching each step, and those due to be
	// decided.
	late       context.Context
	cancelLate context.CancelCauseFunc
	ancestors  [][]int
	watchers   [][]int
	due        []int

	outputs outputStore
	// readOutputs[i]: a step refers to step i's outputs (outputsRead).
	readOutputs []bool
	// reuse is nil when the run reuses nothing (WithReuse).
	reuse *reuseRun
}

func newSchedule(e *Executor, g *pipeline.Graph, res *Result, cancel context.CancelCauseFunc, failFast bool, concurrency int) *schedule {
	k := newKit(e, g.Pipeline().Name)
	return &schedule{
		kit: k, g: g, res: res, waiting: make([]int, g.Len()), doneCh: make(chan done, g.Len()),
		cancel: cancel, failFast: failFast, lostCh: make(chan error, 1),
		ahead: newAhead(concurrency), services: newServices(k, g), readOutputs: outputsRead(g),
		reuse: newReuseRun(e.reuse, g.Pipeline()),
	}
}

// run schedules every step and returns when the run is over and cleaned
// up: every worker returned, every container and the network removed (or
// recorded as left over).
func (s *schedule) run(ctx context.Context, concurrency int) {
	n := s.g.Len()
	defer s.markLost()
	defer s.startLate(ctx)()
	// Deferred first, so it runs last: after the workers, and after the
	// background removals of step containers, which must leave the run
	// network before it can be removed.
	defer s.services.stopAll()
	// After the containers, which may use the images.
	defer s.removeBuilt(ctx)
	defer s.removals.Wait()
	defer s.reuse.wait()
	defer s.discardAllPrepared()
	workers := newPool(concurrency)
	defer workers.Wait()
	if s.e.health > 0 {
		wctx, stopWatch := context.WithCancel(ctx)
		watching := make(chan struct{})
		go func() { defer close(watching); s.watch(wctx, s.e.health) }()
		defer func() { stopWatch(); <-watching }()
	}

	s.initWaiting()
	// Steps become ready in declaration order, so output order is stable.
	for i := range n {
		switch {
		case s.waiting[i] != 0 || s.res.Steps[i].Status != StatusPending:
		case s.isLate(i):
			s.decide(ctx, workers, i)
		default:
			s.submit(ctx, workers, i)
		}
	}
	s.decideDue(ctx, workers)
	cancelled := ctx.Done()
	for s.finished < n {
		select {
		case d := <-s.doneCh:
			s.finish(ctx, workers, d.index, d.result)
		case err := <-s.lostCh:
			s.engineLost(err)
		case <-cancelled:
			cancelled = nil
			s.cancelPending(ctx)
		}
		s.decideDue(ctx, workers)
	}
}

// cancelPending marks every step not yet submitted as cancelled: it will
// never start. Running steps see ctx themselves and report back. Late
// steps are left to be decided when their ancestors have finished.
func (s *schedule) cancelPending(ctx context.Context) {
	for i, r := range s.res.Steps {
		if s.waiting[i] >= 0 && r.Status == StatusPending && !s.isLate(i) {
			s.markDone(i, StatusCancelled, context.Cause(ctx))
		}
	}
}

// submit queues step i on the pool. waiting[i] becomes -1 so the step is
// known to be in flight. A step whose `when` is false is skipped instead,
// and so are its dependents. A late step runs on late (late.go).
func (s *schedule) submit(ctx context.Context, workers interface{ Go(func()) }, i int) {
	sctx := s.stepContext(ctx, i)
	if sctx.Err() != nil {
		s.markDone(i, StatusCancelled, context.Cause(sctx))
		return
	}
	step := s.g.Step(i)
	if step.Skip {
		s.skip(i, errWhenFalse)
		return
	}
	s.waiting[i] = -1
	s.e.emit(Event{Kind: EventStepQueued, Step: step.Name, Image: step.Image, Node: nodeOf(step)})
	workers.Go(func() {
		s.doneCh <- done{index: i, result: s.runStep(sctx, i, step)}
	})
	s.prepareAhead(ctx, i)
}

// finish records a worker's result, applies fail-fast and engine loss, and
// releases or skips the dependents.
func (s *schedule) finish(ctx context.Context, workers interface{ Go(func()) }, i int, r *StepResult) {
	s.res.Steps[i] = r
	s.outputs.record(r)
	s.finished++
	s.settled(i)
	s.services.release(s.g.Step(i))
	s.e.emit(Event{Kind: EventStepFinished, Step: r.Name, Attempt: len(r.Attempts), Result: r, Node: nodeOf(s.g.Step(i))})
	switch {
	case engineGone(r.Err):
		s.engineLost(r.Err)
	case r.Status.Failed() && s.failFast && ctx.Err() == nil:
		s.cancel(&FailFastError{Step: r.Name})
	}
	if ctx.Err() != nil {
		// Interrupted: what waits for this step was cancelled, not skipped,
		// whichever of the two news reached the coordinator first.
		s.cancelPending(ctx)
		return
	}
	for _, d := range s.g.Dependents(i) {
		if s.res.Steps[d].Status != StatusPending || s.waiting[d] < 0 || s.isLate(d) {
			continue
		}
		if !r.Status.succeeded() {
			s.skip(d, dependencyFailed(r.Name, r.Status))
			continue
		}
		if s.waiting[d]--; s.waiting[d] == 0 {
			s.submit(ctx, workers, d)
		}
	}
}

// skip marks step i and, transitively, everything waiting for it but the
// late steps.
func (s *schedule) skip(i int, why error) {
	s.markDone(i, StatusSkipped, why)
	for _, d := range s.g.Dependents(i) {
		if s.res.Steps[d].Status == StatusPending && s.waiting[d] >= 0 && !s.isLate(d) {
			s.skip(d, dependencyFailed(s.g.Step(i).Name, StatusSkipped))
		}
	}
}

// markDone finishes a step that never reached a worker.
func (s *schedule) markDone(i int, st Status, why error) {
	r := s.res.Steps[i]
	r.Status, r.Err = st, why
	s.outputs.record(r)
	s.discardPrepared(i)
	s.finished++
	s.settled(i)
	s.services.release(s.g.Step(i))
	s.e.emit(Event{Kind: EventStepFinished, Step: r.Name, Result: r, Node: nodeOf(s.g.Step(i))})
}

// nodeOf is Event.Node for step's events.
func nodeOf(step *pipeline.Step) string {
	if step.Build != nil {
		return NodeBuild
	}
	return ""
}
