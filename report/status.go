package report

// Statuses the report knows how to present. The executor owns the values;
// failed_allowed and timeout are listed ahead of the executor producing
// them, so reports need no change when it does.
const (
	statusOK            = "ok"
	statusReused        = "reused"
	statusFailed        = "failed"
	statusFailedAllowed = "failed_allowed"
	statusTimeout       = "timeout"
	statusError         = "error"
	statusSkipped       = "skipped"
	statusCancelled     = "cancelled"
)

// outcome is what a status means to a reader: a CI test reporter, a colour.
type outcome int

const (
	outcomePassed  outcome = iota // ok or reused
	outcomeAllowed                // failed, but allowed to
	outcomeFailure                // failed or timed out: the step's fault
	outcomeError                  // the engine could not run it
	outcomeSkipped                // never ran: skipped or cancelled
)

// outcomeOf classifies a status. An unknown status counts as a failure, so
// a CI report never turns green because runjob learned a new word.
func outcomeOf(status string) outcome {
	switch status {
	case statusOK, statusReused:
		return outcomePassed
	case statusFailedAllowed:
		return outcomeAllowed
	case statusError:
		return outcomeError
	case statusSkipped, statusCancelled:
		return outcomeSkipped
	}
	return outcomeFailure
}

// RunStatus is a run's status from its steps' statuses: "error" if the
// engine failed any step, else "failed" if any step failed or timed out,
// else "cancelled" if any was cancelled, else "ok". Skipped steps and
// allowed failures leave a run ok. The CLI may still set "cancelled" on a
// run it knows was interrupted.
func RunStatus(steps []Step) string {
	var failed, cancelled bool
	for _, s := range steps {
		switch o := outcomeOf(s.Status); {
		case o == outcomeError:
			return statusError
		case o == outcomeFailure:
			failed = true
		case s.Status == statusCancelled:
			cancelled = true
		}
	}
	switch {
	case failed:
		return statusFailed
	case cancelled:
		return statusCancelled
	}
	return statusOK
}

// count tallies steps by status.
func count(steps []Step) Counts {
	c := Counts{Total: len(steps)}
	for _, s := range steps {
		switch s.Status {
		case statusOK:
			c.OK++
		case statusReused:
			c.Reused++
		case statusFailed:
			c.Failed++
		case statusFailedAllowed:
			c.FailedAllowed++
		case statusTimeout:
			c.Timeout++
		case statusError:
			c.Error++
		case statusSkipped:
			c.Skipped++
		case statusCancelled:
			c.Cancelled++
		default:
			c.Other++
		}
	}
	return c
}
