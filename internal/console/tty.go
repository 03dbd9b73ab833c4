package console

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/bytesize"
)

// liveTick is the live view's fastest redraw: often enough to look alive,
// seldom enough that a chatty step cannot make the terminal flicker.
const liveTick = 100 * time.Millisecond

// liveTail is how many of a step's last lines a failure shows.
const liveTail = 10

// liveView is the tty format: a block of lines under everything printed so
// far, one per active step, redrawn in place; everything above it is
// permanent (finished steps, retries, artifacts, warnings). Step output is
// not printed: it is kept in the run record, and here only its last line
// (and a failed step's last lines) is shown. Output lines, events and log
// messages arrive on different goroutines; mu orders them.
type liveView struct {
	term    *terminal
	now     func() time.Time
	lines   executor.Output
	notices *Notices // routed through the view while the run lasts

	mu      sync.Mutex
	steps   map[string]*liveStep
	active  []*liveStep
	queued  int
	drawn   int
	dirty   bool
	stopped chan struct{}
	done    chan struct{}
}

type liveStep struct {
	name    string
	image   string
	running bool
	queued  bool
	shown   bool
	start   time.Time
	pull    *executor.PullProgress
	tail    [liveTail][]byte
	n       int // lines seen; tail is a ring indexed by n
}

// newTTY is the tty format: the live view on stderr, runjob's own log
// messages as permanent lines above it.
func newTTY(e *env) Format {
	lv := newLiveView(newTerminal(e.stderr, e.LookupEnv), time.Now, e.Notices)
	return parts{Output: lv, Observer: lv, log: e.humanLogger(lv.logWriter())}
}

func newLiveView(term *terminal, now func() time.Time, notices *Notices) *liveView {
	v := &liveView{term: term, now: now, notices: notices, steps: map[string]*liveStep{}}
	v.lines = executor.NewLineOutput(0, v.line)
	return v
}

// Open implements executor.Output.
func (v *liveView) Open(step string) (io.WriteCloser, io.WriteCloser) { return v.lines.Open(step) }

// line keeps a step's line for its status and its failure tail. A kept
// line is cut short: only a terminal's width of it is ever shown live.
func (v *liveView) line(step string, _ executor.Stream, line []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := v.step(step)
	slot := &s.tail[s.n%liveTail]
	*slot = append((*slot)[:0], line[:min(len(line), 1024)]...)
	s.n++
	v.dirty = true
}

func (v *liveView) step(name string) *liveStep {
	s := v.steps[name]
	if s == nil {
		s = &liveStep{name: name}
		v.steps[name] = s
	}
	return s
}

// Event implements executor.Observer.
func (v *liveView) Event(ev executor.Event) {
	// Before taking mu: a notice being written holds notices' lock and
	// waits for mu.
	switch ev.Kind {
	case executor.EventRunStarted:
		v.notices.route(v.logWriter())
	case executor.EventRunFinished:
		v.notices.route(nil)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	switch ev.Kind {
	case executor.EventRunStarted:
		v.stopped, v.done = make(chan struct{}), make(chan struct{})
		go v.tick()
	case executor.EventStepQueued:
		s := v.step(ev.Step)
		s.queued, s.image = true, ev.Image
		v.queued++
	case executor.EventImagePull:
		v.show(v.step(ev.Step)).pull = ev.Pull
	case executor.EventStepStarted:
		s := v.show(v.step(ev.Step))
		s.running, s.start, s.pull = true, ev.Time, nil
	case executor.EventStepRetrying:
		v.permanent(fmt.Sprintf("%s %s attempt %d failed: %v; retrying in %s",
			v.term.paint("33", "↻"), ev.Step, ev.Attempt, ev.Err, ev.Delay))
	case executor.EventStepTimeout:
		v.permanent(fmt.Sprintf("%s %s %v", v.term.paint("33", "⏱"), ev.Step, ev.Err))
		for _, p := range ev.Processes {
			v.permanent("    " + processLine(p))
		}
	case executor.EventArtifactExported:
		a := ev.Artifact
		v.permanent(fmt.Sprintf("  %s: artifact %s -> %s (%d files, %s)", ev.Step, a.Name, a.Dir, a.Files, bytesize.Format(a.Bytes)))
	case executor.EventStepFinished:
		v.finished(ev.Result)
	case executor.EventRunFinished:
		if v.stopped != nil {
			v.mu.Unlock()
			close(v.stopped)
			<-v.done
			v.mu.Lock()
		}
		v.redraw(nil, false)
	}
	v.dirty = true
}

// show puts a step in the live block (once) and takes it off the queue.
func (v *liveView) show(s *liveStep) *liveStep {
	if s.queued {
		s.queued = false
		v.queued--
	}
	if !s.shown {
		s.shown = true
		v.active = append(v.active, s)
	}
	return s
}

// finished collapses a step into its permanent line; a failure adds the
// step's last lines, which say why far more often than the exit code does.
func (v *liveView) finished(r *executor.StepResult) {
	s := v.step(r.Name)
	if s.queued {
		s.queued = false
		v.queued--
	}
	for i, a := range v.active {
		if a == s {
			v.active = append(v.active[:i], v.active[i+1:]...)
			break
		}
	}
	lines := []string{v.resultLine(r)}
	if r.Status.Failed() && s.n > 0 {
		for i := max(0, s.n-liveTail); i < s.n; i++ {
			lines = append(lines, v.term.paint("2", "  │ ")+v.term.clean(s.tail[i%liveTail]))
		}
	}
	v.permanent(lines...)
}
