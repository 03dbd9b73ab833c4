// Package console shows a run to the user: the output formats (plain,
// json, github, tty) behind one Format interface, one registry of their
// names, and the end-of-run summary.
//
// Console never sees a secret. The writers it is given (Options.Stdout,
// Options.Stderr, what StepSummary opens) already mask, and the step
// output and events it receives have been masked before; so console does
// not import package mask, and anything it prints is safe by construction.
// Console mutates no package-level state: what outlives a run (Notices)
// is a value its caller creates and passes in.
package console

import (
	"io"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// Format is one way of showing a run. It takes the steps' output, hears
// the lifecycle events, and gives the logger runjob's own messages go
// through. Whatever a format does at the end of a run it does on
// run_finished, so nothing needs closing but the View's streams.
type Format interface {
	executor.Output
	executor.Observer
	// Logger is runjob's logger for the run, with the run ID and pipeline.
	Logger() zerolog.Logger
}

// Options are what a view is built from.
type Options struct {
	Graph *pipeline.Graph
	RunID string
	// Stdout and Stderr must already mask secrets.
	Stdout, Stderr io.Writer
	// LookupEnv reads the environment (GITHUB_ACTIONS, TERM, NO_COLOR);
	// nil reads an empty one.
	LookupEnv func(string) (string, bool)
	// StepSummary opens $GITHUB_STEP_SUMMARY for appending, masking what
	// is written; the github format writes the summary table there. Nil:
	// no step summary.
	StepSummary func() (io.WriteCloser, error)
	// Notices, if set, is routed through the view while the run lasts.
	Notices *Notices
}

// View is one run's Format, with the streams it writes to. Close it when
// the run's last message is written.
type View struct {
	Format
	stderr  io.Writer
	flush   func()
	notices *Notices
}

// New builds the view of the format called name (auto is resolved here),
// or fails with ErrUnknownFormat.
func New(name string, o Options) (*View, error) {
	e := &env{Options: o, token: randomToken()}
	if e.LookupEnv == nil {
		e.LookupEnv = func(string) (string, bool) { return "", false }
	}
	f, err := lookup(resolve(name, o.Stderr, e.LookupEnv))
	if err != nil {
		return nil, err
	}
	e.stdout, e.stderr = o.Stdout, o.Stderr
	v := &View{flush: func() {}, notices: o.Notices}
	if f.batch {
		e.stdout, e.stderr, v.flush = newBatcher(o.Stdout, o.Stderr)
		o.Notices.route(e.stderr) // the interrupt notice, in order with the rest
	}
	v.Format, v.stderr = f.build(e), e.stderr
	return v, nil
}

// Stderr is where the run's other messages (warnings, the record's path)
// go, in order with the view's own.
func (v *View) Stderr() io.Writer { return v.stderr }

// WriteSummary prints the end-of-run table on Stderr, in every format, so
// stdout stays step output (or pure JSON).
func (v *View) WriteSummary(res *executor.Result) { writeSummary(v.stderr, res) }

// Close writes out what waits in the view's streams and sends notices
// back to where they went before the run.
func (v *View) Close() {
	v.notices.route(nil)
	v.flush()
}

// env is what a format's constructor builds from: the options, with
// Stdout and Stderr batched when the format is.
type env struct {
	Options
	stdout, stderr io.Writer
	// token makes the github format's ::stop-commands:: unguessable.
	token string
}

// parts is a Format assembled from its three pieces.
type parts struct {
	executor.Output
	executor.Observer
	log zerolog.Logger
}

// Logger implements Format.
func (p parts) Logger() zerolog.Logger { return p.log }
