package executor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/internal/stepcache"
	"github.com/runjob/runjob/pipeline"
)

// restore makes step's result from a stored entry, as if it had run: its
// artifacts are extracted from the stored tar streams into the run's
// staging directory and checked against the stored manifests, its log is
// checked, and only then is the log replayed and are the artifacts
// published. Any failure before the replay leaves nothing behind and is a
// miss.
func (s *schedule) restore(ctx context.Context, i int, step *pipeline.Step, entry *stepcache.Entry, key *reuseKey) (*StepResult, error) {
	meta := entry.Meta()
	var d reuseData
	if err := json.Unmarshal(meta.Data, &d); err != nil || d.Version != reuseDataVersion {
		return nil, fmt.Errorf("entry of another runjob version (%v)", err)
	}
	if s.readOutputs[i] && !d.OutputsRead {
		return nil, errNoOutputs
	}
	r := &StepResult{Name: step.Name, Status: StatusReused, ExitCode: 0, ReusedFrom: meta.RunID,
		ImageID: key.ImageID, Outputs: d.Outputs, Started: time.Now()}
	log, err := readBlob(entry, d.Log)
	if err == nil {
		err = checkLog(log)
	}
	if err != nil {
		return nil, fmt.Errorf("log: %w", err)
	}
	staged, err := s.restoreArtifacts(ctx, step, entry, d.Artifacts)
	if err != nil {
		return nil, err
	}
	s.replay(step.Name, meta.RunID, log)
	for n, a := range exported(step) {
		ar, err := s.publish(step, a, staged[n].dir, staged[n].stats)
		if err != nil {
			r.Status, r.Err = StatusError, err
			break
		}
		r.Artifacts = append(r.Artifacts, ar)
		s.e.emit(Event{Kind: EventArtifactExported, Step: step.Name, Artifact: ar})
	}
	r.Finished = time.Now()
	return r, nil
}

// exported are the artifacts a step that succeeded exports.
func exported(step *pipeline.Step) []pipeline.Artifact {
	var out []pipeline.Artifact
	for _, a := range step.Artifacts {
		if exportWhen(a.When, StatusOK) {
			out = append(out, a)
		}
	}
	return out
}

type stagedArtifact struct {
	dir   string
	stats artifacts.Stats
}

// restoreArtifacts extracts every stored artifact of step into staging and
// checks it against its manifest; on any failure it removes what it
// extracted.
func (s *schedule) restoreArtifacts(ctx context.Context, step *pipeline.Step, entry *stepcache.Entry, stored []storedArtifact) ([]stagedArtifact, error) {
	want := exported(step)
	if len(stored) != len(want) {
		return nil, fmt.Errorf("entry has %d artifacts, the step exports %d", len(stored), len(want))
	}
	var staged []stagedArtifact
	fail := func(err error) ([]stagedArtifact, error) {
		for _, st := range staged {
			_ = os.RemoveAll(st.dir)
		}
		return nil, err
	}
	for n, a := range want {
		if stored[n].Name != a.Name {
			return fail(fmt.Errorf("entry has artifact %q where the step has %q", stored[n].Name, a.Name))
		}
		rc, err := entry.Blob(stored[n].Blob)
		if err != nil {
			return fail(fmt.Errorf("artifact %q: %w", a.Name, err))
		}
		dir, stats, err := s.extract(ctx, rc, step, a)
		if err == nil {
			_, err = io.Copy(io.Discard, rc) // to the end, where the blob's digest is checked
		}
		rc.Close()
		staged = append(staged, stagedArtifact{dir: dir, stats: stats})
		if err != nil {
			return fail(fmt.Errorf("artifact %q: %w", a.Name, err))
		}
		if manifestDigest(stats.Manifest) != manifestDigest(stored[n].Manifest) {
			return fail(fmt.Errorf("artifact %q does not match its stored manifest", a.Name))
		}
	}
	return staged, nil
}

// replay writes the stored log into the step's output, after a line that
// says where it comes from.
func (s *schedule) replay(step, runID string, log []byte) {
	stdout, stderr := s.e.output.Open(step)
	fmt.Fprintf(stdout, "runjob: reused from run %s: its output follows\n", runID)
	_ = replayLog(log, stdout, stderr) // checked already
	_ = stdout.Close()
	_ = stderr.Close()
}
