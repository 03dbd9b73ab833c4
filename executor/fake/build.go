package fake

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/runjob/runjob/executor"
)

// BuildScript is how the build of one build node (image.NAME) behaves.
type BuildScript struct {
	// Output is written as the builder's output.
	Output string
	// Err, when set, is what Build returns (a *executor.BuildError for a
	// failed instruction).
	Err error
	// Sleep is how long the build takes (it honours cancellation); Gate,
	// when set, holds it until closed.
	Sleep time.Duration
	Gate  <-chan struct{}
}

// OnBuild scripts the build of the named build node.
func (e *Engine) OnBuild(node string, s BuildScript) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.buildScripts == nil {
		e.buildScripts = map[string]BuildScript{}
	}
	e.buildScripts[node] = s
	return e
}

// Build reads the context to the end, recording its entry names, plays the
// node's script, and records an image with the request's labels and tags.
// A build counts as running, like a container, for Peak and Span.
func (e *Engine) Build(ctx context.Context, req executor.BuildRequest) (string, error) {
	if err := e.hang(ctx); err != nil {
		return "", err
	}
	if err := e.fault("Build"); err != nil {
		return "", err
	}
	names, err := tarNames(req.Context)
	if err != nil {
		return "", fmt.Errorf("read context: %w", err)
	}
	e.mu.Lock()
	e.calls = append(e.calls, "Build "+req.Name)
	e.running++
	e.peak = max(e.peak, e.running)
	e.starts[req.Name] = time.Now()
	if e.contexts == nil {
		e.contexts = map[string][]string{}
	}
	e.contexts[req.Name] = names
	s := e.buildScripts[req.Name]
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.running--
		e.ends[req.Name] = time.Now()
		e.mu.Unlock()
	}()
	if req.Output != nil {
		writeAll(req.Output, s.Output)
	}
	if err := wait(ctx, s.Sleep, s.Gate); err != nil {
		return "", err
	}
	if s.Err != nil {
		return "", s.Err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextID++
	id := fmt.Sprintf("sha256:fake-image-%d", e.nextID)
	e.items()[executor.ResourceImage+"/"+id] = &item{Resource: executor.Resource{Kind: executor.ResourceImage, ID: id, Name: id,
		Labels: maps.Clone(req.Labels), Tags: slices.Clone(req.Tags), Created: time.Now()}, size: -1}
	return id, nil
}

// RemoveImage removes an image unless a container that is not removed
// uses it (a conflict, as on Docker). A missing image is success.
func (e *Engine) RemoveImage(ctx context.Context, id string) error {
	return e.RemoveResource(ctx, executor.Resource{Kind: executor.ResourceImage, ID: id})
}

// BuildContext returns the entry names of the context the named build
// node's last build received, in stream order.
func (e *Engine) BuildContext(node string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.contexts[node])
}

// Images returns the IDs of the images built and not removed, sorted.
func (e *Engine) Images() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, it := range e.items() {
		if it.Kind == executor.ResourceImage && !it.removed {
			out = append(out, it.ID)
		}
	}
	slices.Sort(out)
	return out
}

func tarNames(r io.Reader) ([]string, error) {
	var names []string
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		names = append(names, hdr.Name)
	}
}

// wait sleeps d and waits for gate (either may be unset), or until ctx
// ends.
func wait(ctx context.Context, d time.Duration, gate <-chan struct{}) error {
	var sleep <-chan time.Time
	if d > 0 {
		sleep = time.After(d)
	}
	if sleep == nil && gate == nil {
		return nil
	}
	select {
	case <-sleep:
	case <-gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}
