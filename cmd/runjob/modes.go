package main

import (
	"io"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/mask"
	"github.com/runjob/runjob/pipeline"
)

// logFormats are the values --log-format accepts.
var logFormats = []string{"auto", "tty", "plain", "json", "github"}

// resolveFormat turns auto into a concrete format: github inside GitHub
// Actions (its log viewer understands groups and annotations), the live
// view when stderr is a terminal that can move its cursor, plain otherwise.
func resolveFormat(format string, stderr io.Writer) string {
	if format != "auto" {
		return format
	}
	switch {
	case os.Getenv("GITHUB_ACTIONS") == "true":
		return "github"
	case isTerminal(stderr) && os.Getenv("TERM") != "dumb":
		return "tty"
	}
	return "plain"
}

// isTerminal reports whether w is (or wraps) a terminal.
func isTerminal(w io.Writer) bool {
	if u, ok := w.(interface{ Unwrap() io.Writer }); ok {
		w = u.Unwrap()
	}
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// view is what one run shows the user: the logger, where step output goes
// and who hears lifecycle events. Each format builds its own; everything it
// needs to do at the end of the run it does on run_finished, so the caller
// has nothing to close.
type view struct {
	log      zerolog.Logger
	output   executor.Output
	observer executor.Observer
}

// newView builds the view for format (auto resolved here). stdout and
// stderr are the raw streams: step output arrives already masked, runjob's
// own messages are masked here. The logger carries the run ID and pipeline.
func newView(format string, g *pipeline.Graph, runID string, m *mask.Masker, stdout, stderr io.Writer) view {
	format = resolveFormat(format, stderr)
	mout, merr := maskWriter{stdout, m}, maskWriter{stderr, m}
	logTo := func(w io.Writer) zerolog.Logger {
		return newLogger(format, mout, w).With().Str(fieldRunID, runID).Str(fieldPipeline, g.Pipeline().Name).Logger()
	}
	switch format {
	case "json":
		log := logTo(merr)
		return view{log: log, output: jsonOutput(log), observer: &logObserver{log: log}}
	case "tty":
		lv := newLiveView(newTerminal(merr), time.Now)
		log := logTo(lv.logWriter())
		return view{log: log, output: lv, observer: lv}
	case "github":
		log := logTo(merr)
		gh := newGitHubView(stdout, merr, os.Getenv("GITHUB_STEP_SUMMARY"), m, randomToken(), &logObserver{log: log, human: true})
		return view{log: log, output: gh, observer: gh}
	}
	log := logTo(merr)
	return view{log: log, output: plainOutput(g, stdout, stderr, colorful(stdout), colorful(stderr)),
		observer: &logObserver{log: log, human: true}}
}

// notices carries messages from outside the run (the interrupt handler's)
// to stderr, or through the live view while it owns the terminal: written
// straight to stderr, they would land inside its block and break the
// redraw.
var notices noticeWriter

type noticeWriter struct {
	mu sync.Mutex
	w  io.Writer // nil: stderr
}

func (n *noticeWriter) Write(p []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.w == nil {
		return os.Stderr.Write(p)
	}
	return n.w.Write(p)
}

// set routes notices to w (nil: back to stderr). Callers must not hold a
// lock that w's Write takes.
func (n *noticeWriter) set(w io.Writer) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.w = w
}
