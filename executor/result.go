package executor

import (
	"time"

	"github.com/runjob/runjob/artifacts"
)

// Status is how a step ended. The values are stable: they appear in logs.
type Status string

// Step statuses.
const (
	// StatusPending: the step has not finished (only seen mid-run).
	StatusPending Status = "pending"
	// StatusOK: the container exited 0 and its artifacts were exported.
	StatusOK Status = "ok"
	// StatusReused: the step was not run: an earlier run (ReusedFrom) ran
	// it with the same key and succeeded, and its artifacts, outputs and
	// log were restored from the reuse store. It counts as ok.
	StatusReused Status = "reused"
	// StatusFailed: the container exited non-zero, or an artifact it
	// declared could not be exported.
	StatusFailed Status = "failed"
	// StatusTimeout: the step's timeout (or the pipeline's) expired and its
	// container was stopped. ExitCode is 124, as timeout(1) reports.
	StatusTimeout Status = "timeout"
	// StatusOOMKilled: the kernel killed the container for exceeding its
	// memory limit.
	StatusOOMKilled Status = "oom_killed"
	// StatusFailedAllowed: the step failed (non-zero exit, timeout or OOM;
	// Err says which) but has allow_failure set, so neither the pipeline
	// nor its dependents count it as a failure.
	StatusFailedAllowed Status = "failed_allowed"
	// StatusSkipped: the step never ran because its `when` was false, a
	// dependency did not succeed, or it runs on_failure and nothing it
	// depends on failed (Err says which).
	StatusSkipped Status = "skipped"
	// StatusCancelled: the run was interrupted, or fail-fast stopped it,
	// before or while the step ran (Err says which).
	StatusCancelled Status = "cancelled"
	// StatusError: the engine could not run it (pull, create or attach
	// failed, the daemon went away). This is runjob's or the engine's
	// problem, not the step's.
	StatusError Status = "error"
)

// Failed reports whether s counts as a failure of the pipeline: failed,
// timeout, oom_killed or error. Cancelled and skipped steps are
// consequences of a failure or an interruption, not failures themselves.
func (s Status) Failed() bool {
	switch s {
	case StatusFailed, StatusTimeout, StatusOOMKilled, StatusError:
		return true
	}
	return false
}

// succeeded reports whether dependents of a step with status s may run.
func (s Status) succeeded() bool { return s.Passed() || s == StatusFailedAllowed }

// Passed reports whether a step with status s did what it was to do, run
// (ok) or reused: its outputs and artifacts are there to use.
func (s Status) Passed() bool { return s == StatusOK || s == StatusReused }

// TimeoutExitCode is the exit code reported for a timed-out step.
const TimeoutExitCode = 124

// Result is the outcome of a whole run. A failed step is recorded here, not
// returned as an error.
type Result struct {
	RunID    string
	Pipeline string
	// Steps in declaration order.
	Steps    []*StepResult
	Started  time.Time
	Finished time.Time
	// Leftovers are containers runjob could not remove (the engine went
	// away, or refused); `runjob prune` removes them later.
	Leftovers []Leftover
}

// Leftover is a container that outlived its run.
type Leftover struct {
	Step, Container string
	Err             error
}

// StepResult is the outcome of one step: its last attempt's, with every
// attempt listed in Attempts.
type StepResult struct {
	Name   string
	Status Status
	// ExitCode of the container's main process; -1 when it did not exit;
	// 124 when it timed out.
	ExitCode  int
	OOMKilled bool
	// Err says why the step did not succeed (nil for ok). For skipped steps
	// it names the dependency that failed.
	Err error
	// Started and Finished bound the last attempt's container run; zero if
	// it never ran.
	Started   time.Time
	Finished  time.Time
	Artifacts []*ArtifactResult
	// Attempts lists every attempt that reached the engine, in order.
	Attempts []Attempt
	// Kept is the name of the container kept for debugging
	// (--keep-on-failure); "" when it was removed.
	Kept string
	// ImageID is the exact image the last attempt ran (sha256 of its
	// config), when the engine reported it.
	ImageID string
	// Outputs are the values the step wrote to $RUNJOB_OUTPUT, by key; read
	// only when it succeeded, nil otherwise or when it wrote none.
	Outputs map[string]string
	// ProcessesAtTimeout is the last attempt's: see Attempt.
	ProcessesAtTimeout []Process
	// ReusedFrom is the ID of the run whose result a reused step took
	// (StatusReused); "" for a step that ran.
	ReusedFrom string
}

// Attempt is one run of a step's container.
type Attempt struct {
	Number    int
	Status    Status
	ExitCode  int
	Err       error
	Container string
	Started   time.Time
	Finished  time.Time
	ImageID   string
	// ProcessesAtTimeout lists what ran in the container when a timeout
	// ended the attempt, before it was stopped; nil for any other end, or
	// when the engine could not say (see ProcessLister).
	ProcessesAtTimeout []Process
}

// Duration is how long the last attempt's container ran.
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
	// Manifest lists every path written, with size, mode and sha256;
	// ManifestFile is where it was saved, beside Dir.
	Manifest     artifacts.Manifest
	ManifestFile string
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

// OK reports whether the run succeeded: no step failed or was cancelled.
// Steps skipped because their `when` was false, and allowed failures, do
// not make a run fail.
func (r *Result) OK() bool {
	for _, s := range r.Steps {
		if s.Status.Failed() || s.Status == StatusCancelled || s.Status == StatusPending {
			return false
		}
	}
	return true
}
