package console

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"

	"github.com/runjob/runjob/executor"
)

// githubMaxBytes bounds what is held of one step's output until the step
// finishes: its last lines up to this size are shown, the ones before are
// counted and pointed to the run record, which has them all.
const githubMaxBytes = 4 << 20

// githubSummaryMax bounds what runjob appends to $GITHUB_STEP_SUMMARY:
// GitHub rejects a step summary over 1 MiB (and shows none of it), so a
// huge table is cut, with a note, below that, leaving room for what the
// job's step wrote before and for masking to lengthen a value.
const githubSummaryMax = 1<<20 - 64<<10

// githubView is the github format. Steps run in parallel but a log group
// must be contiguous, so each step's lines are held (bounded) and printed
// as one ::group:: when the step finishes, on stdout. Failed steps get an
// ::error annotation, lifecycle lines go to the human log on stderr, and on
// run_finished the summary is appended to $GITHUB_STEP_SUMMARY.
type githubView struct {
	stdout, stderr io.Writer
	stepSummary    func() (io.WriteCloser, error) // nil: none
	// token makes ::stop-commands:: unguessable, so a step's output cannot
	// issue workflow commands (::add-mask::, ::error::) of its own.
	token string
	human executor.Observer

	mu    sync.Mutex
	held  map[string]*heldLines
	lines executor.Output
}

type heldLines struct {
	lines   [][]byte
	bytes   int
	dropped int
}

// newGitHub is the github format: log groups on stdout, the human log
// and annotations on stderr.
func newGitHub(e *env) Format {
	log := e.humanLogger(e.stderr)
	gh := newGitHubView(e.stdout, e.stderr, e.StepSummary, e.token, &logObserver{log: log, human: true})
	return parts{Output: gh, Observer: gh, log: log}
}

func newGitHubView(stdout, stderr io.Writer, stepSummary func() (io.WriteCloser, error), token string, human executor.Observer) *githubView {
	v := &githubView{stdout: stdout, stderr: stderr, stepSummary: stepSummary, token: token, human: human,
		held: map[string]*heldLines{}}
	v.lines = executor.NewLineOutput(0, v.hold)
	return v
}

// randomToken returns a fresh token for ::stop-commands::.
func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "runjob-" + hex.EncodeToString(b)
}

// Open implements executor.Output.
func (v *githubView) Open(step string) (io.WriteCloser, io.WriteCloser) { return v.lines.Open(step) }

func (v *githubView) hold(step string, _ executor.Stream, line []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	h := v.held[step]
	if h == nil {
		h = &heldLines{}
		v.held[step] = h
	}
	h.lines = append(h.lines, append([]byte(nil), lastCRSegment(line)...))
	h.bytes += len(line)
	for h.bytes > githubMaxBytes && len(h.lines) > 1 {
		h.bytes -= len(h.lines[0])
		h.lines[0] = nil
		h.lines = h.lines[1:]
		h.dropped++
	}
}

// Event implements executor.Observer.
func (v *githubView) Event(ev executor.Event) {
	v.human.Event(ev)
	switch ev.Kind {
	case executor.EventStepFinished:
		v.flush(ev.Step, ev.Result)
	case executor.EventRunFinished:
		v.finish(ev.Run)
	}
}

// flush prints a step's group in one write, so nothing lands inside it.
func (v *githubView) flush(step string, r *executor.StepResult) {
	v.mu.Lock()
	h := v.held[step]
	delete(v.held, step)
	v.mu.Unlock()
	if h != nil {
		var b []byte
		b = fmt.Appendf(b, "::group::%s (%s)\n::stop-commands::%s\n", escapeData(step), r.Status, v.token)
		if h.dropped > 0 {
			b = fmt.Appendf(b, "[runjob: %d earlier lines not shown; the run record's logs/ has them all]\n", h.dropped)
		}
		for _, l := range h.lines {
			b = append(append(b, l...), '\n')
		}
		b = fmt.Appendf(b, "::%s::\n::endgroup::\n", v.token)
		_, _ = v.stdout.Write(b)
	}
	if r.Status.Failed() {
		msg := fmt.Sprintf("step %s %s", step, r.Status)
		switch {
		case r.Err != nil:
			msg += ": " + r.Err.Error()
		case r.ExitCode >= 0:
			msg += fmt.Sprintf(": exit code %d", r.ExitCode)
		}
		fmt.Fprintf(v.stderr, "::error title=%s::%s\n", escapeProperty("runjob: step "+step+" "+string(r.Status)), escapeData(msg))
	}
}

// finish flushes steps that never finished (none should be left) and
// appends the summary table to $GITHUB_STEP_SUMMARY.
func (v *githubView) finish(res *executor.Result) {
	for _, s := range res.Steps {
		v.mu.Lock()
		_, left := v.held[s.Name]
		v.mu.Unlock()
		if left {
			v.flush(s.Name, s)
		}
	}
	if v.stepSummary == nil {
		return
	}
	f, err := v.stepSummary()
	if err == nil {
		_, err = io.WriteString(f, markdownSummary(res, githubSummaryMax))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(v.stderr, "runjob: warning: GITHUB_STEP_SUMMARY: %v\n", err)
	}
}
