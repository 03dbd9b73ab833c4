// Package fake is a scripted, in-memory executor.Engine for scheduler and
// fault-injection tests. Each step's behaviour is scripted by step name; the
// engine records what happened (calls, peak concurrency, start and end
// times) so tests can assert on scheduling without a Docker daemon.
package fake

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
)

// Script is how one step's container behaves.
type Script struct {
	Stdout, Stderr string
	Exit           int
	OOMKilled      bool
	// Sleep is how long the container "runs" (it honours cancellation).
	Sleep time.Duration
	// Gate, when set, holds the container running until it is closed.
	Gate <-chan struct{}
	// Files are the container's files by absolute path, for CopyFrom.
	Files map[string]string
	// Fail makes the named Engine method ("Create", "Run", "CopyFrom")
	// fail with the given error for this step. See FailPull for images.
	Fail map[string]error
}

// Engine is the fake. The zero value is not usable; call New.
type Engine struct {
	mu         sync.Mutex
	scripts    map[string]Script
	containers map[string]*container
	running    int
	peak       int
	calls      []string
	starts     map[string]time.Time
	ends       map[string]time.Time
	nextID     int
	pullErrs   map[string]error
}

type container struct {
	step    string
	spec    executor.ContainerSpec
	script  Script
	removed bool
}

// New returns an empty fake engine; unscripted steps exit 0 at once.
func New() *Engine {
	return &Engine{
		scripts:    map[string]Script{},
		containers: map[string]*container{},
		starts:     map[string]time.Time{},
		ends:       map[string]time.Time{},
		pullErrs:   map[string]error{},
	}
}

// FailPull makes EnsureImage fail for image with err.
func (e *Engine) FailPull(image string, err error) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pullErrs[image] = err
	return e
}

// On scripts the container of the named step.
func (e *Engine) On(step string, s Script) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.scripts[step] = s
	return e
}

// Ping always succeeds.
func (e *Engine) Ping(context.Context) error { return nil }

// EnsureImage records the call; it fails only when FailPull says so.
func (e *Engine) EnsureImage(_ context.Context, image string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, "EnsureImage "+image)
	return e.pullErrs[image]
}

// Create records a container for spec.
func (e *Engine) Create(_ context.Context, spec *executor.ContainerSpec) (string, error) {
	step := spec.Labels[executor.LabelStep]
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, "Create "+step)
	s := e.scripts[step]
	if err := s.Fail["Create"]; err != nil {
		return "", err
	}
	for _, c := range e.containers {
		if c.spec.Name == spec.Name && !c.removed {
			return "", cerrdefs.ErrConflict.WithMessage("name in use: " + spec.Name)
		}
	}
	e.nextID++
	id := fmt.Sprintf("fake-%d", e.nextID)
	e.containers[id] = &container{step: step, spec: *spec, script: s}
	return id, nil
}

func (e *Engine) get(id string) (*container, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.containers[id]
	if !ok || c.removed {
		return nil, cerrdefs.ErrNotFound.WithMessage("no such container: " + id)
	}
	return c, nil
}

// Remove marks the container removed; unknown IDs are success.
func (e *Engine) Remove(_ context.Context, id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.containers[id]; ok {
		c.removed = true
	}
	return nil
}

var _ executor.Engine = (*Engine)(nil)

// writeAll is used to deliver scripted output.
func writeAll(w io.Writer, s string) {
	if s != "" {
		_, _ = io.WriteString(w, s)
	}
}
