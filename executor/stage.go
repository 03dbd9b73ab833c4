package executor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/runjob/runjob/pipeline"
)

// A run exports each artifact into a staging directory of its own,
// <artifacts dir>/.staging/<run ID>-<random>/<step>/<artifact>, and feeds
// its steps' inputs from there: another run exporting the same artifact at
// the same time can never hand them its data. Only a complete tree is then
// swapped into <artifacts dir>/<step>/<artifact> (publish.go). The staging
// directory lives inside the artifacts directory so that the swap is a
// rename on one filesystem, and it is its own lock: the run holds a flock
// on it until it removes it at the end, so a directory nobody holds is a
// killed run's, which a later run or `runjob prune` removes.
type stage struct {
	artifactsDir string
	runID        string
	// consumed are the artifacts some step of this run takes as input:
	// only those need a private copy besides the published one.
	consumed map[string]bool

	mu       sync.Mutex
	dir      string
	lock     *os.File
	exported map[string]string // private copies, by key
	swept    chan struct{}     // closed once leftovers of dead runs are removed
}

// stagingName is the staging directory's name under an artifacts
// directory; step names cannot start with a dot, so it collides with none.
const stagingName = ".staging"

// StagingDir returns the directory under artifactsDir in which runs stage
// the artifacts they export.
func StagingDir(artifactsDir string) string { return filepath.Join(artifactsDir, stagingName) }

// newStage prepares the staging of one run of g; nothing is created on
// disk until the first export. Leftovers of dead runs are removed in the
// background, off the run's critical path.
func newStage(artifactsDir, runID string, g *pipeline.Graph) *stage {
	st := &stage{artifactsDir: artifactsDir, runID: runID, consumed: map[string]bool{},
		exported: map[string]string{}, swept: make(chan struct{})}
	for i := range g.Len() {
		for _, in := range g.Step(i).Inputs {
			if in.FromStep != "" {
				st.consumed[stageKey(in.FromStep, in.FromArtifact)] = true
			}
		}
	}
	go func() {
		defer close(st.swept)
		if runs, err := AbandonedStaging(artifactsDir); err == nil {
			for _, r := range runs {
				_ = RemoveStaging(r)
			}
		}
	}()
	return st
}

func stageKey(step, artifact string) string { return step + "\x00" + artifact }

// path returns the empty directory artifact a of step is extracted into,
// creating the run's staging directory on first use.
func (st *stage) path(step, artifact string) (string, error) {
	dir, err := st.open()
	if err != nil {
		return "", fmt.Errorf("staging directory: %w", err)
	}
	p := filepath.Join(dir, safeName(step), safeName(artifact))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("staging directory: %w", err)
	}
	return p, nil
}

func (st *stage) open() (string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.dir != "" {
		return st.dir, nil
	}
	root := StagingDir(st.artifactsDir)
	for range 10 {
		if err := os.MkdirAll(root, 0o755); err != nil {
			return "", err
		}
		dir, err := os.MkdirTemp(root, st.runID+"-")
		if errors.Is(err, fs.ErrNotExist) {
			continue // the root was removed by a run that just ended
		}
		if err != nil {
			return "", err
		}
		f, err := os.Open(dir)
		if err == nil {
			err = lockDir(f)
		}
		// A sweep may have taken the new, unlocked directory for a dead
		// run's and removed it: then it no longer is the one locked.
		if err == nil && sameFile(f, dir) {
			st.dir, st.lock = dir, f
			return dir, nil
		}
		if f != nil {
			f.Close()
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", errors.New("removed by concurrent sweeps, again and again")
}

func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// keep records the private copy of an artifact for the steps that take it.
func (st *stage) keep(step, artifact, dir string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.exported[stageKey(step, artifact)] = dir
}

// input returns this run's private copy of an artifact, if it exported it.
func (st *stage) input(step, artifact string) (string, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	dir, ok := st.exported[stageKey(step, artifact)]
	return dir, ok
}

// close removes the run's staging directory (and the staging root, when no
// other run uses it), once the sweep of dead runs' leftovers is done.
func (st *stage) close() {
	<-st.swept
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.dir != "" {
		_ = os.RemoveAll(st.dir)
		st.lock.Close()
		st.dir, st.lock = "", nil
	}
	_ = os.Remove(StagingDir(st.artifactsDir)) // fails while another run stages
}
