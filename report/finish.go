package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/runjob/runjob/executor"
)

// Files a finished run directory holds besides logs/.
const (
	JSONFile   = "report.json"
	HTMLFile   = "report.html"
	LatestLink = "latest"
)

// Finish completes the record of a finished run: it closes any log still
// open, builds the Report (Build plus log files, queue times, containers),
// writes report.json and report.html into the run directory and points
// <root>/latest at it, and removes run.lock. It returns the report even when writing part of the
// record failed, together with everything that went wrong while recording.
// Call it once, after the executor's Run has returned.
func (r *Recorder) Finish(res *executor.Result) (*Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.logs {
		l.finish()
	}
	rep := Build(res, r.g)
	rep.Dir = r.dir
	for i := range rep.Steps {
		r.annotate(&rep.Steps[i])
	}

	errs := []error{r.errors()}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, writeFileAtomic(filepath.Join(r.dir, JSONFile), buf.Bytes()))
	}
	buf.Reset()
	if err := WriteHTML(&buf, rep, HTMLOptions{LogBytes: r.htmlLog}); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, writeFileAtomic(filepath.Join(r.dir, HTMLFile), buf.Bytes()))
	}
	errs = append(errs, pointLatest(r.root, filepath.Base(r.dir), false), unlockRun(r.lock))
	r.lock = nil
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("run record %s: %w", r.dir, err)
	}
	return rep, nil
}

// annotate adds what only the recorder knows to a step. Called with mu held.
func (r *Recorder) annotate(s *Step) {
	if e := r.events[s.Name]; e != nil {
		s.Queued = timePtr(e.queued)
		if s.Image == "" {
			s.Image = e.image
		}
		s.Container = e.container
		if n := len(s.Attempts); n > 0 && s.Attempts[n-1].Container == "" {
			s.Attempts[n-1].Container = e.container
		}
	}
	l := r.logs[s.Name]
	if l == nil {
		return
	}
	base := "logs/" + r.names.get(s.Name)
	l.mu.Lock()
	s.Log = &Log{
		Index: base + extIndex, Stdout: base + extStdout, Stderr: base + extStderr,
		StdoutBytes: l.bytes[0], StderrBytes: l.bytes[1], Lines: l.records,
	}
	l.mu.Unlock()
}

// PointLatest makes <root>/latest a symlink to runID, whatever it pointed
// at: for history, when the run it pointed at was removed.
func PointLatest(root, runID string) error { return pointLatest(root, runID, true) }

// writeFileAtomic writes through a temporary file and a rename, so a reader
// never sees half a report.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), fileMode)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", filepath.Base(name), err)
	}
	return nil
}

// pointLatest makes <root>/latest a symlink to runID, unless it already
// points at a newer run (run IDs sort by start time), so concurrent runs
// leave it at the newest. The swap is a rename, so readers never find it
// missing.
func pointLatest(root, runID string, force bool) error {
	link := filepath.Join(root, LatestLink)
	if cur, err := os.Readlink(link); err == nil && cur > runID && !force {
		return nil
	}
	tmp := filepath.Join(root, "."+LatestLink+"."+runID)
	_ = os.Remove(tmp)
	if err := os.Symlink(runID, tmp); err != nil {
		return fmt.Errorf("link %s: %w", LatestLink, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("link %s: %w", LatestLink, err)
	}
	return nil
}
