package executor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// StagedRun is the staging directory a run left under an artifacts
// directory (see StagingDir).
type StagedRun struct {
	// RunID is the run's ID, read from the directory's name.
	RunID string
	// Path is the directory.
	Path string
}

// ErrStagingInUse is returned by RemoveStaging for a directory whose run
// is alive: it holds the directory's lock.
var ErrStagingInUse = errors.New("staging directory in use by a live run")

// AbandonedStaging lists the staging directories under artifactsDir that
// no live run holds: what runs killed before their end left. A missing
// staging directory is no error. It never lists a live run's directory:
// each run holds a lock on its own until it removes it, and the kernel
// releases the lock of a process that dies.
func AbandonedStaging(artifactsDir string) ([]StagedRun, error) {
	root := StagingDir(artifactsDir)
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("staging directory: %w", err)
	}
	var out []StagedRun
	for _, ent := range entries {
		if !ent.IsDir() {
			continue
		}
		r := StagedRun{RunID: stagedRunID(ent.Name()), Path: filepath.Join(root, ent.Name())}
		held, err := withStagingLock(r.Path, func() error { return nil })
		if err == nil && !held {
			out = append(out, r)
		}
	}
	return out, nil
}

// RemoveStaging removes a staging directory that AbandonedStaging listed,
// unless a live run holds it (ErrStagingInUse). The lock is held while it
// goes, so no run can take it over halfway.
func RemoveStaging(r StagedRun) error {
	held, err := withStagingLock(r.Path, func() error { return os.RemoveAll(r.Path) })
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("remove staging directory %s: %w", r.Path, err)
	case held:
		return fmt.Errorf("remove staging directory %s: %w", r.Path, ErrStagingInUse)
	}
	return nil
}

// withStagingLock runs f while holding the lock of the staging directory
// dir; held reports that a live run has it, and then f does not run.
func withStagingLock(dir string, f func() error) (held bool, err error) {
	d, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer d.Close()
	ok, err := tryLockDir(d)
	if err != nil || !ok {
		return !ok && err == nil, err
	}
	return false, f()
}

// stagedRunID cuts the random suffix off a staging directory's name
// (<run ID>-<random>, see stage.open).
func stagedRunID(name string) string {
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		return name[:i]
	}
	return name
}
