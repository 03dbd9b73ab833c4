package watch

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Plan is one round: what to watch while it runs and after, and the run.
type Plan struct {
	Roots   []Root
	Exclude []string
	// Run runs the pipeline once; nil when the pipeline did not load (the
	// loader has said why), and the round only waits for a fix.
	Run func(ctx context.Context) error
	// Log receives runjob's own lines after the run (masked by the
	// caller: they name paths).
	Log io.Writer
}

// Loop runs rounds until its context ends.
type Loop struct {
	// Prepare loads the pipeline afresh for each round, so an edit to it
	// (a new input, a new step) takes effect at the next run.
	Prepare func() Plan
	// Debounce is how long the tree must stay quiet after a change.
	Debounce time.Duration
}

// DefaultDebounce coalesces an editor's save or a checkout into one change
// without making the re-run feel late.
const DefaultDebounce = 300 * time.Millisecond

// Do runs the first round at once and each next one after a change. It
// returns nil when ctx ends while it waits, and the run's error when ctx
// ends during a run.
func (l Loop) Do(ctx context.Context) error {
	for round := 1; ; round++ {
		plan := l.Prepare()
		// Armed before the run: a change made while it runs is kept.
		w, err := New(plan.Roots, plan.Exclude, l.debounce())
		if err != nil {
			return err
		}
		if plan.Run != nil {
			err = plan.Run(ctx)
			if ctx.Err() != nil {
				_ = w.Close()
				return err
			}
		}
		fmt.Fprintf(plan.Log, "watch: waiting for changes (%d director%s; Ctrl-C to stop)\n", w.Dirs(), plural(w.Dirs()))
		changed, err := w.Wait(ctx)
		_ = w.Close()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(plan.Log, "watch: %s changed; running again (round %d)\n", describe(changed), round+1)
	}
}

func (l Loop) debounce() time.Duration {
	if l.Debounce <= 0 {
		return DefaultDebounce
	}
	return l.Debounce
}

// describe names up to three changed paths and counts the rest.
func describe(paths []string) string {
	const shown = 3
	if len(paths) <= shown {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:shown], ", "), len(paths)-shown)
}

func plural(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}
