package history

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/report"
)

// LogsOptions are the settings of `runjob logs`.
type LogsOptions struct {
	// Path is a pipeline file or a directory (see RecordRoot).
	Path string
	// Run is a run ID, a unique prefix of one, or "latest" (the run latest
	// points at); "" is the newest run, in progress or not.
	Run  string
	Step string
	// Stdout or Stderr prints only that stream, to Out.
	Stdout, Stderr bool
	// Timestamps prints the combined log's records instead of the bytes.
	Timestamps bool
	// Follow keeps printing a run in progress until the step's log is
	// finished or the run ends.
	Follow bool
	// Poll is how often a follower looks for more (default 100ms).
	Poll time.Duration
	// Out and Err get the step's stdout and stderr (with Timestamps, or
	// one stream only, everything goes to Out).
	Out, Err io.Writer
}

// Logs prints a step's output from a run record: stdout to o.Out and
// stderr to o.Err, byte for byte, in the order it was printed.
func Logs(ctx context.Context, o LogsOptions) error {
	root, err := RecordRoot(o.Path)
	if err != nil {
		return errkind.New(errkind.Usage, fmt.Errorf("logs: %w", err))
	}
	dir, err := findRun(root, o.Run)
	if err != nil {
		return errkind.New(errkind.Usage, fmt.Errorf("logs: %w", err))
	}
	l, err := stepLog(dir, o.Step)
	if err != nil {
		return errkind.New(errkind.Usage, fmt.Errorf("logs: run %s: %w", filepath.Base(dir), err))
	}
	if l == nil {
		return nil // the step never ran: it printed nothing
	}
	out, errw := bufio.NewWriterSize(o.Out, 32<<10), bufio.NewWriterSize(o.Err, 32<<10)
	flush := func() error { return errors.Join(out.Flush(), errw.Flush()) }
	if l.Index == "" {
		err = legacyLogs(dir, l, o, out, errw)
	} else {
		err = replay(ctx, dir, l, o, out, errw, flush)
	}
	if ferr := flush(); err == nil {
		err = ferr
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return errkind.New(errkind.Interrupted, err)
	}
	return errkind.New(errkind.Engine, fmt.Errorf("logs: %w", err))
}

func replay(ctx context.Context, dir string, l *report.Log, o LogsOptions, out, errw io.Writer, flush func() error) error {
	ro := report.ReplayOptions{Poll: o.Poll}
	if o.Follow {
		ro.Follow, ro.Running, ro.Idle = true, func() bool { return report.Running(dir) }, flush
		if err := waitFor(ctx, filepath.Join(dir, filepath.FromSlash(l.Index)), dir, o.Poll); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(l.Index))); errors.Is(err, fs.ErrNotExist) {
		return nil // the step has not started (or never did, in a run that died)
	}
	want := func(p report.Piece) bool {
		return p.Stream == "" || !o.Stdout && !o.Stderr || o.Stdout && p.Stream == "stdout" || o.Stderr && p.Stream == "stderr"
	}
	var fn func(report.Piece) error
	if o.Timestamps {
		rw := report.NewRecordWriter(out)
		ro.Idle = func() error { return errors.Join(rw.Flush(), flush()) }
		defer rw.Flush()
		fn = func(p report.Piece) error {
			if !want(p) {
				return nil
			}
			return rw.Piece(p)
		}
	} else {
		fn = func(p report.Piece) error {
			if len(p.Data) == 0 || !want(p) {
				return nil
			}
			w := out
			if p.Stream == "stderr" && !o.Stderr {
				w = errw
			}
			_, err := w.Write(p.Data)
			return err
		}
	}
	return report.ReplayLog(ctx, dir, l, ro, fn)
}

// waitFor waits until the file exists, or the run is no longer running.
func waitFor(ctx context.Context, file, dir string, poll time.Duration) error {
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	for {
		if _, err := os.Stat(file); err == nil || !report.Running(dir) {
			return nil
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(poll):
		}
	}
}

// findRun resolves a RUN argument to a run directory.
func findRun(root, id string) (string, error) {
	runs, err := List(root)
	if err != nil {
		return "", err
	}
	if len(runs) == 0 {
		return "", fmt.Errorf("no runs recorded in %s", root)
	}
	switch id {
	case "":
		return runs[len(runs)-1].Dir, nil
	case report.LatestLink:
		target, err := os.Readlink(filepath.Join(root, report.LatestLink))
		if err != nil {
			return "", fmt.Errorf("no latest run in %s", root)
		}
		return filepath.Join(root, target), nil
	}
	var match []string
	for _, r := range runs {
		if r.ID == id {
			return r.Dir, nil
		}
		if strings.HasPrefix(r.ID, id) {
			match = append(match, r.Dir)
		}
	}
	switch len(match) {
	case 0:
		return "", fmt.Errorf("no run %q in %s (runjob runs lists them)", id, root)
	case 1:
		return match[0], nil
	}
	return "", fmt.Errorf("run %q is ambiguous: %d runs start with it", id, len(match))
}

// stepLog finds the step's log files: in report.json, or in run.lock for
// a run in progress. nil, nil for a step that never ran.
func stepLog(dir, step string) (*report.Log, error) {
	if lock, held, err := report.ReadRunLock(dir); err == nil && held {
		if l := lock.StepLog(step); l != nil {
			return l, nil
		}
		return nil, unknownStep(step, keys(lock.Logs))
	}
	rep, err := report.ReadFile(filepath.Join(dir, report.JSONFile))
	if err != nil {
		return nil, err
	}
	var names []string
	for i := range rep.Steps {
		if rep.Steps[i].Name == step {
			return rep.Steps[i].Log, nil
		}
		names = append(names, rep.Steps[i].Name)
	}
	return nil, unknownStep(step, names)
}

func unknownStep(step string, names []string) error {
	return fmt.Errorf("no step %q (steps: %s)", step, strings.Join(names, ", "))
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
