package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/runjob/runjob/internal/stepcache"
	"github.com/runjob/runjob/pipeline"
)

// reuseSave is what is saved of a reusable step that runs: its key, the
// last attempt's log, and the entry being written while its artifacts are
// exported (the tar streams go to the entry's blobs as they are
// extracted, so nothing is read twice). The step's worker is its only
// user, but for the log's two writers.
type reuseSave struct {
	key     *reuseKey
	capture *logCapture
	pending *stepcache.Pending
	stored  []storedArtifact
	// why is set once the step is known not to be stored.
	why error
}

// tee captures an attempt's output for the store, replacing what an
// earlier attempt captured.
func (s *schedule) tee(i int, stdout, stderr io.WriteCloser) (io.WriteCloser, io.WriteCloser) {
	sv := s.reuse.save(i)
	if sv == nil {
		return stdout, stderr
	}
	sv.capture = &logCapture{redact: s.e.redact}
	return sv.capture.tee('o', stdout), sv.capture.tee('e', stderr)
}

// beginSave starts step i's entry before its artifacts are exported, when
// it succeeded and is to be stored; nil otherwise.
func (s *schedule) beginSave(i int, r *StepResult) *reuseSave {
	sv := s.reuse.save(i)
	if sv == nil || r.Status != StatusOK || sv.why != nil {
		return nil
	}
	p, err := s.reuse.store.Begin(sv.key.Key)
	if err != nil {
		sv.why = err
		return nil
	}
	sv.pending = p
	return sv
}

// blob opens the blob artifact n's tar stream is written to; nil (and the
// step is not stored) when it cannot be created.
func (sv *reuseSave) blob(n int, a pipeline.Artifact) io.WriteCloser {
	if sv == nil || sv.why != nil {
		return nil
	}
	w, err := sv.pending.Create(artifactBlob(n))
	if err != nil {
		sv.why = err
		return nil
	}
	sv.stored = append(sv.stored, storedArtifact{Name: a.Name, Blob: artifactBlob(n)})
	return w
}

// exportedAs records the manifest of the artifact whose blob was written last.
func (sv *reuseSave) exportedAs(ar *ArtifactResult, err error) {
	if sv == nil || sv.why != nil || len(sv.stored) == 0 {
		return
	}
	if err != nil {
		sv.why = err
		return
	}
	sv.stored[len(sv.stored)-1].Manifest = ar.Manifest
}

// exportKept exports artifact n of step, its tar stream also going to the
// entry being saved, if any.
func (s *schedule) exportKept(ctx context.Context, id string, step *pipeline.Step, a pipeline.Artifact, sv *reuseSave, n int) (*ArtifactResult, error) {
	w := sv.blob(n, a)
	if w == nil {
		return s.export(ctx, id, step, a, nil)
	}
	ar, err := s.export(ctx, id, step, a, w)
	sv.exportedAs(ar, errors.Join(err, w.Close()))
	return ar, err
}

// commitSave stores step i's run when it ended ok, in the background: its
// artifacts are published already, so the entry only has to be closed.
// A step that is not stored says why in the log.
func (s *schedule) commitSave(i int, step *pipeline.Step, r *StepResult) {
	if s.reuse == nil {
		return
	}
	s.reuse.mu.Lock()
	sv := s.reuse.saves[i]
	delete(s.reuse.saves, i)
	s.reuse.mu.Unlock()
	if sv == nil {
		return
	}
	log := s.e.log.With().Str("step", step.Name).Logger()
	why := sv.why
	switch {
	case r.Status != StatusOK || sv.pending == nil:
		why = cmpErr(why, errNotOK)
	case r.ImageID != "" && !sameImage(r.ImageID, sv.key.ImageID):
		why = fmt.Errorf("its image changed while it ran (%s, not %s)", r.ImageID, sv.key.ImageID)
	case s.sensitiveOutput(r.Outputs) != "":
		why = fmt.Errorf("its output %s holds a secret or sensitive value", s.sensitiveOutput(r.Outputs))
	case s.sensitiveArtifact(step, sv.stored) != "":
		why = fmt.Errorf("the path or a file name of its artifact %s holds a secret or sensitive value", s.sensitiveArtifact(step, sv.stored))
	}
	if why == nil && sv.capture != nil {
		_, why = sv.capture.result()
	}
	if why != nil {
		if sv.pending != nil {
			_ = sv.pending.Abort()
		}
		if !errors.Is(why, errNotOK) {
			log.Info().Err(why).Msg("not stored for reuse")
		}
		return
	}
	s.reuse.work.Go(func() {
		// Off the critical path: with the stat cache, an unchanged tree
		// costs a walk of its metadata.
		if part := s.hostChanged(step, sv.key); part != "" {
			_ = sv.pending.Abort()
			log.Info().Msgf("not stored for reuse: its %s changed while it ran", part)
			return
		}
		if err := s.writeEntry(i, step, r, sv); err != nil {
			_ = sv.pending.Abort()
			log.Warn().Err(err).Msg("not stored for reuse")
		}
	})
}

// sameImage compares image IDs with or without their "sha256:" (an engine
// may report a container's image bare).
func sameImage(a, b string) bool {
	return strings.TrimPrefix(a, "sha256:") == strings.TrimPrefix(b, "sha256:")
}

// errNotOK: only a step that ended ok is stored (not an allowed failure).
var errNotOK = errors.New("it did not end ok")

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
