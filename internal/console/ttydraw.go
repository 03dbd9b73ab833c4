package console

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/bytesize"
)

// redraw erases the live block, prints the permanent lines, and draws the
// live block again (unless live is false: the run is over), all in one
// write so the terminal never shows a half-drawn frame. Callers hold mu.
func (v *liveView) redraw(permanent []string, live bool) {
	var b strings.Builder
	if v.drawn > 0 {
		// Up to the block's first line, then clear to the end of screen.
		fmt.Fprintf(&b, "\r\x1b[%dA\x1b[J", v.drawn)
	}
	for _, l := range permanent {
		b.WriteString(l)
		b.WriteString("\n")
	}
	v.drawn = 0
	if live {
		width, height := v.term.size()
		rows := v.liveLines(max(1, height-2))
		for _, l := range rows {
			b.WriteString(v.term.fit(l, width-1))
			b.WriteString("\x1b[0m\n")
		}
		v.drawn = len(rows)
	}
	v.dirty = false
	_, _ = io.WriteString(v.term.w, b.String())
}

// liveLines is the live block: one line per active step, at most room of
// them, the last one a count of the rest.
func (v *liveView) liveLines(room int) []string {
	var rows []string
	now := v.now()
	for i, s := range v.active {
		if len(rows) == room-1 && len(v.active)-i > 1 {
			rows = append(rows, fmt.Sprintf("  … %d more active", len(v.active)-i))
			break
		}
		rows = append(rows, v.activeLine(s, now))
	}
	if v.queued > 0 && len(rows) < room {
		rows = append(rows, v.term.paint("2", fmt.Sprintf("  %d queued", v.queued)))
	}
	return rows
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func (v *liveView) activeLine(s *liveStep, now time.Time) string {
	if !s.running {
		what := "waiting for image " + s.image
		if p := s.pull; p != nil {
			what = fmt.Sprintf("pulling %s %d/%d layers %s", s.image, p.LayersDone, p.Layers, bytesize.Format(p.Bytes))
			if p.BytesTotal > 0 {
				what += " of " + bytesize.Format(p.BytesTotal)
			}
		}
		return fmt.Sprintf("%s %s %s", v.term.paint("36", "↓"), s.name, v.term.paint("2", what))
	}
	elapsed := now.Sub(s.start)
	spin := spinner[int(elapsed/liveTick)%len(spinner)]
	line := fmt.Sprintf("%s %s %s", v.term.paint("36", spin), s.name, v.term.paint("2", elapsed.Truncate(time.Second).String()))
	if s.n > 0 {
		line += " " + v.term.clean(s.tail[(s.n-1)%liveTail])
	}
	return line
}

// resultLine is a finished step's permanent line: mark, name, status,
// duration, exit code, and why when it did not succeed.
func (v *liveView) resultLine(r *executor.StepResult) string {
	mark, color := "✓", "32"
	switch {
	case r.Status.Failed():
		mark, color = "✗", "31"
	case !r.Status.Passed():
		mark, color = "-", "33"
	}
	line := fmt.Sprintf("%s %s %s", v.term.paint(color, mark), r.Name, v.term.paint(color, string(r.Status)))
	if r.ReusedFrom != "" {
		// Nothing ran: no exit code, and the duration is the restore's.
		return line + " from run " + r.ReusedFrom
	}
	if d := r.Duration(); d > 0 {
		line += " " + d.Round(time.Millisecond).String()
	}
	if r.ExitCode >= 0 {
		line += fmt.Sprintf(" exit %d", r.ExitCode)
	}
	if n := len(r.Attempts); n > 1 {
		line += fmt.Sprintf(" (%d attempts)", n)
	}
	if r.Err != nil && !r.Status.Passed() && r.Err.Error() != fmt.Sprintf("exit code %d", r.ExitCode) {
		line += ": " + v.term.clean([]byte(r.Err.Error()))
	}
	return line
}

// tick redraws the live block at most every liveTick, and only when
// something changed (a line, an event, or a running step's next second).
func (v *liveView) tick() {
	defer close(v.done)
	t := time.NewTicker(liveTick)
	defer t.Stop()
	for {
		select {
		case <-v.stopped:
			return
		case <-t.C:
		}
		v.mu.Lock()
		if v.dirty || len(v.active) > 0 {
			v.redraw(nil, true)
		}
		v.mu.Unlock()
	}
}

// permanent prints lines above the live block.
func (v *liveView) permanent(lines ...string) { v.redraw(lines, true) }

// logWriter takes runjob's own log messages (warnings) as permanent lines.
func (v *liveView) logWriter() io.Writer { return liveLog{v} }

type liveLog struct{ v *liveView }

func (l liveLog) Write(p []byte) (int, error) {
	l.v.mu.Lock()
	defer l.v.mu.Unlock()
	l.v.redraw([]string{string(trimNewline(p))}, true)
	return len(p), nil
}

// Unwrap lets terminal detection (colors) see the terminal.
func (l liveLog) Unwrap() io.Writer { return l.v.term.w }

func trimNewline(p []byte) []byte {
	for len(p) > 0 && (p[len(p)-1] == '\n' || p[len(p)-1] == '\r') {
		p = p[:len(p)-1]
	}
	return p
}
