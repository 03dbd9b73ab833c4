package executor

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/runjob/runjob/pipeline"
)

// Engine runs containers. It is the only thing the scheduler knows about the
// container runtime; executor/docker implements it over the Docker Engine API
// and executor/fake implements it in memory for tests. Nothing in it is
// Docker-specific: another backend (Podman, containerd, Kubernetes pods)
// implements the same methods.
//
// Concurrency: all methods are safe for concurrent use; the scheduler calls
// them from many goroutines at once, for different containers and builds. Calls for one
// container are sequential (Create, Run, CopyFrom, Remove), except Stop,
// which the scheduler calls while Run is in progress to end it, and Remove,
// which may follow a Stop that did not return in time.
//
// Contexts: a cancelled ctx makes a call return promptly with ctx's error.
// The scheduler calls Create, Stop and Remove on contexts detached from the
// run's cancellation, so that a container is never created unseen or left
// behind when the user presses Ctrl-C.
//
// Errors: an error means the engine could not do what was asked. A container
// that ran and exited non-zero is not an error; it is an ExitStatus.
// Implementations wrap errors with what was tried and classify them with
// github.com/containerd/errdefs, which the scheduler relies on:
//   - cerrdefs.IsUnavailable: the engine itself is gone (daemon unreachable,
//     connection lost). The scheduler ends the run at once: every other
//     call would fail too.
//   - cerrdefs.IsNotFound: no such image, container or path.
//   - cerrdefs.IsUnauthorized / IsPermissionDenied: registry credentials
//     missing or refused.
//   - cerrdefs.IsConflict: a name already in use.
type Engine interface {
	// Ping checks that the engine answers. Called once before a run, so a
	// dead daemon is reported before any step is queued. The error names the
	// address that was tried.
	Ping(ctx context.Context) error

	// EnsureImage makes req.Image available according to req.Policy. The
	// scheduler calls it once per image and policy per run (steps sharing an
	// image wait for that one call), and concurrently for different images.
	// A missing image under PullNever is a NotFound error. When a pull
	// happens, req.Progress (if not nil) is called from the calling goroutine
	// with cumulative progress; it must not be called after EnsureImage
	// returns. Idempotent.
	EnsureImage(ctx context.Context, req ImageRequest) error

	// Create creates (but does not start) a container for spec and returns
	// its ID. The container carries spec.Labels and spec.Name. Not
	// idempotent: a second Create with the same name fails with a conflict.
	// If Create fails after the engine created the container (a timeout, a
	// lost connection), Remove(spec.Name) removes it.
	Create(ctx context.Context, spec *ContainerSpec) (id string, err error)

	// Run starts the created container and copies its stdout and stderr,
	// separately, to the given writers until the container's output ends,
	// then waits for it to exit and returns how it exited. No output is lost:
	// implementations attach before starting, and deliver a final line that
	// lacks a newline. Called at most once per container.
	//
	// When ctx is cancelled, Run returns promptly with ctx's error; stopping
	// the container is left to Stop and Remove. (The scheduler cancels Run's
	// ctx only after Stop, so that what a step prints while it shuts down is
	// still delivered.)
	Run(ctx context.Context, id string, stdout, stderr io.Writer) (ExitStatus, error)

	// Stop asks the container's main process to exit (SIGTERM, or the
	// image's stop signal), waits up to grace, then kills it, like `docker
	// stop -t`. When ctx ends first, Stop kills the container at once and
	// returns. Called while Run is in progress. Idempotent: a container that
	// is not running, or does not exist, is success.
	Stop(ctx context.Context, id string, grace time.Duration) error

	// CopyTo unpacks the tar stream content into the created, not yet
	// started, container at the absolute directory dir (as PUT
	// /containers/{id}/archive does): how step inputs get in. Called after
	// Create and before Run, once per input, from the step's goroutine. It
	// reads content to the end or fails; it never closes it.
	CopyTo(ctx context.Context, id, dir string, content io.Reader) error

	// CopyFrom returns a tar stream of path inside the (exited) container,
	// rooted at path's base name as GET /containers/{id}/archive is. The
	// caller closes it. A missing path is an error for which cerrdefs.IsNotFound
	// holds.
	CopyFrom(ctx context.Context, id, path string) (io.ReadCloser, error)

	// Remove kills the container if it still runs and removes it with its
	// anonymous volumes. id may also be the container's name. Idempotent: a
	// container that does not exist (never created, already removed) is
	// success. The scheduler calls it on a context that outlives the run's
	// cancellation, and retries it a few times when it fails.
	Remove(ctx context.Context, id string) error

	// Inspect returns the state of a container: whether it runs and, when
	// it has a health check, its health. The scheduler polls it while it
	// waits for a service to become ready.
	Inspect(ctx context.Context, id string) (ContainerState, error)

	// CreateNetwork creates a private bridge network that containers can
	// join (ContainerSpec.Network) and find each other on by alias. Called
	// once per run that has services; not idempotent (a second call with
	// the same name is a conflict).
	CreateNetwork(ctx context.Context, name string, labels map[string]string) (id string, err error)

	// RemoveNetwork removes the network. Called after every container on
	// it is removed, on a context detached from the run's cancellation.
	// Idempotent: a network that does not exist is success.
	RemoveNetwork(ctx context.Context, id string) error

	// Build builds an image from req.Context, a tar stream of the build
	// context with the Dockerfile in it, as POST /build does, and returns
	// the built image's ID (sha256 of its config), which carries
	// req.Labels. Called once per build node of a run, from that node's
	// worker goroutine; builds of different nodes run concurrently. It
	// reads Context to the end or fails; it never closes it. What the
	// builder prints (its steps, what RUN instructions write) goes to
	// req.Output as it arrives (a line may come in pieces); Build never
	// closes it.
	//
	// A build that ran and failed (an instruction exited non-zero, a
	// Dockerfile the builder rejects, a missing target stage or base
	// image) is a *BuildError: the node's failure, reported like a step's
	// non-zero exit. Any other error is the engine's, classified as for
	// every method. Not idempotent in effect (each call may leave an
	// image), but a repeated build is cheap: the engine's layer cache
	// serves unchanged instructions.
	Build(ctx context.Context, req BuildRequest) (imageID string, err error)

	// RemoveImage removes an image Build made, by ID, with its tags and
	// whatever Build stacked under it only to label it, but not the
	// untagged parent images of the Dockerfile's own instructions: they
	// are the engine's build cache, which makes the next build fast. Called when
	// the run ends, for every image it built without tags, after the
	// containers that used it are removed, on a context detached from the
	// run's cancellation. Idempotent: an image that does not exist is
	// success; one a container still uses is a conflict.
	RemoveImage(ctx context.Context, id string) error
}

