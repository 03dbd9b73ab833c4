package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// LockFile is the file a run directory holds while its run is in
// progress. The recording process holds an exclusive flock on it, which
// the system releases if the process dies; Finish removes it.
const LockFile = "run.lock"

// RunLock is what run.lock says about a run in progress: enough to list
// it and to follow its steps' logs before report.json exists.
type RunLock struct {
	PID      int       `json:"pid"`
	Pipeline string    `json:"pipeline"`
	Started  time.Time `json:"started"`
	// Logs maps each step to its log files' path without the extension,
	// relative to the run directory (e.g. "logs/test%5Bgo1.22%5D").
	Logs map[string]string `json:"logs"`
}

// StepLog returns the log files of a step of the run, nil for a step the
// lock does not know.
func (l *RunLock) StepLog(step string) *Log {
	base, ok := l.Logs[step]
	if !ok {
		return nil
	}
	return &Log{Index: base + extIndex, Stdout: base + extStdout, Stderr: base + extStderr}
}

// ReadRunLock reads dir's run.lock. held says whether a live process
// holds it, i.e. the run is in progress; a lock nobody holds was left by
// a run that died. An error satisfying errors.Is(err, os.ErrNotExist)
// means there is no lock: the run finished (or never started).
func ReadRunLock(dir string) (lock *RunLock, held bool, err error) {
	f, err := os.Open(filepath.Join(dir, LockFile))
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	lock = &RunLock{}
	if err := json.NewDecoder(f).Decode(lock); err != nil {
		lock = &RunLock{} // being written, or cut short by a crash
	}
	switch err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); {
	case errors.Is(err, syscall.EWOULDBLOCK):
		return lock, true, nil
	case err != nil:
		return lock, false, fmt.Errorf("check %s: %w", LockFile, err)
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return lock, false, nil
}

// Running reports whether the run in dir is in progress.
func Running(dir string) bool {
	_, held, _ := ReadRunLock(dir)
	return held
}

// lockRun creates and holds dir's run.lock. The lock is taken before the
// content is written; a reader that finds it empty still sees it held.
func lockRun(dir string, lock *RunLock) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", LockFile, err)
	}
	if err := json.NewEncoder(f).Encode(lock); err != nil {
		f.Close()
		return nil, fmt.Errorf("write %s: %w", LockFile, err)
	}
	return f, nil
}

// unlockRun removes run.lock, then lets it go, so no reader sees the
// file unheld while the run is still finishing.
func unlockRun(f *os.File) error {
	if f == nil {
		return nil
	}
	err := os.Remove(f.Name())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("unlock run: %w", err)
	}
	return nil
}
