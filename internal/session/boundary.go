package session

import (
	"io"
	"os"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/mask"
	"github.com/runjob/runjob/pipeline"
)

// boundary is the one way text leaves a run. It holds the run's masker
// (sensitive values and secrets) and hands the sinks (console formats, the
// run record, JUnit, the step summary) only masked things: a masked copy
// of the pipeline, masked events and results (every string field, every
// error, through mask.Deep), stream-masked step output and per-write
// masked writers. The sinks are built in one place, sinks(), from what the
// boundary gives, so a sink added there cannot see a raw value.
type boundary struct {
	m *mask.Masker
}

// graph is the pipeline as the sinks see it.
func (b boundary) graph(g *pipeline.Graph) *pipeline.Graph {
	if b.m.Empty() {
		return g
	}
	return g.WithPipeline(mask.Deep(b.m, g.Pipeline()))
}

// result is a finished run as the sinks see it.
func (b boundary) result(r *executor.Result) *executor.Result { return mask.Deep(b.m, r) }

// err is an error as the user sees it, of the same kind.
func (b boundary) err(err error) error {
	if b.m.Empty() || errkind.Message(err) == "" {
		return err
	}
	return errkind.New(errkind.Of(err), b.m.Error(err))
}

// writer masks each write whole: for writers that receive complete
// messages (log events, the summary, notices).
func (b boundary) writer(w io.Writer) io.Writer {
	if b.m.Empty() {
		return w
	}
	return b.m.Writer(w)
}

// stepSummary opens $GITHUB_STEP_SUMMARY for appending, masking what is
// written; nil when it is not set.
func (b boundary) stepSummary(lookup func(string) (string, bool)) func() (io.WriteCloser, error) {
	path, _ := lookup("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	return func() (io.WriteCloser, error) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, err
		}
		return struct {
			io.Writer
			io.Closer
		}{b.writer(f), f}, nil
	}
}

// observer masks every event before o sees it.
func (b boundary) observer(o executor.Observer) executor.Observer {
	if b.m.Empty() {
		return o
	}
	return executor.ObserverFunc(func(ev executor.Event) { o.Event(mask.Deep(b.m, ev)) })
}

// output masks step output on the byte stream, before it is cut into
// lines, so a value split across two writes is still caught; the step's
// name is masked too, as everywhere else.
func (b boundary) output(o executor.Output) executor.Output {
	if b.m.Empty() {
		return o
	}
	return maskedOutput{out: o, m: b.m}
}

type maskedOutput struct {
	out executor.Output
	m   *mask.Masker
}

func (o maskedOutput) Open(step string) (io.WriteCloser, io.WriteCloser) {
	stdout, stderr := o.out.Open(o.m.String(step))
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
