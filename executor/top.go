package executor

import (
	"context"
	"errors"
	"time"
)

// ProcessLister is an optional capability of an Engine: listing the
// processes that run in a container, as `docker top` does (GET
// /containers/{id}/top). When the engine implements it, the executor
// records a step's processes the moment its timeout expires, before it
// stops the container, so the record says what the step hung on; `runjob
// ps --top` and `runjob top` show them for live runs. An engine without it
// runs steps as well; their timeouts just record no processes.
//
// Concurrency: safe for concurrent use, and while Run of the same
// container is in progress (that is when it is called).
//
// Contexts and errors: as for Engine. A container that exists but does not
// run (created, exited) has no processes: an error, for which
// cerrdefs.IsConflict holds on executor/docker; a container that does not
// exist is cerrdefs.IsNotFound.
type ProcessLister interface {
	// Top returns the container's processes, in the engine's order (as
	// ps lists them: by PID, the container's main process first).
	Top(ctx context.Context, id string) ([]Process, error)
}

// Process is one process running in a container, as seen from the host.
type Process struct {
	// PID and PPID are host PIDs (what the engine's ps reports).
	PID, PPID int
	// User is the user name or UID the process runs as.
	User string
	// Time is its CPU time so far, as ps prints it (e.g. 00:00:01).
	Time string
	// Command is its command line.
	Command string
}

// topTimeout bounds the process listing at a timeout: it delays the stop,
// so an engine slow to answer only costs the record, never the step.
const topTimeout = 3 * time.Second

// timedOut records what a step's container runs when ctx ended because a
// timeout (the step's or the pipeline's) expired: it lists the processes
// into at, and announces the timeout with them (EventStepTimeout). It is
// called just before the container is stopped; any other end of ctx
// (interrupt, fail-fast, lost engine) records nothing.
func (k *kit) timedOut(ctx context.Context, step, id string, at *Attempt) {
	var te *TimeoutError
	if !errors.As(cause(ctx), &te) || k.lost() {
		return
	}
	if pl, ok := k.e.engine.(ProcessLister); ok {
		tctx, cancel := k.detached(ctx, topTimeout)
		procs, err := pl.Top(tctx, id)
		cancel()
		if err != nil {
			k.e.log.Debug().Err(err).Str("container", at.Container).Msg("could not list the processes of a timed-out step")
		}
		at.ProcessesAtTimeout = procs
	}
	k.e.emit(Event{Kind: EventStepTimeout, Step: step, Container: at.Container, Attempt: at.Number,
		Err: te, Processes: at.ProcessesAtTimeout})
}
