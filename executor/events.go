package executor

import (
	"io"
	"time"
)

// EventKind names a lifecycle event. The values are stable: they are the
// "event" field of runjob's JSON log.
type EventKind string

// Lifecycle events, in the order a step sees them.
const (
	EventRunStarted       EventKind = "run_started"
	EventStepQueued       EventKind = "step_queued"
	EventImagePull        EventKind = "image_pull"
	EventImageReady       EventKind = "image_ready"
	EventStepStarted      EventKind = "step_started"
	EventStepTimeout      EventKind = "step_timeout"
	EventStepRetrying     EventKind = "step_retrying"
	EventArtifactExported EventKind = "artifact_exported"
	EventStepFinished     EventKind = "step_finished"
	EventRunFinished      EventKind = "run_finished"
)

// Event is a lifecycle event. Container output is not an event: it flows
// through Output, so a chatty step cannot slow lifecycle reporting down.
type Event struct {
	Kind EventKind
	Time time.Time
	// Step is set for step events, and for the events of a build node
	// (image.NAME), which gets step_queued, step_started and
	// step_finished as a step does.
	Step string
	// Node is NodeBuild for the events of a build node, "" for a step's.
	Node string
	// Image is set for step_queued, image_pull, image_ready and step_started.
	Image string
	// Container is the container name, set for step_started.
	Container string
	// Attempt numbers the step's attempts from 1; set for step_started,
	// step_retrying and step_finished.
	Attempt int
	// Pull is set for image_pull: progress of the pull step started.
	// image_pull events are throttled (about two a second per image), the
	// last one has Pull.Done set.
	Pull *PullProgress
	// Err is set for step_retrying (why the attempt failed) and
	// step_timeout (the *TimeoutError that expired).
	Err error
	// Delay is set for step_retrying: the wait before the next attempt.
	Delay time.Duration
	// Result is set for step_finished (the step's) and its fields are final.
	Result *StepResult
	// Artifact is set for artifact_exported.
	Artifact *ArtifactResult
	// Run is set for run_finished.
	Run *Result
	// Processes is set for step_timeout: what ran in the container when
	// the timeout expired, just before it was stopped (nil when the engine
	// cannot list processes, or the listing failed).
	Processes []Process
}

// Observer receives lifecycle events. The executor calls it from one
// goroutine at a time, so implementations need no locking; they must not
// block for long, since steps wait while it runs.
type Observer interface {
	Event(Event)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(Event)

// Event calls f(ev).
func (f ObserverFunc) Event(ev Event) { f(ev) }

// Output receives what steps' containers print.
type Output interface {
	// Open returns the writers a step's stdout and stderr are copied to.
	// It is called once per container, from that step's goroutine; writers
	// of different steps are used concurrently. The executor closes both
	// writers when the container's output has ended; Close must deliver any
	// final line that lacked a newline.
	Open(step string) (stdout, stderr io.WriteCloser)
}

// Stream names one of a container's output streams.
type Stream string

// The two streams a container writes. runjob never allocates a TTY, so they
// always arrive separately.
const (
	Stdout Stream = "stdout"
	Stderr Stream = "stderr"
)
