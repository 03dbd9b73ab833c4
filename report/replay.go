package report

import (
	"context"
	"fmt"
	"time"
)

// Piece is a part of a step's recorded log, in the order it was written.
type Piece struct {
	// Time is when it arrived (millisecond precision).
	Time time.Time
	// Stream is "stdout" or "stderr"; "" for a marker (Attempt).
	Stream string
	// Data is output, as printed; only valid during the call. Empty for a
	// stream's end and a marker.
	Data []byte
	// Closed says the stream ended: a partial line it printed is complete.
	Closed bool
	// Attempt, when above 0, marks the step's container being started
	// again for this attempt.
	Attempt int
}

// ReplayOptions say how ReplayLog reads a log that may still be written.
type ReplayOptions struct {
	// Follow waits at the end of what is written for more, until the log
	// says the step is finished, or Running says the run ended (what was
	// written by then is read first), or ctx ends.
	Follow bool
	// Running reports whether the run is still in progress (nil: as
	// long as the log is not finished).
	Running func() bool
	// Idle is called each time the replay has caught up and is about to
	// wait, so a caller can flush what it wrote.
	Idle func() error
	// Poll is how often a follower looks for more (default 100ms).
	Poll time.Duration
}

// ReplayLog calls fn with every piece of a step's log in runDir, in the
// order it was written; pieces of output are at most 32 KiB, so memory
// does not follow the size of the log. It needs a schema 2 log (an
// index); fn's error ends the replay and is returned.
func ReplayLog(ctx context.Context, runDir string, l *Log, o ReplayOptions, fn func(Piece) error) error {
	if l == nil || l.Index == "" {
		return fmt.Errorf("replay log: no index (a record older than schema 2)")
	}
	r, err := openLog(runDir, l)
	if err != nil {
		return fmt.Errorf("replay log: %w", err)
	}
	defer r.close()
	poll := o.Poll
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	draining := false
	for {
		e, off, ok, err := r.next()
		if err != nil {
			return fmt.Errorf("replay log: %w", err)
		}
		if ok {
			if e.kind == idxEnd {
				return nil
			}
			if err := replayEntry(r, e, off, fn); err != nil {
				return err
			}
			continue
		}
		if !o.Follow || draining {
			return nil
		}
		if o.Idle != nil {
			if err := o.Idle(); err != nil {
				return err
			}
		}
		// A run that ended has written everything: one more pass reads
		// what came between the last look and its end.
		draining = o.Running != nil && !o.Running()
		if !draining {
			select {
			case <-ctx.Done():
				return context.Cause(ctx)
			case <-time.After(poll):
			}
		}
	}
}

func replayEntry(r *logReader, e entry, off int64, fn func(Piece) error) error {
	p := Piece{Time: time.UnixMilli(e.ms)}
	switch {
	case e.kind == idxAttempt:
		p.Attempt = int(e.n)
		return fn(p)
	case e.close():
		p.Stream, p.Closed = streamNames[e.stream()], true
		return fn(p)
	}
	p.Stream = streamNames[e.stream()]
	return r.data(e.stream(), off, e.n, func(b []byte) error {
		p.Data = b
		return fn(p)
	})
}

var streamNames = [2]string{"stdout", "stderr"}
