package executor

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/pipeline"
)

// cleanupTimeout bounds removing one container. Cleanup runs on a context
// detached from the run's, so an interrupted run still removes what it made.
const cleanupTimeout = 30 * time.Second

// runStep runs one step to completion in a worker goroutine and returns its
// result. It owns the step's container from creation to removal.
func (e *Executor) runStep(ctx context.Context, index int, step *pipeline.Step, labels map[string]string) *StepResult {
	r := &StepResult{Name: step.Name, Status: StatusPending, ExitCode: -1}
	fail := func(st Status, err error) *StepResult {
		if ctx.Err() != nil {
			st, err = StatusCancelled, context.Cause(ctx)
		}
		r.Status, r.Err = st, err
		if !r.Started.IsZero() && r.Finished.IsZero() {
			r.Finished = time.Now()
		}
		return r
	}

	if err := e.engine.EnsureImage(ctx, step.Image); err != nil {
		return fail(StatusError, fmt.Errorf("image %s: %w", step.Image, err))
	}
	e.emit(Event{Kind: EventImageReady, Step: step.Name, Image: step.Image})

	spec := e.containerSpec(index, step, labels)
	id, err := e.engine.Create(ctx, spec)
	if err != nil {
		return fail(StatusError, fmt.Errorf("create container for %s: %w", step.Image, err))
	}
	defer e.remove(ctx, step.Name, id)

	stdout, stderr := e.output.Open(step.Name)
	r.Started = time.Now()
	e.emit(Event{Kind: EventStepStarted, Step: step.Name, Image: step.Image, Container: spec.Name})
	exit, err := e.engine.Run(ctx, id, stdout, stderr)
	r.Finished = time.Now()
	// Close flushes the last partial lines before the step is reported done.
	_ = stdout.Close()
	_ = stderr.Close()
	if err != nil {
		return fail(StatusError, fmt.Errorf("run container %s: %w", spec.Name, err))
	}
	r.ExitCode, r.OOMKilled = exit.Code, exit.OOMKilled
	if exit.OOMKilled {
		return fail(StatusFailed, fmt.Errorf("killed: out of memory (exit code %d)", exit.Code))
	}
	if exit.Code != 0 {
		return fail(StatusFailed, fmt.Errorf("exit code %d", exit.Code))
	}
	for _, a := range step.Artifacts {
		ar, err := e.export(ctx, id, step, a)
		if err != nil {
			st := StatusError
			if cerrdefs.IsNotFound(err) {
				st = StatusFailed // the step did not produce what it promised
			}
			return fail(st, err)
		}
		r.Artifacts = append(r.Artifacts, ar)
		e.emit(Event{Kind: EventArtifactExported, Step: step.Name, Artifact: ar})
	}
	r.Status = StatusOK
	return r
}

func (e *Executor) containerSpec(index int, step *pipeline.Step, runLabels map[string]string) *ContainerSpec {
	labels := maps.Clone(runLabels)
	labels[LabelStep] = step.Name
	return &ContainerSpec{
		Name:    containerName(e.runID, index, step.Name),
		Image:   step.Image,
		Command: step.Command,
		Env:     maps.Clone(step.Env),
		Workdir: step.Workdir,
		Labels:  labels,
	}
}

// export copies artifact a out of the exited container into
// <artifactsDir>/<step>/<artifact>/, replacing what an earlier run left there.
func (e *Executor) export(ctx context.Context, id string, step *pipeline.Step, a pipeline.Artifact) (*ArtifactResult, error) {
	dir := filepath.Join(e.artifactsDir, safeName(step.Name), safeName(a.Name))
	rc, err := e.engine.CopyFrom(ctx, id, a.Path)
	if err != nil {
		return nil, fmt.Errorf("artifact %q: copy %s from container: %w", a.Name, a.Path, err)
	}
	defer rc.Close()
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("artifact %q: %w", a.Name, err)
	}
	opts := artifacts.Options{}
	if a.Path != "/" {
		opts.StripRoot = path.Base(path.Clean(a.Path))
	}
	stats, err := artifacts.Extract(ctx, rc, dir, opts)
	if err != nil {
		return nil, fmt.Errorf("artifact %q: %w", a.Name, err)
	}
	return &ArtifactResult{Name: a.Name, Path: a.Path, Dir: dir, Files: stats.Files, Bytes: stats.Bytes}, nil
}

// remove deletes the container on a context that survives cancellation of
// the run, so Ctrl-C still cleans up.
func (e *Executor) remove(ctx context.Context, step, id string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := e.engine.Remove(rctx, id); err != nil {
		e.log.Warn().Err(err).Str("step", step).Str("container", id).Msg("could not remove container")
	}
}
