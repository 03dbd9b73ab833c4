package session

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/console"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/history"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/report"
)

// run is one run's sinks and engine, composed behind the boundary.
type run struct {
	id       string
	eng      Engine
	view     *console.View
	rec      *report.Recorder
	b        boundary
	o        Options
	stderr   io.Writer // masked, in order with the view's own lines
	output   executor.Output
	observer executor.Observer
}

// newRun builds the sinks, then connects. Every sink is built here, from
// what the boundary gives: the masked graph, masking writers, masked
// events and output. Nothing else writes.
func newRun(ctx context.Context, g *pipeline.Graph, o Options, b boundary, connect Connect) (*run, error) {
	r := &run{id: executor.NewRunID(), b: b, o: o}
	shown := b.graph(g)
	view, err := console.New(o.LogFormat, console.Options{
		Graph: shown, RunID: r.id,
		Stdout: b.writer(o.Stdout), Stderr: b.writer(o.Stderr),
		LookupEnv:   o.LookupEnv,
		StepSummary: b.stepSummary(o.LookupEnv),
		Notices:     o.Notices,
	})
	if err != nil {
		return nil, errkind.New(errkind.Usage, err)
	}
	r.view, r.stderr = view, view.Stderr()
	eng, err := connect(ctx)
	if err != nil {
		view.Close()
		return nil, err
	}
	r.eng = eng
	if d, ok := eng.(Describer); ok {
		log := view.Logger()
		log.Info().Msg(d.Describe())
	}
	warnLeftovers(ctx, eng, view.Logger())
	r.rec = startRecord(recordRoot(g), shown, r.id, r.stderr)
	output, observer := executor.Output(view), executor.Observer(view)
	if r.rec != nil {
		output, observer = report.MultiOutput(output, r.rec), report.MultiObserver(observer, r.rec)
	}
	r.output, r.observer = b.output(output), b.observer(observer)
	return r, nil
}

// finish shows and records the result, masked.
func (r *run) finish(res *executor.Result) {
	shown := r.b.result(res)
	r.view.WriteSummary(shown)
	writeAftermath(r.stderr, shown)
	finishRecord(r.rec, shown, r.o.JUnit, r.stderr)
	if r.rec != nil {
		keepHistory(r.rec, r.o.Retention, r.stderr)
	}
}

// close lets the engine go and flushes the view's streams.
func (r *run) close() {
	_ = r.eng.Close()
	r.view.Close()
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

// keepHistory applies the retention policy to the record directory once
// this run's record is complete; it never removes this run, nor one in
// progress. A failure is a warning: the run's outcome stands.
func keepHistory(rec *report.Recorder, p history.Policy, stderr io.Writer) {
	_, err := history.Prune(history.PruneOptions{Root: filepath.Dir(rec.Dir()), Policy: p, Keep: filepath.Base(rec.Dir())})
	if err != nil {
		fmt.Fprintf(stderr, "runjob: warning: %v\n", err)
	}
}
