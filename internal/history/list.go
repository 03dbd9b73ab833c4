package history

import (
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/runjob/runjob/report"
)

// Statuses a run has besides the report's (ok, failed, error, cancelled).
const (
	StatusRunning    = "running"
	StatusIncomplete = "incomplete"
)

// Run is one run directory.
type Run struct {
	ID       string    `json:"id"`
	Pipeline string    `json:"pipeline"`
	Status   string    `json:"status"`
	Started  time.Time `json:"started"`
	// DurationMS is 0 for a run without report.json.
	DurationMS int64 `json:"duration_ms"`
	// Bytes is what its files take (their sizes, as du -sb counts).
	Bytes int64  `json:"bytes"`
	Dir   string `json:"dir"`
	// Running: its run.lock is held, so it must be left alone.
	Running bool `json:"-"`
}

// RecordRoot is where the records of path live: path is a pipeline file
// (the records beside it), a directory (its .runjob/runs), or "" for the
// current directory.
func RecordRoot(path string) (string, error) {
	if path == "" {
		path = "."
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		path = filepath.Dir(path)
	}
	return filepath.Join(path, ".runjob", "runs"), nil
}

// List returns the runs under root, oldest first (by start, then ID). A
// root that does not exist holds no runs.
func List(root string) ([]Run, error) {
	ents, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var runs []Run
	for _, e := range ents {
		if !e.IsDir() || e.Name() == report.LatestLink || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		runs = append(runs, readRun(filepath.Join(root, e.Name())))
	}
	slices.SortFunc(runs, func(a, b Run) int {
		return cmp.Or(a.Started.Compare(b.Started), strings.Compare(a.ID, b.ID))
	})
	return runs, nil
}

// readRun describes one run directory from its report.json, or its
// run.lock while it has none.
func readRun(dir string) Run {
	r := Run{ID: filepath.Base(dir), Dir: dir, Bytes: dirBytes(dir)}
	lock, held, lerr := report.ReadRunLock(dir)
	r.Running = held
	if rep, err := report.ReadFile(filepath.Join(dir, report.JSONFile)); err == nil && !held {
		r.Pipeline, r.Status, r.Started, r.DurationMS = rep.Pipeline, rep.Status, rep.Started, rep.DurationMS
		return r
	}
	r.Status = StatusIncomplete
	if held {
		r.Status = StatusRunning
	}
	if lerr == nil {
		r.Pipeline, r.Started = lock.Pipeline, lock.Started
	}
	if r.Started.IsZero() {
		if st, err := os.Stat(dir); err == nil {
			r.Started = st.ModTime().UTC()
		}
	}
	return r
}

// dirBytes adds up the sizes of the files under dir.
func dirBytes(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
