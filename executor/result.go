package executor

import "time"

// Status is how a step ended. The values are stable: they appear in logs.
type Status string

// Step statuses.
const (
	// StatusPending: the step has not finished (only seen mid-run).
	StatusPending Status = "pending"
	// StatusOK: the container exited 0 and its artifacts were exported.
	StatusOK Status = "ok"
	// StatusFailed: the container exited non-zero, or an artifact it
	// declared could not be exported.
	StatusFailed Status = "failed"
	// StatusSkipped: a dependency did not succeed, so the step never ran.
	StatusSkipped Status = "skipped"
	// StatusCancelled: the run was interrupted before or while it ran.
	StatusCancelled Status = "cancelled"
	// StatusError: the engine could not run it (pull, create or attach
	// failed, the daemon went away). This is runjob's or the engine's
	// problem, not the step's.
	StatusError Status = "error"
)

// Result is the outcome of a whole run. A failed step is recorded here, not
// returned as an error.
type Result struct {
	RunID    string
	Pipeline string
	// Steps in declaration order.
	Steps    []*StepResult
	Started  time.Time
	Finished time.Time
}

// StepResult is the outcome of one step.
type StepResult struct {
	Name   string
	Status Status
	// ExitCode of the container's main process; -1 when it did not exit.
	ExitCode  int
	OOMKilled bool
	// Err says why the step did not succeed (nil for ok). For skipped steps
	// it names the dependency that failed.
	Err error
	// Started and Finished bound the container's run; zero if it never ran.
	Started   time.Time
	Finished  time.Time
	Artifacts []*ArtifactResult
}

// Duration is how long the container ran.
func (s *StepResult) Duration() time.Duration {
	if s.Started.IsZero() || s.Finished.IsZero() {
		return 0
	}
	return s.Finished.Sub(s.Started)
}

// ArtifactResult describes an exported artifact.
type ArtifactResult struct {
	Name string
	// Path inside the container.
	Path string
	// Dir is the host directory it was written to.
	Dir   string
	Files int
	Bytes int64
}

// Count returns how many steps ended with status s.
func (r *Result) Count(s Status) int {
	n := 0
	for _, st := range r.Steps {
		if st.Status == s {
			n++
		}
	}
	return n
}

// OK reports whether every step succeeded.
func (r *Result) OK() bool { return r.Count(StatusOK) == len(r.Steps) }
