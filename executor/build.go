package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/artifacts/ignore"
	"github.com/runjob/runjob/pipeline"
)

// NodeBuild is Event.Node for the events of a build node.
const NodeBuild = "build"

// errEngineStopped ends the context stream when the engine stopped reading
// it: the packer's failure then is only a consequence.
var errEngineStopped = errors.New("engine stopped reading")

// built holds the images a run built, by image name, safe for concurrent
// use: build workers add, the steps' specs resolve, the run's end removes
// the untagged ones.
type built struct {
	mu       sync.Mutex
	ids      map[string]string
	untagged []string
}

func (b *built) add(name, id string, tagged bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ids == nil {
		b.ids = map[string]string{}
	}
	b.ids[name] = id
	if !tagged {
		b.untagged = append(b.untagged, id)
	}
}

// resolve puts the built images' IDs in place of the placeholders in image.
func (b *built) resolve(image string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return pipeline.ResolveImage(image, b.ids)
}

// runBuild runs build node i in a worker: the context is packed into a
// pipe the engine reads, the builder's output is the node's output, and
// the image ID is recorded for the steps that use it. A failed instruction
// fails the node with the instruction and the output's last lines.
func (s *schedule) runBuild(ctx context.Context, step *pipeline.Step) *StepResult {
	r := &StepResult{Name: step.Name, Status: StatusPending, ExitCode: -1}
	stdout, stderr := s.e.output.Open(step.Name)
	var last tail
	r.Started = time.Now()
	s.e.emit(Event{Kind: EventStepStarted, Step: step.Name, Node: NodeBuild, Attempt: 1})
	id, err := s.build(ctx, step, io.MultiWriter(stdout, &last))
	r.Finished = time.Now()
	_ = stdout.Close()
	_ = stderr.Close()
	var be *BuildError
	var ie *InputError
	switch c := cause(ctx); {
	case c != nil:
		r.Status, r.Err = interruptStatus(c), c
	case errors.As(err, &be):
		r.Status, r.Err = StatusFailed, fmt.Errorf("%w; last lines of its output:\n%s", err, s.e.redact(last.String()))
		if be.Code > 0 {
			r.ExitCode = be.Code
		}
	case errors.As(err, &ie):
		r.Status, r.Err = StatusFailed, err // the host side: the user's to fix
	case err != nil:
		r.Status, r.Err = StatusError, fmt.Errorf("build %s: %w", step.Build.Name, err)
	default:
		r.Status, r.ExitCode, r.ImageID = StatusOK, 0, id
		s.built.add(step.Build.Name, id, len(step.Build.Tags) > 0)
	}
	r.Attempts = []Attempt{{Number: 1, Status: r.Status, ExitCode: r.ExitCode, Err: r.Err, Started: r.Started, Finished: r.Finished, ImageID: r.ImageID}}
	return r
}

// build streams the node's context to the engine, without what its
// .dockerignore excludes, and returns the built image's ID. Nothing is
// held in memory: Pack writes into a pipe the engine reads from.
func (s *schedule) build(ctx context.Context, step *pipeline.Step, out io.Writer) (string, error) {
	b := step.Build
	m, err := ignore.LoadDockerignore(b.Context, b.Dockerfile)
	if err != nil {
		return "", &InputError{Input: "context", Err: err}
	}
	pr, pw := io.Pipe()
	packed := make(chan error, 1)
	go func() {
		_, err := artifacts.Pack(ctx, b.Context, pw, artifacts.PackOptions{
			Skip:              m.Skip,
			KeepEscapingLinks: true, // links are sent as links, never read through
			Within:            b.Within,
			MaxBytes:          s.e.maxArtifact,
		})
		pw.CloseWithError(err)
		packed <- err
	}()
	labels := maps.Clone(s.labels)
	labels[LabelStep] = step.Name
	id, buildErr := s.e.engine.Build(ctx, BuildRequest{Name: step.Name, Context: pr, Dockerfile: b.Dockerfile,
		Args: b.Args, Target: b.Target, Tags: b.Tags, Labels: labels, Output: out})
	pr.CloseWithError(errEngineStopped) // unblocks Pack
	if packErr := <-packed; packErr != nil && !errors.Is(packErr, errEngineStopped) {
		if id != "" {
			s.built.add(b.Name, id, false) // removed with the run's images
		}
		return "", &InputError{Input: "context", Err: packErr}
	}
	return id, buildErr
}

// removeBuilt removes the images the run built without tags, once every
// container is gone. One a kept container (--keep-on-failure) still uses
// stays, for `runjob prune` to remove with it.
func (s *schedule) removeBuilt(ctx context.Context) {
	s.built.mu.Lock()
	ids := s.built.untagged
	s.built.mu.Unlock()
	for _, id := range ids {
		rctx, cancel := s.detached(ctx, cleanupTimeout)
		err := s.e.engine.RemoveImage(rctx, id)
		cancel()
		switch {
		case err == nil:
		case cerrdefs.IsConflict(err):
			s.e.log.Info().Str("image", id).Msg("built image kept: a kept container uses it")
		default:
			s.e.log.Warn().Err(err).Str("image", id).Msg("could not remove built image")
		}
	}
}
