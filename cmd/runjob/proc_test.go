package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// proc is a runjob started in the background with --log-format json, whose
// events a test can wait for before it signals or kills it.
type proc struct {
	cmd    *exec.Cmd
	events chan map[string]any
	stderr *syncBuffer
	done   chan struct{}
	err    error
	runID  string
	runs   map[string]bool // every run ID seen (watch mode runs several)
	seen   []map[string]any
	// eng is where the leftover check looks; nil: the shared engine.
	eng *docker.Engine
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	return startOn(t, nil, env, args...)
}

// startOn is start for a run on eng (nil: the shared engine).
func startOn(t *testing.T, eng *docker.Engine, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, append(args, "--log-format", "json")...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, events: make(chan map[string]any, 100000), stderr: &syncBuffer{}, done: make(chan struct{}), eng: eng}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				p.events <- ev
			}
		}
		close(p.events)
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

// waitFor reads events until one satisfies match, registering the run's
// leftover check on the way.
func (p *proc) waitFor(t *testing.T, what string, match func(ev map[string]any) bool) map[string]any {
	t.Helper()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case ev, ok := <-p.events:
			if !ok {
				t.Fatalf("runjob ended before %s:\n%s", what, p.stderr)
			}
			p.note(t, ev)
			if match(ev) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s within 2 minutes:\n%s", what, p.stderr)
		}
	}
}

func (p *proc) note(t *testing.T, ev map[string]any) {
	p.seen = append(p.seen, ev)
	if id, ok := ev["run_id"].(string); ok && !p.runs[id] {
		if p.runID == "" {
			p.runID = id
		}
		if p.runs == nil {
			p.runs = map[string]bool{}
		}
		p.runs[id] = true
		eng := p.eng
		if eng == nil {
			eng = dockertest.Engine(t)
		}
		dockertest.NoLeftovers(t, eng, id)
	}
}

// output matches an output event of step with the given line.
func output(step, line string) func(map[string]any) bool {
	return func(ev map[string]any) bool {
		return ev["event"] == "output" && ev["step"] == step && ev["line"] == line
	}
}

func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// wait returns runjob's exit code, failing the test if it takes longer than
// two minutes (a hang).
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	return p.waitWithin(t, 2*time.Minute)
}

// waitWithin is wait with a hang detector of d.
func (p *proc) waitWithin(t *testing.T, d time.Duration) int {
	t.Helper()
	timeout := time.After(d)
	for events := p.events; events != nil; {
		select {
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			p.note(t, ev)
		case <-timeout:
			t.Fatalf("runjob did not exit within %s:\n%s", d, p.stderr)
		}
	}
	<-p.done
	var ee *exec.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(p.err)
	return -1
}

// runjobNoCheck runs the binary without touching t (safe from goroutines).
func runjobNoCheck(args ...string) result {
	cmd := exec.Command(binary, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
	if err != nil && cmd.ProcessState == nil {
		r.code, r.stderr = -1, err.Error()
	}
	if m := runIDPattern.FindStringSubmatch(r.stderr); m != nil {
		r.runID = m[1]
	}
	return r
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
