package executor_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/internal/stepcache"
	"github.com/runjob/runjob/pipeline"
)

// reuseEnv is a store and an artifacts directory shared by the runs of one
// test, as consecutive runs of a pipeline share them.
type reuseEnv struct {
	t         *testing.T
	store     *stepcache.Store
	dir       string
	artifacts string
}

func newReuseEnv(t *testing.T) *reuseEnv {
	dir := t.TempDir()
	st, err := stepcache.Open(dir, stepcache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &reuseEnv{t: t, store: st, dir: dir, artifacts: t.TempDir()}
}

func (re *reuseEnv) storeDir(*testing.T) string { return re.dir }

// run runs g on a fresh fake engine scripted by script, with reuse, and
// returns the result, the engine and the executor's log.
func (re *reuseEnv) run(g *pipeline.Graph, script func(*fake.Engine), opts ...executor.Option) (*executor.Result, *fake.Engine, string) {
	re.t.Helper()
	eng := fake.New()
	if script != nil {
		script(eng)
	}
	var log syncBuffer
	out := &recordOutput{by: map[string]*bytes.Buffer{}}
	opts = append([]executor.Option{executor.WithArtifactsDir(re.artifacts), executor.WithReuse(re.store),
		executor.WithLogger(zerolog.New(&log)), executor.WithOutput(out)}, opts...)
	res, err := executor.New(eng, opts...).Run(context.Background(), g)
	if err != nil {
		re.t.Fatal(err)
	}
	if left := eng.Leftovers(); len(left) > 0 {
		re.t.Fatalf("containers not removed: %v", left)
	}
	return res, eng, log.String() + out.String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
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

// recordOutput keeps each step's output, stdout and stderr together.
type recordOutput struct {
	mu sync.Mutex
	by map[string]*bytes.Buffer
}

func (o *recordOutput) Open(step string) (io.WriteCloser, io.WriteCloser) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.by[step] == nil {
		o.by[step] = &bytes.Buffer{}
	}
	w := &stepWriter{o: o, b: o.by[step]}
	return w, w
}

type stepWriter struct {
	o *recordOutput
	b *bytes.Buffer
}

func (w *stepWriter) Write(p []byte) (int, error) {
	w.o.mu.Lock()
	defer w.o.mu.Unlock()
	return w.b.Write(p)
}
func (w *stepWriter) Close() error { return nil }

func (o *recordOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var b strings.Builder
	for step, buf := range o.by {
		for _, l := range strings.SplitAfter(buf.String(), "\n") {
			if l != "" {
				b.WriteString("[" + step + "] " + l)
			}
		}
	}
	return b.String()
}

// chain is build -> test -> package, all reusable: build writes an
// artifact that test takes, and an output that package reads.
func chain(t *testing.T, mutate func(p *pipeline.Pipeline)) *pipeline.Graph {
	t.Helper()
	p := &pipeline.Pipeline{Name: "chain", Steps: []*pipeline.Step{
		{Name: "build", Image: "img", Command: []string{"make"}, Reuse: true,
			Artifacts: []pipeline.Artifact{{Name: "bin", Path: "/out"}}},
		{Name: "test", Image: "img", Command: []string{"test"}, Reuse: true,
			Inputs: []pipeline.Input{{Name: "bin", FromStep: "build", FromArtifact: "bin", To: "/bin"}}},
		{Name: "package", Image: "img", Reuse: true, DependsOn: []pipeline.Dependency{{Step: "test"}},
			Command: []string{"pack", pipeline.OutputRef("build", "version")}},
	}}
	if mutate != nil {
		mutate(p)
	}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func scriptChain(version, bin string) func(*fake.Engine) {
	return func(e *fake.Engine) {
		e.On("build", fake.Script{Stdout: "building\n", Stderr: "warning: x\n", Files: map[string]string{
			"/out/app": bin, executor.OutputPath: "version=" + version + "\n"}})
		e.On("test", fake.Script{Stdout: "PASS\n"})
		e.On("package", fake.Script{Stdout: "packed\n"})
	}
}

func created(eng *fake.Engine) []string {
	var out []string
	for _, c := range eng.Calls() {
		if strings.HasPrefix(c, "Create ") {
			out = append(out, strings.TrimPrefix(c, "Create "))
		}
	}
	return out
}