// BuildRequest is one image build.
type BuildRequest struct {
	// Name is the build node's name (image.NAME), for messages.
	Name string
	// Context is the tar stream of the build context.
	Context io.Reader
	// Dockerfile is the Dockerfile's slash-separated path in Context.
	Dockerfile string
	// Args are the build arguments; Target the stage to build ("" = the
	// last one); Tags the names the image gets.
	Args   map[string]string
	Target string
	Tags   []string
	// Labels are put on the built image.
	Labels map[string]string
	// Output receives the builder's output, line by line.
	Output io.Writer
}

// BuildError is a build that ran and failed, as the builder reported it.
type BuildError struct {
	// Instruction is the Dockerfile instruction that failed, as the
	// builder announced it ("Step 2/4 : RUN make"), "" when it failed
	// before any.
	Instruction string
	// Msg is the builder's message; Code the failing command's exit code
	// (0 when it did not say).
	Msg  string
	Code int
}

func (e *BuildError) Error() string {
	if e.Instruction == "" {
		return "build failed: " + e.Msg
	}
	return fmt.Sprintf("build failed at %s: %s", e.Instruction, e.Msg)
}

// ContainerState is what Inspect reports.
type ContainerState struct {
	// Status is the engine's word for it: created, running, exited, dead...
	Status  string
	Running bool
	// ExitCode is set once it exited.
	ExitCode int
	// Health is "" without a health check, else starting, healthy or
	// unhealthy.
	Health string
	// Started is when it last started; zero if it never did or the
	// engine did not say.
	Started time.Time
}

// HealthCheck is a container's own readiness probe, as Docker's HEALTHCHECK.
type HealthCheck struct {
	// Command is run in the container (exec form); exit 0 means healthy.
	Command []string
	// Interval between probes, Timeout of one probe; 0 means the engine's
	// default.
	Interval, Timeout time.Duration
	// Retries is how many failed probes in a row make it unhealthy.
	Retries int
}

