package executor

import (
	"cmp"
	"context"
	"errors"

	"github.com/runjob/runjob/pipeline"
)

// Late steps are those whose `when` is on_failure or always: they may run
// after something failed, so they are decided only once every step they
// depend on, directly or transitively, has finished (not when their direct
// dependencies have: a cleanup must not start while a deploy it tears down
// still runs on another branch). Their waiting count is the number of
// unfinished ancestors, and watchers says whose end each one waits for.
//
// They run on their own context, late: a failure under fail-fast, the
// first interrupt and the pipeline's timeout cancel the run's context but
// not theirs, so a cleanup still runs after any of them, bounded by its own
// timeout. The second interrupt (the force context) and the engine's loss
// end late too: then late steps not started are cancelled and running ones
// are killed.

// errNoDependencyFailed is why an on_failure step did not run.
var errNoDependencyFailed = errors.New("no dependency failed")

// errForced is late's cause when the force context ended while the run's
// context still lived (only a caller other than the CLI does that).
var errForced = errors.New("killed by a second interrupt")

// isLate reports whether step i is decided after its ancestors finished.
func (s *schedule) isLate(i int) bool {
	st := s.g.Step(i)
	return !st.Skip && st.When.AfterFailure()
}

// initWaiting sets how many dependencies (ancestors, for a late step)
// each step waits for, and who watches whom.
func (s *schedule) initWaiting() {
	n := s.g.Len()
	s.ancestors = make([][]int, n)
	s.watchers = make([][]int, n)
	for i := range n {
		if !s.isLate(i) {
			s.waiting[i] = len(s.g.Deps(i))
			continue
		}
		s.ancestors[i] = s.g.Ancestors(i)
		s.waiting[i] = len(s.ancestors[i])
		for _, a := range s.ancestors[i] {
			s.watchers[a] = append(s.watchers[a], i)
		}
	}
}

// startLate makes the late steps' context from the run's. The returned
// function releases it.
func (s *schedule) startLate(ctx context.Context) func() {
	s.late, s.cancelLate = context.WithCancelCause(context.WithoutCancel(ctx))
	unhook := context.AfterFunc(s.e.force, func() { s.cancelLate(cmp.Or(cause(ctx), errForced)) })
	return func() { unhook(); s.cancelLate(nil) }
}

// settled is called once per step as it ends: a late step whose last
// ancestor it was becomes due.
func (s *schedule) settled(j int) {
	for _, c := range s.watchers[j] {
		if s.waiting[c] > 0 {
			if s.waiting[c]--; s.waiting[c] == 0 {
				s.due = append(s.due, c)
			}
		}
	}
}

// decideDue decides every due late step, and those its decisions make due.
func (s *schedule) decideDue(ctx context.Context, workers interface{ Go(func()) }) {
	for len(s.due) > 0 {
		c := s.due[0]
		s.due = s.due[1:]
		if s.waiting[c] == 0 && s.res.Steps[c].Status == StatusPending {
			s.decide(ctx, workers, c)
		}
	}
}

// decide runs late step c, or skips an on_failure step when nothing it
// depends on failed; its dependents then follow the usual rules on c's own
// status.
func (s *schedule) decide(ctx context.Context, workers interface{ Go(func()) }, c int) {
	if s.g.Step(c).When == pipeline.WhenOnFailure && !s.anyFailed(c) {
		s.skip(c, errNoDependencyFailed)
		return
	}
	s.submit(ctx, workers, c)
}

// anyFailed reports whether a step late step c depends on failed, timed
// out, was OOM-killed or met an engine error. An allowed failure does not
// count, as in GitLab CI.
func (s *schedule) anyFailed(c int) bool {
	for _, a := range s.ancestors[c] {
		if s.res.Steps[a].Status.Failed() {
			return true
		}
	}
	return false
}

// stepContext is the context step i runs on: late's for a late step.
func (s *schedule) stepContext(ctx context.Context, i int) context.Context {
	if s.isLate(i) {
		return s.late
	}
	return ctx
}
