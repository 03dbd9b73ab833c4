package executor

import (
	"context"
	"io"
)

// Engine runs containers. It is the only thing the scheduler knows about the
// container runtime; executor/docker implements it over the Docker Engine API
// and executor/fake implements it in memory for tests.
//
// All methods are safe for concurrent use: the scheduler calls them from many
// goroutines at once, for different containers. Calls for one container are
// never concurrent with each other, except Remove, which may be called while
// Run is in progress (to cancel it).
//
// Errors: an error means the engine could not do what was asked (daemon
// unreachable, image missing, name conflict). A container that ran and exited
// non-zero is not an error; it is an ExitStatus. Implementations wrap errors
// with what was tried, and classify them with github.com/containerd/errdefs
// (cerrdefs.IsNotFound and friends) so the scheduler never matches message
// text.
type Engine interface {
	// Ping checks that the engine answers. Called once before a run, so a
	// dead daemon is reported before any step is queued. The error names the
	// address that was tried.
	Ping(ctx context.Context) error

	// EnsureImage makes image available locally, pulling it if it is missing.
	// Called before Create for each step; it may be called concurrently for
	// the same image and must then pull at most once. Idempotent.
	EnsureImage(ctx context.Context, image string) error

	// Create creates (but does not start) a container for spec and returns
	// its ID. The container carries spec.Labels and spec.Name. Not idempotent:
	// a second Create with the same name fails with a conflict.
	Create(ctx context.Context, spec *ContainerSpec) (id string, err error)

	// Run starts the created container and copies its stdout and stderr,
	// separately, to the given writers until the container's output ends,
	// then waits for it to exit and returns how it exited. No output is lost:
	// implementations attach before starting, and deliver a final line that
	// lacks a newline. Called at most once per container.
	//
	// When ctx is cancelled, Run returns promptly with ctx's error; stopping
	// the container is left to Remove.
	Run(ctx context.Context, id string, stdout, stderr io.Writer) (ExitStatus, error)

	// CopyFrom returns a tar stream of path inside the (exited) container,
	// rooted at path's base name as GET /containers/{id}/archive is. The
	// caller closes it. A missing path is an error for which cerrdefs.IsNotFound
	// holds.
	CopyFrom(ctx context.Context, id, path string) (io.ReadCloser, error)

	// Remove kills the container if it still runs and removes it with its
	// anonymous volumes. Idempotent: a container that does not exist (never
	// created, already removed) is success. The scheduler calls it on a
	// context that outlives the run's cancellation.
	Remove(ctx context.Context, id string) error
}

// ContainerSpec is everything needed to create a step's container. It is a
// pure description: building it never touches the engine.
type ContainerSpec struct {
	// Name is unique per run, e.g. runjob-<run-id>-<step>.
	Name       string
	Image      string
	Command    []string
	Env        map[string]string
	Workdir    string
	Labels     map[string]string
	Entrypoint []string
}

// ExitStatus is how a container's main process ended.
type ExitStatus struct {
	// Code is the process exit code; 137 when it was killed.
	Code int
	// OOMKilled is true when the kernel killed it for exceeding its memory limit.
	OOMKilled bool
}
