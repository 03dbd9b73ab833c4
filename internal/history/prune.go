package history

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/runjob/runjob/internal/bytesize"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/report"
)

// PruneOptions are the settings of `runjob runs prune` and of the
// retention after a run.
type PruneOptions struct {
	// Root is the record directory (see RecordRoot).
	Root   string
	Policy Policy
	// Keep is a run ID never removed (the run just written).
	Keep   string
	DryRun bool
	// Stdout gets a line per run removed (nil: quiet).
	Stdout io.Writer
	// Now is the clock for OlderThan (default time.Now).
	Now func() time.Time
}

// Prune removes the runs o.Policy selects and returns them. A run that
// started since it was listed is unknown to it, and one that is found in
// progress when its turn comes is skipped. latest is moved to the newest
// run left, or removed with the last one.
func Prune(o PruneOptions) ([]Run, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	runs, err := List(o.Root)
	if err != nil {
		return nil, errkind.New(errkind.Usage, fmt.Errorf("run history: %w", err))
	}
	var removed []Run
	var errs []error
	for _, r := range Select(runs, o.Policy, o.Keep, now()) {
		if report.Running(r.Dir) {
			continue
		}
		verb := "removed"
		if o.DryRun {
			verb = "would remove"
		} else if err := os.RemoveAll(r.Dir); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, r)
		if o.Stdout != nil {
			fmt.Fprintf(o.Stdout, "%s run %s (%s, %s)\n", verb, r.ID, r.Status, bytesize.Format(r.Bytes))
		}
	}
	if !o.DryRun && len(removed) > 0 {
		errs = append(errs, repointLatest(o.Root))
	}
	if err := errors.Join(errs...); err != nil {
		return removed, errkind.New(errkind.Engine, fmt.Errorf("run history: %w", err))
	}
	return removed, nil
}

// repointLatest keeps latest pointing at a run that exists: the newest
// one with a report, or nowhere.
func repointLatest(root string) error {
	link := filepath.Join(root, report.LatestLink)
	if _, err := os.Stat(filepath.Join(link, report.JSONFile)); err == nil {
		return nil
	}
	runs, err := List(root)
	if err != nil {
		return err
	}
	for i := len(runs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(runs[i].Dir, report.JSONFile)); err == nil {
			return report.PointLatest(root, runs[i].ID)
		}
	}
	if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
