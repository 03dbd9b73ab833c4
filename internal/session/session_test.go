package session

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/pipeline"
)

// closable is the fake engine as a session.Engine.
type closable struct{ *fake.Engine }

func (closable) Close() error { return nil }

// loadFile writes src as pipeline.hcl in a fresh directory and loads it.
func loadFile(t *testing.T, src string) *pipeline.Graph {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pipeline.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var diags bytes.Buffer
	g, err := Load(Source{File: path}, &diags, noEnv)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, diags.String())
	}
	return g
}

func noEnv(string) (string, bool) { return "", false }

// outcomeOf is one run on the fake engine: its error, and what it wrote.
type outcomeOf struct {
	err            error
	stdout, stderr string
}

func runFake(t *testing.T, ctx context.Context, g *pipeline.Graph, eng *fake.Engine, o Options) outcomeOf {
	t.Helper()
	var stdout, stderr bytes.Buffer
	o.Stdout, o.Stderr = &stdout, &stderr
	if o.LogFormat == "" {
		o.LogFormat = "plain"
	}
	if o.LookupEnv == nil {
		o.LookupEnv = noEnv
	}
	err := Run(ctx, g, o, func(context.Context) (Engine, error) { return closable{eng}, nil })
	return outcomeOf{err, stdout.String(), stderr.String()}
}

const twoSteps = `
step "a" {
  image   = "busybox:latest"
  command = ["true"]
}
step "b" {
  image      = "busybox:latest"
  command    = ["true"]
  depends_on = [step.a]
}
`

// Each way a run can end maps to its kind.
func TestRunKinds(t *testing.T) {
	g := loadFile(t, twoSteps)
	cases := map[string]struct {
		eng  func() *fake.Engine
		want errkind.Kind
	}{
		"ok":     {func() *fake.Engine { return fake.New() }, errkind.OK},
		"failed": {func() *fake.Engine { return fake.New().On("a", fake.Script{Exit: 3}) }, errkind.Failed},
		"engine": {func() *fake.Engine { return fake.New().FailPull("busybox:latest", cerrdefs.ErrUnavailable) }, errkind.Engine},
		"oom":    {func() *fake.Engine { return fake.New().On("b", fake.Script{Exit: 137, OOMKilled: true}) }, errkind.Failed},
		"refused": {func() *fake.Engine {
			return fake.New().On("a", fake.Script{Fail: map[string]error{"Create": errors.New("no")}})
		}, errkind.Engine},
	}
	for name, c := range cases {
		r := runFake(t, context.Background(), g, c.eng(), Options{})
		if got := errkind.Of(r.err); got != c.want {
			t.Errorf("%s: %s (%v), want %s\n%s", name, got, r.err, c.want, r.stderr)
		}
		if !strings.Contains(r.stderr, "2 steps:") {
			t.Errorf("%s: no summary:\n%s", name, r.stderr)
		}
	}
}

func TestRunInterruptedIsInterrupted(t *testing.T) {
	g := loadFile(t, twoSteps)
	gate := make(chan struct{})
	defer close(gate)
	eng := fake.New().On("a", fake.Script{Gate: gate})
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel(errors.New("interrupted by interrupt")) }()
	r := runFake(t, ctx, g, eng, Options{})
	if errkind.Of(r.err) != errkind.Interrupted || !strings.Contains(r.err.Error(), "interrupted by interrupt") {
		t.Fatalf("got %v (%s)", r.err, errkind.Of(r.err))
	}
	if left := eng.Leftovers(); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}

// A secret that cannot be read is a usage error before the engine is
// even asked for, naming the secret and never a value.
func TestRunMissingSecretIsUsage(t *testing.T) {
	g := loadFile(t, `
secret "tok" {
  env = "RUNJOB_SESSION_TOKEN"
}
step "a" {
  image = "busybox:latest"
  env   = { T = secret.tok }
}
`)
	connected := false
	var stderr bytes.Buffer
	err := Run(context.Background(), g, Options{LogFormat: "plain", Stdout: &stderr, Stderr: &stderr, LookupEnv: noEnv},
		func(context.Context) (Engine, error) { connected = true; return closable{fake.New()}, nil })
	if errkind.Of(err) != errkind.Usage || !strings.Contains(err.Error(), `secret "tok"`) || connected {
		t.Fatalf("got %v (%s), connected %v", err, errkind.Of(err), connected)
	}
}

// An engine that cannot be reached ends the run with the connect error's
// kind, and its text masked.
func TestRunConnectErrorIsMasked(t *testing.T) {
	g := loadFile(t, `
variable "host" {
  sensitive = true
  default   = "tcp://hidden-Host-77:2375"
}
step "a" {
  image = "busybox:latest"
  env   = { H = var.host }
}
`)
	var out bytes.Buffer
	err := Run(context.Background(), g, Options{LogFormat: "plain", Stdout: &out, Stderr: &out, LookupEnv: noEnv},
		func(context.Context) (Engine, error) {
			return nil, errkind.Errorf(errkind.Engine, "cannot reach tcp://hidden-Host-77:2375")
		})
	if errkind.Of(err) != errkind.Engine || strings.Contains(err.Error(), "hidden-Host") || !strings.Contains(err.Error(), "***") {
		t.Fatalf("got %q (%s)", err, errkind.Of(err))
	}
}

// Resources of a run whose process is gone are reported once, at the start.
func TestRunWarnsAboutLeftovers(t *testing.T) {
	host, _ := os.Hostname()
	eng := fake.New().AddResource(executor.Resource{Kind: executor.ResourceContainer, Name: "old", Created: time.Now(),
		Labels: map[string]string{executor.LabelRunID: "20261122-234757-8f6abc", executor.LabelHost: host, executor.LabelPID: "0"}})
	r := runFake(t, context.Background(), loadFile(t, twoSteps), eng, Options{LogFormat: "json"})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.stdout, `"event":"leftovers"`) || !strings.Contains(r.stdout, `"leftovers":1`) {
		t.Errorf("no leftovers event:\n%s", r.stdout)
	}
}
