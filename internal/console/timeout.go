package console

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
)

// timeout logs a step_timeout: a line saying the step timed out and how
// many processes its container ran, then one "process" line per process,
// so a hung step's log says what it hung on.
func (o *logObserver) timeout(l zerolog.Logger, ev executor.Event) {
	msg := "timed out"
	if ev.Err != nil {
		msg = ev.Err.Error()
	}
	if ev.Processes != nil {
		msg += fmt.Sprintf("; %d process%s in its container before the stop", len(ev.Processes), pluralES(len(ev.Processes)))
	}
	if o.human {
		l.Warn().Msg(msg)
		for _, p := range ev.Processes {
			l.Warn().Msg("  " + processLine(p))
		}
		return
	}
	e := l.Warn().Str(FieldEvent, string(ev.Kind)).Int(FieldAttempt, ev.Attempt).Str(FieldContainer, ev.Container)
	var te *executor.TimeoutError
	if errors.As(ev.Err, &te) {
		e = e.Int64(FieldTimeoutMS, te.Timeout.Milliseconds())
	}
	if ev.Processes != nil {
		e = e.Int(FieldProcesses, len(ev.Processes))
	}
	e.Msg(msg)
	for _, p := range ev.Processes {
		l.Warn().Str(FieldEvent, "process").Int(FieldAttempt, ev.Attempt).Int(FieldPID, p.PID).Int(FieldPPID, p.PPID).
			Str(FieldUser, p.User).Str(FieldCPUTime, p.Time).Str(FieldCommand, p.Command).Msg(processLine(p))
	}
}

// processLine is one process as ps would show it: PID, user, CPU time,
// command.
func processLine(p executor.Process) string {
	return strings.TrimSpace(fmt.Sprintf("pid %d %s %s %s", p.PID, p.User, p.Time, p.Command))
}

// timeoutDetail is the summary's short note of what a timed-out step ran:
// "3 processes: sleep 600, sh -c ..., ..." (at most three commands, each
// cut to 40 characters); "" when none was recorded.
func timeoutDetail(procs []executor.Process) string {
	if len(procs) == 0 {
		return ""
	}
	var cmds []string
	for i, p := range procs {
		if i == 3 {
			cmds = append(cmds, "...")
			break
		}
		c := p.Command
		if r := []rune(c); len(r) > 40 {
			c = string(r[:39]) + "…"
		}
		cmds = append(cmds, c)
	}
	return fmt.Sprintf("%d process%s: %s", len(procs), pluralES(len(procs)), strings.Join(cmds, ", "))
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}
