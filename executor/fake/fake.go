// Package fake is a scripted, in-memory executor.Engine for scheduler and
// fault-injection tests. Each step's behaviour is scripted by step name; the
// engine records what happened (calls, peak concurrency, start and end
// times, pulls) so tests can assert on scheduling without a Docker daemon.
package fake

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// Script is how one step's container behaves.
type Script struct {
	Stdout, Stderr string
	Exit           int
	// FailTimes, when > 0, makes only the first FailTimes attempts exit
	// with Exit; later attempts exit 0 (for retry tests).
	FailTimes int
	OOMKilled bool
	// Caveat is the ExitStatus.Caveat of a non-zero exit.
	Caveat string
	// Sleep is how long the container "runs" (it honours cancellation).
	Sleep time.Duration
	// Gate, when set, holds the container running until it is closed.
	Gate <-chan struct{}
	// IgnoreStop makes the container ignore SIGTERM: Stop kills it only
	// after the grace period, or when Stop's ctx ends.
	IgnoreStop bool
	// StopOutput is printed on stdout when the container is stopped.
	StopOutput string
	// Files are the container's files by absolute path, for CopyFrom.
	Files map[string]string
	// Processes are what Top lists while the container runs; when nil,
	// Top lists one process, PID 1, running the spec's command.
	Processes []executor.Process
	// Fail makes the named Engine method ("Create", "Run", "CopyFrom",
	// "Remove") fail with the given error for this step. See FailPull for
	// images.
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
	pullDelay  time.Duration
	barrier    int
	reached    chan struct{}
	pulls      map[string]int
	pulling    int
	peakPulls  int
	attempts   map[string]int
	faults     *faults
	hung       chan struct{}
	inventory  map[string]*item // networks, volumes and images (inventory.go)
	listErr    error

	imageIDs     map[string]string // set by SetImageID
	buildScripts map[string]BuildScript
	contexts     map[string][]string // build node -> context entry names
}

type container struct {
	step   string
	spec   executor.ContainerSpec
	script Script
	// scripted are the script's own Files, which CopyTo does not replace.
	scripted map[string]string
	exit     int
	removed  bool
	stop     chan struct{}
	once     sync.Once
	killed   bool
	created  time.Time
	// started and finished bound this container's Run; staged is the
	// state AddResource gave it (for Resources), "" for one Create made.
	started, finished time.Time
	staged            string
}

// New returns an empty fake engine; unscripted steps exit 0 at once.
func New() *Engine {
	return &Engine{
		scripts:    map[string]Script{},
		containers: map[string]*container{},
		starts:     map[string]time.Time{},
		ends:       map[string]time.Time{},
		pullErrs:   map[string]error{},
		pulls:      map[string]int{},
		attempts:   map[string]int{},
		hung:       make(chan struct{}),
	}
}

// Hang plays an engine that vanished without closing its connections (a
// remote host gone): from now on every call, Ping included, blocks until
// its context ends, and running containers stop producing anything.
func (e *Engine) Hang() {
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case <-e.hung:
	default:
		close(e.hung)
	}
}

// hang blocks a call until its context ends while the engine hangs.
func (e *Engine) hang(ctx context.Context) error {
	select {
	case <-e.hung:
		<-ctx.Done()
		return ctx.Err()
	default:
		return nil
	}
}

// enter is how every scripted call begins: it blocks while the engine
// hangs, then injects the random fault for method, if any.
func (e *Engine) enter(ctx context.Context, method string) error {
	if err := e.hang(ctx); err != nil {
		return err
	}
	return e.fault(method)
}

// FailPull makes EnsureImage fail for image with err.
func (e *Engine) FailPull(image string, err error) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pullErrs[image] = err
	return e
}

// PullDelay makes every EnsureImage take d (honouring cancellation) and
// report progress, as a pull would.
func (e *Engine) PullDelay(d time.Duration) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pullDelay = d
	return e
}

// PullBarrier makes every EnsureImage wait until n of them are in progress
// at once (or 10 seconds pass), so a test can prove pulls overlap without
// relying on timing: serialized pulls would leave the peak at 1.
func (e *Engine) PullBarrier(n int) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.barrier, e.reached = n, make(chan struct{})
	return e
}

// On scripts the container of the named step.
func (e *Engine) On(step string, s Script) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.scripts[step] = s
	return e
}

// Ping succeeds unless a fault is injected or the engine hangs.
func (e *Engine) Ping(ctx context.Context) error {
	if err := e.hang(ctx); err != nil {
		return err
	}
	return e.fault("Ping")
}

