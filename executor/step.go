package executor

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/runjob/runjob/pipeline"
)

// runStep runs one step to completion in a worker goroutine, retrying a
// failed attempt in a fresh container as often as step.Retries allows, and
// returns its result. It owns the step's containers from creation to
// removal (or to --keep-on-failure).
func (s *schedule) runStep(ctx context.Context, i int, step *pipeline.Step) *StepResult {
	e := s.e
	if step.Build != nil {
		return s.runBuild(ctx, step)
	}
	r := &StepResult{Name: step.Name, Status: StatusPending, ExitCode: -1}
	defer s.discardPrepared(i) // unless its first attempt took it
	step, err := s.withOutputs(step)
	if err != nil {
		r.Status, r.Err = StatusFailed, err
		return r
	}
	if err = s.images.ensure(ctx, step); err != nil {
		r.Status, r.Err = StatusError, err
		if c := cause(ctx); c != nil {
			r.Status, r.Err = StatusCancelled, c
		}
		return r
	}
	e.emit(Event{Kind: EventImageReady, Step: step.Name, Image: step.Image})
	if reused := s.tryReuse(ctx, i, step); reused != nil {
		return reused
	}
	defer func() { s.commitSave(i, step, r) }()
	if err = s.services.need(ctx, step); err != nil {
		r.Status, r.Err = StatusFailed, err
		if c := cause(ctx); c != nil {
			r.Status, r.Err = StatusCancelled, c
		}
		return r
	}

	for n := 1; ; n++ {
		id, at := s.attempt(ctx, i, step, n)
		r.Attempts = append(r.Attempts, at)
		r.Status, r.Err, r.ExitCode = at.Status, at.Err, at.ExitCode
		r.Started, r.Finished, r.OOMKilled = at.Started, at.Finished, at.Status == StatusOOMKilled
		r.ImageID, r.ProcessesAtTimeout = at.ImageID, at.ProcessesAtTimeout
		if !retryable(at.Status) || n > step.Retries || ctx.Err() != nil {
			s.settle(ctx, i, r, step, id, at.Container)
			break
		}
		s.removeContainer(ctx, step.Name, id, at.Container)
		delay := e.retryDelay(n)
		e.emit(Event{Kind: EventStepRetrying, Step: step.Name, Attempt: n, Err: at.Err, Delay: delay})
		if err := sleep(ctx, delay); err != nil {
			r.Status, r.Err, r.ExitCode = StatusCancelled, err, -1
			break
		}
	}
	if step.AllowFailure && r.Status.Failed() && r.Status != StatusError {
		r.Err = fmt.Errorf("%s (allowed to fail): %w", r.Status, r.Err)
		r.Status = StatusFailedAllowed
	}
	return r
}

// settle ends a step's last attempt: reads its outputs (when it
// succeeded), exports its artifacts (by their `when`), then removes the
// container, or keeps it for debugging.
func (s *schedule) settle(ctx context.Context, i int, r *StepResult, step *pipeline.Step, id, name string) {
	if id == "" {
		return
	}
	s.collectOutputs(ctx, r, id)
	s.exportArtifacts(ctx, r, step, id, s.beginSave(i, r))
	if r.Status != StatusOK {
		r.Outputs = nil // an artifact failed it: its outputs are not to be used
	}
	if s.e.keepOnFailure && r.Status.Failed() && r.Status != StatusError {
		r.Kept = name
		return
	}
	// Off the critical path: dependents start while it goes; the run waits
	// for it before returning, so nothing is left when runjob exits.
	s.removals.Go(func() { s.removeContainer(ctx, step.Name, id, name) })
}

// retryable reports whether an attempt that ended with st may be retried:
// the step's own failures are, engine errors and cancellations are not.
func retryable(st Status) bool {
	return st == StatusFailed || st == StatusTimeout || st == StatusOOMKilled
}

// retryDelay is the wait after attempt n failed: backoff, doubled per
// attempt, capped.
func (e *Executor) retryDelay(n int) time.Duration {
	d := e.backoff
	for range n - 1 {
		if d >= e.backoffMax {
			break
		}
		d *= 2
	}
	return min(d, e.backoffMax)
}

// sleep waits d, or until ctx ends (then it returns why).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// containerSpec describes an attempt's container. It is the one place
// secret values enter: the env placeholders, secrets' and other steps'
// outputs', are resolved here in one pass. $RUNJOB_OUTPUT is set last, so
// the output file is where runjob reads it whatever env says.
func (e *Executor) containerSpec(index int, step *pipeline.Step, attempt int, runLabels map[string]string,
	outputs func(pipeline.StepOutput) (string, error)) (*ContainerSpec, error) {
	labels := maps.Clone(runLabels)
	labels[LabelStep] = step.Name
	env := maps.Clone(step.Env)
	if env == nil {
		env = map[string]string{}
	}
	for k, v := range env {
		r, err := pipeline.ResolveEnv(v, e.secrets, outputs)
		if err != nil {
			return nil, fmt.Errorf("env %s: %w", k, err)
		}
		env[k] = r
	}
	env[pipeline.OutputEnv] = OutputPath
	return &ContainerSpec{
		Name:        containerName(e.runID, index, step.Name, attempt),
		Image:       step.Image,
		Command:     step.Command,
		Entrypoint:  step.Entrypoint,
		Env:         env,
		Workdir:     step.Workdir,
		User:        step.User,
		Labels:      labels,
		Memory:      step.Resources.Memory,
		CPUs:        step.Resources.CPUs,
		Constraints: step.Placement.Constraints,

		EngineLogs: e.engineLogs,
		// The loader let no step on "none" need a service, so this never
		// meets a Network.
		NetworkMode: step.Network,
	}, nil
}