// ImageRequest asks for an image under a pull policy.
type ImageRequest struct {
	Image  string
	Policy pipeline.PullPolicy // "" means PullMissing
	// Progress receives pull progress; nil when nobody listens.
	Progress func(PullProgress)
}

// PullProgress is the cumulative progress of one image pull.
type PullProgress struct {
	// Layers is how many layers the image has (as far as known yet);
	// LayersDone how many are downloaded and extracted, or already present.
	Layers, LayersDone int
	// Bytes downloaded so far, of BytesTotal (0 while unknown).
	Bytes, BytesTotal int64
	// Done is set on the last report of a successful pull.
	Done bool
}

// ContainerSpec is everything needed to create a step's container. It is a
// pure description: building it never touches the engine.
type ContainerSpec struct {
	// Name is unique per run, e.g. runjob-<run-id>-<index>-<step>.
	Name       string
	Image      string
	Command    []string
	Entrypoint []string
	Env        map[string]string
	Workdir    string
	// User is user[:group] ("" = the image's).
	User   string
	Labels map[string]string
	// Memory limit in bytes and CPU limit in cores; 0 means unlimited. The
	// container gets no swap beyond Memory, so exceeding it is an OOM kill.
	Memory int64
	CPUs   float64
	// EngineLogs asks the engine to keep its own copy of the output, so
	// `docker logs` works. runjob reads output by attaching and keeps the
	// complete log itself, so by default the engine stores none: its
	// json-file driver is the bottleneck of a chatty step.
	EngineLogs bool
	// Network, when set, is the network the container joins instead of the
	// default one, reachable there under Aliases.
	Network string
	Aliases []string
	// NetworkMode NetworkNone gives the container loopback only (Network
	// is then empty); "" or NetworkBridge is the default or Network.
	NetworkMode pipeline.NetworkMode
	// Health overrides the image's health check (nil: the image's, if any).
	Health *HealthCheck
	// Mounts are named volumes (created with their Labels if missing) and
	// host directories mounted into the container.
	Mounts []Mount
	// Constraints restrict which nodes of a cluster engine may run the
	// container, in pipeline.ParseConstraint's syntax (every one must
	// hold); there, Memory and CPUs are also what the node must have free.
	// A single-host engine ignores them.
	Constraints []string
}

// Placer is an optional Engine capability, for a cluster engine that
// chooses a container's node before it creates it (Docker Swarm; a
// Kubernetes backend's pod scheduling would be another): a choice that
// may wait for a node with room for as long as the cluster is full. The
// scheduler calls Place before Create, with the spec Create will get, on
// the step's own context, so that an interrupt or the step's timeout ends
// the wait; Create, on its detached context as for every engine, then
// creates the container where Place chose. Engines that do not implement
// it choose in Create, or have one node.
//
// Place returns nil once a node is chosen and held for the container, or
// why none could be: an error for which cerrdefs.IsNotFound holds when no
// node can ever satisfy the spec (its constraints match no usable node),
// ctx's error when it ended first. A failed Place holds nothing. A held
// placement whose container is never created is released by
// Remove(spec.Name), which the scheduler calls after a failed Create as it
// always does. Safe for concurrent use; called once per container.
type Placer interface {
	Place(ctx context.Context, spec *ContainerSpec) error
}

// Mount is a volume or host directory in a container.
type Mount struct {
	// Volume names a named volume; when empty, Source is a host path
	// (a bind mount).
	Volume string
	Source string
	// Target is the absolute path in the container.
	Target   string
	ReadOnly bool
	// Labels are put on a volume the mount creates.
	Labels map[string]string
}

// ExitStatus is how a container's main process ended.
type ExitStatus struct {
	// Code is the process exit code; 137 when it was killed.
	Code int
	// OOMKilled is true when the kernel killed it for exceeding its memory limit.
	OOMKilled bool
	// ImageID identifies the exact image that ran (sha256 of its config),
	// when the engine reports it.
	ImageID string
	// Caveat, when set, is the engine's word on a kill it cannot explain,
	// e.g. that it never reports OOM kills (Podman); the step's error
	// carries it beside the exit code.
	Caveat string
}