// EnsureImage records the pull; it fails only when FailPull says so or a
// fault is injected.
func (e *Engine) EnsureImage(ctx context.Context, req executor.ImageRequest) error {
	if err := e.enter(ctx, "EnsureImage"); err != nil {
		return err
	}
	e.mu.Lock()
	e.calls = append(e.calls, "EnsureImage "+req.Image)
	e.pulls[req.Image]++
	e.pulling++
	e.peakPulls = max(e.peakPulls, e.pulling)
	if e.barrier > 0 && e.pulling == e.barrier {
		close(e.reached)
	}
	delay, err, reached := e.pullDelay, e.pullErrs[req.Image], e.reached
	e.mu.Unlock()
	if reached != nil {
		select {
		case <-reached:
		case <-time.After(10 * time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() {
		e.mu.Lock()
		e.pulling--
		e.mu.Unlock()
	}()
	if delay > 0 && err == nil {
		progress(req, executor.PullProgress{Layers: 2, BytesTotal: 2048})
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
		progress(req, executor.PullProgress{Layers: 2, LayersDone: 2, Bytes: 2048, BytesTotal: 2048, Done: true})
	}
	return err
}

func progress(req executor.ImageRequest, p executor.PullProgress) {
	if req.Progress != nil {
		req.Progress(p)
	}
}

// Create records a container for spec.
func (e *Engine) Create(ctx context.Context, spec *executor.ContainerSpec) (string, error) {
	step := spec.Labels[executor.LabelStep]
	if err := e.enter(ctx, "Create"); err != nil {
		return "", err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, "Create "+step)
	s := e.scripts[step]
	if err := s.Fail["Create"]; err != nil {
		return "", err
	}
	if spec.NetworkMode == pipeline.NetworkNone && spec.Network != "" {
		// As the daemon: a container on no network joins none.
		return "", cerrdefs.ErrInvalidArgument.WithMessage("network none with network " + spec.Network)
	}
	for _, c := range e.containers {
		if c.spec.Name == spec.Name && !c.removed {
			return "", cerrdefs.ErrConflict.WithMessage("name in use: " + spec.Name)
		}
	}
	e.attempts[step]++
	exit := s.Exit
	if s.FailTimes > 0 && e.attempts[step] > s.FailTimes {
		exit = 0
	}
	e.nextID++
	id := fmt.Sprintf("fake-%d", e.nextID)
	e.containers[id] = &container{step: step, spec: *spec, script: s, scripted: s.Files, exit: exit, stop: make(chan struct{}), created: time.Now()}
	for _, m := range spec.Mounts {
		if m.Volume != "" {
			e.addItem(executor.ResourceVolume, m.Volume, m.Labels)
		}
	}
	return id, nil
}

// lookup finds a live container by ID or name; e.mu must be held.
func (e *Engine) lookup(id string) *container {
	if c, ok := e.containers[id]; ok && !c.removed {
		return c
	}
	for _, c := range e.containers {
		if c.spec.Name == id && !c.removed {
			return c
		}
	}
	return nil
}

func (e *Engine) get(id string) (*container, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.lookup(id)
	if c == nil {
		return nil, cerrdefs.ErrNotFound.WithMessage("no such container: " + id)
	}
	return c, nil
}

// Remove marks the container removed (and so stopped); unknown IDs and
// names are success.
func (e *Engine) Remove(ctx context.Context, id string) error {
	if err := e.enter(ctx, "Remove"); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.lookup(id)
	if c == nil {
		return nil
	}
	if err := c.script.Fail["Remove"]; err != nil {
		return err
	}
	c.removed = true
	c.once.Do(func() { c.killed = true; close(c.stop) })
	return nil
}

var _ executor.Engine = (*Engine)(nil)

// writeAll is used to deliver scripted output.
func writeAll(w io.Writer, s string) {
	if s != "" {
		_, _ = io.WriteString(w, s)
	}
}

// faults injects random errors and delays into every call.
type faults struct {
	mu   sync.Mutex
	rate float64
	rnd  *rand.Rand
}

// Faults makes every Engine call fail with probability rate (with a random
// classification: unavailable, not found, conflict or unclassified) and
// take a random short time, deterministically for a seed.
func (e *Engine) Faults(rate float64, seed int64) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = &faults{rate: rate, rnd: rand.New(rand.NewSource(seed))}
	return e
}

func (e *Engine) fault(method string) error {
	e.mu.Lock()
	f := e.faults
	e.mu.Unlock()
	if f == nil {
		return nil
	}
	f.mu.Lock()
	fail, kind, delay := f.rnd.Float64() < f.rate, f.rnd.Intn(4), time.Duration(f.rnd.Intn(3))*time.Millisecond
	f.mu.Unlock()
	time.Sleep(delay)
	if !fail {
		return nil
	}
	msg := "injected fault in " + method
	switch kind {
	case 0:
		return cerrdefs.ErrUnavailable.WithMessage(msg)
	case 1:
		return cerrdefs.ErrNotFound.WithMessage(msg)
	case 2:
		return cerrdefs.ErrConflict.WithMessage(msg)
	}
	return fmt.Errorf("%s", msg)
}
