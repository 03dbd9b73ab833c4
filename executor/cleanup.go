package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// removeTries is how often a failing Remove is tried before the container
// is reported as left over.
const removeTries = 3

// removeContainer deletes the container (by ID, or by name when the ID is
// not known) on a context that survives cancellation of the run, so Ctrl-C
// still cleans up; a second Ctrl-C does not cut it short either. What
// cannot be removed is recorded in the run's leftovers.
func (k *kit) removeContainer(ctx context.Context, step, id, name string) {
	var err error
	for try := 1; try <= removeTries; try++ {
		timeout := cleanupTimeout
		if k.lost() {
			timeout = lostCleanupTimeout
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		err = k.e.engine.Remove(rctx, id)
		cancel()
		if err == nil || engineGone(err) || k.lost() {
			break
		}
		time.Sleep(time.Duration(try) * 50 * time.Millisecond)
	}
	if err != nil {
		k.e.log.Warn().Err(err).Str("step", step).Str("container", name).Msg("could not remove container")
		k.leftover(step, name, err)
	}
}

// exportArtifacts exports the step's artifacts whose `when` matches how the
// step ended. An artifact that cannot be exported fails a step that had
// succeeded; after a failure it is only logged, since the step's own
// failure is the news.
func (s *schedule) exportArtifacts(ctx context.Context, r *StepResult, step *pipeline.Step, id string, sv *reuseSave) {
	for n, a := range step.Artifacts {
		if !exportWhen(a.When, r.Status) {
			continue
		}
		ar, err := s.exportKept(ctx, id, step, a, sv, n)
		if err != nil {
			if r.Status != StatusOK {
				s.e.log.Warn().Err(err).Str("step", step.Name).Msg("artifact not exported")
				continue
			}
			r.Status, r.Err = StatusError, err
			switch {
			case ctx.Err() != nil:
				r.Status, r.Err = StatusCancelled, context.Cause(ctx)
			case cerrdefs.IsNotFound(err), badArtifact(err):
				r.Status = StatusFailed // the step did not produce what it promised
			}
			return
		}
		r.Artifacts = append(r.Artifacts, ar)
		s.e.emit(Event{Kind: EventArtifactExported, Step: step.Name, Artifact: ar})
	}
}

// badArtifact reports whether the archive itself was at fault (unsafe,
// too large, too many entries): the step's doing, not the engine's.
func badArtifact(err error) bool {
	return errors.Is(err, artifacts.ErrUnsafeEntry) || errors.Is(err, artifacts.ErrTooLarge) ||
		errors.Is(err, artifacts.ErrTooManyEntries)
}

// exportWhen reports whether an artifact with condition w is exported
// after a step that ended with st.
func exportWhen(w pipeline.ArtifactWhen, st Status) bool {
	switch w {
	case pipeline.Always:
		return st == StatusOK || retryable(st)
	case pipeline.OnFailure:
		return retryable(st)
	default:
		return st == StatusOK
	}
}

// export copies artifact a out of the exited container into the run's
// staging directory, then publishes it complete as
// <artifactsDir>/<step>/<artifact>/, replacing what an earlier run left
// there (see stage.go and publish.go). When keep is not nil, the tar
// stream the engine sent goes to it too, whole, for the reuse store.
func (k *kit) export(ctx context.Context, id string, step *pipeline.Step, a pipeline.Artifact, keep io.Writer) (*ArtifactResult, error) {
	rc, err := k.e.engine.CopyFrom(ctx, id, a.Path)
	if err != nil {
		return nil, fmt.Errorf("artifact %q: copy %s from container: %w", a.Name, a.Path, err)
	}
	defer rc.Close()
	var r io.Reader = rc
	if keep != nil {
		r = io.TeeReader(rc, keep)
	}
	dir, stats, err := k.extract(ctx, r, step, a)
	if err == nil && keep != nil {
		_, err = io.Copy(io.Discard, r) // the archive's padding, so the copy is the stream
	}
	if err != nil {
		return nil, err
	}
	return k.publish(step, a, dir, stats)
}

// extract unpacks an artifact's tar stream (rooted at its path's base
// name, as the engine sends it) into the run's staging directory.
func (k *kit) extract(ctx context.Context, r io.Reader, step *pipeline.Step, a pipeline.Artifact) (string, artifacts.Stats, error) {
	dir, err := k.stage.path(step.Name, a.Name)
	if err != nil {
		return "", artifacts.Stats{}, fmt.Errorf("artifact %q: %w", a.Name, err)
	}
	// Links out of the artifact are kept as inert links, as docker cp does:
	// a container's filesystem or a virtualenv is full of them.
	opts := artifacts.Options{Manifest: true, KeepEscapingLinks: true, MaxBytes: k.e.maxArtifact}
	if a.Path != "/" {
		opts.StripRoot = path.Base(path.Clean(a.Path))
	}
	stats, err := artifacts.Extract(ctx, r, dir, opts)
	if err != nil {
		return dir, stats, fmt.Errorf("artifact %q: %w", a.Name, err)
	}
	return dir, stats, nil
}

// publish swaps an extracted artifact in at <artifactsDir>/<step>/<artifact>.
func (k *kit) publish(step *pipeline.Step, a pipeline.Artifact, dir string, stats artifacts.Stats) (*ArtifactResult, error) {
	dest := filepath.Join(k.e.artifactsDir, safeName(step.Name), safeName(a.Name))
	// Beside the artifact, not in it: the directory holds exactly what the
	// container had.
	manifest := dest + ".manifest.json"
	if err := k.stage.publish(step.Name, a.Name, dir, dest, manifest, stats.Manifest); err != nil {
		return nil, fmt.Errorf("artifact %q: %w", a.Name, err)
	}
	return &ArtifactResult{Name: a.Name, Path: a.Path, Dir: dest, Files: stats.Files, Bytes: stats.Bytes,
		Manifest: stats.Manifest, ManifestFile: manifest}, nil
}
