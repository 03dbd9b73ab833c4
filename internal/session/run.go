package session

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/report"
)

// run is one run's sinks and engine, composed behind the boundary.
type run struct {
	id       string
	eng      Engine
	view     View
	rec      *report.Recorder
	b        boundary
	o        Options
	stderr   io.Writer // masked, for runjob's own messages
	output   executor.Output
	observer executor.Observer
	flush    func()
}

// newRun builds the sinks, then connects. Every sink is built here, from
// what the boundary gives: the masked graph, masked writers, masked
// events and output.
func newRun(ctx context.Context, g *pipeline.Graph, o Options, b boundary, connect Connect) (*run, error) {
	r := &run{id: executor.NewRunID(), b: b, o: o, flush: func() {}}
	shown := b.graph(g)
	rawOut, rawErr := o.Stdout, o.Stderr
	if o.Hooks.Streams != nil {
		rawOut, rawErr, r.flush = o.Hooks.Streams(o.LogFormat, rawOut, rawErr)
	}
	view := o.Hooks.View(o.LogFormat, shown, r.id, b.writer(rawOut), b.writer(rawErr))
	r.view, r.stderr = view, b.writer(rawErr)
	eng, err := connect(ctx)
	if err != nil {
		r.flush()
		return nil, err
	}
	r.eng = eng
	if o.Hooks.Leftovers != nil {
		o.Hooks.Leftovers(ctx, eng, view.Log)
	}
	r.rec = startRecord(recordRoot(g), shown, r.id, r.stderr)
	output, observer := view.Output, view.Observer
	if r.rec != nil {
		output, observer = report.MultiOutput(output, r.rec), report.MultiObserver(observer, r.rec)
	}
	r.output, r.observer = b.output(output), b.observer(observer)
	return r, nil
}

// finish shows and records the result, masked.
func (r *run) finish(res *executor.Result) {
	shown := r.b.result(res)
	if r.view.Summary != nil {
		r.view.Summary(r.stderr, shown)
	}
	writeAftermath(r.stderr, shown)
	finishRecord(r.rec, shown, r.o.JUnit, r.stderr)
}

func (r *run) close() {
	_ = r.eng.Close()
	r.flush()
}

// startRecord opens the run directory .runjob/runs/<run-id>/ beside the
// pipeline. A run that cannot be recorded still runs: the user is told
// why, and gets the terminal output and exit code as usual.
func startRecord(root string, g *pipeline.Graph, runID string, stderr io.Writer) *report.Recorder {
	rec, err := report.NewRecorder(root, runID, g)
	if err != nil {
		fmt.Fprintf(stderr, "runjob: warning: this run will not be recorded: %v\n", err)
		return nil
	}
	return rec
}

// recordRoot is where run records go: .runjob/runs beside the pipeline
// file (from the real pipeline, not the masked copy the sinks see).
func recordRoot(g *pipeline.Graph) string {
	return filepath.Join(g.Pipeline().Dir, ".runjob", "runs")
}

// finishRecord writes report.json, report.html and, when asked, the JUnit
// file. Failing to write them is reported but does not change the exit
// code: the steps' outcome is what the code says.
func finishRecord(rec *report.Recorder, res *executor.Result, junit string, stderr io.Writer) {
	if rec == nil {
		return
	}
	rep, err := rec.Finish(res)
	if err != nil {
		fmt.Fprintf(stderr, "runjob: warning: %v\n", err)
	}
	if junit != "" {
		if err := writeJUnit(junit, rep); err != nil {
			fmt.Fprintf(stderr, "runjob: warning: --junit: %v\n", err)
		}
	}
	fmt.Fprintf(stderr, "run record: %s\n", filepath.Join(rep.Dir, report.HTMLFile))
}

func writeJUnit(path string, rep *report.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := report.WriteJUnit(f, rep); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
