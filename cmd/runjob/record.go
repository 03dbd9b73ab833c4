package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/mask"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/report"
)

// startRecord opens the run directory .runjob/runs/<run-id>/ beside the
// pipeline. A run that cannot be recorded still runs: the user is told why,
// and gets the terminal output and exit code as usual.
func startRecord(g *pipeline.Graph, runID string, stderr io.Writer) *report.Recorder {
	root := filepath.Join(g.Pipeline().Dir, ".runjob", "runs")
	rec, err := report.NewRecorder(root, runID, g)
	if err != nil {
		fmt.Fprintf(stderr, "runjob: warning: this run will not be recorded: %v\n", err)
		return nil
	}
	return rec
}

// finishRecord writes report.json, report.html and, when asked, the JUnit
// file. Failing to write them is reported but does not change the exit code:
// the steps' outcome is what the code says.
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

// maskOutput masks secrets in container output before it is split into
// lines, shown or recorded, so a secret split across writes is still caught.
func maskOutput(out executor.Output, m *mask.Masker) executor.Output {
	if m.Empty() {
		return out
	}
	return maskedOutput{out: out, m: m}
}

type maskedOutput struct {
	out executor.Output
	m   *mask.Masker
}

func (o maskedOutput) Open(step string) (io.WriteCloser, io.WriteCloser) {
	stdout, stderr := o.out.Open(step)
	return maskedStream{o.m.Stream(stdout), stdout}, maskedStream{o.m.Stream(stderr), stderr}
}

// maskedStream flushes what the masker held back, then closes the writer
// underneath, so a final partial line is delivered masked.
type maskedStream struct {
	io.WriteCloser
	next io.Closer
}

func (s maskedStream) Close() error {
	err := s.WriteCloser.Close()
	if cerr := s.next.Close(); err == nil {
		err = cerr
	}
	return err
}

// maskWriter masks each write whole: for writers that receive complete
// messages (log events, the summary), where nothing is split across writes.
type maskWriter struct {
	w io.Writer
	m *mask.Masker
}

func (w maskWriter) Write(p []byte) (int, error) {
	if _, err := w.w.Write(w.m.Bytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap lets terminal detection see the writer underneath.
func (w maskWriter) Unwrap() io.Writer { return w.w }
