package inspect

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

const secret = "tok-5e1f-inspect"

// demo is a small pipeline with a sensitive value in a command, an env
// variable and an image tag, so every view has something to mask.
const demo = `
variable "token" {
  type      = string
  sensitive = true
}

pipeline {
  name = "demo"
}

step "build" {
  image   = "busybox:latest"
  pull    = "never"
  command = ["sh", "-c", "echo ${var.token} > /out/x"]
  workdir = "/src"
  env = {
    TOKEN = var.token
    MODE  = "release"
  }
  cache "deps" {
    path = "/cache"
  }
  artifact "bin" {
    path = "/out"
    when = "always"
  }
}

step "test" {
  image         = "busybox:${var.token}"
  command       = ["echo", "a b"]
  allow_failure = true
  input "bin" {
    from = step.build.artifact.bin
    to   = "/in"
  }
}

step "docs" {
  image = "busybox:latest"
  when  = false
}
`

// load writes src to a temporary file and loads it with token set.
func load(t *testing.T, src string) (*pipeline.Graph, hcl.Diagnostics) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "p.hcl")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return hclconfig.New(hclconfig.WithVars(map[string]string{"token": secret})).Load(p)
}

func loadDemo(t *testing.T) *pipeline.Graph {
	t.Helper()
	g, diags := load(t, demo)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return g
}

// A view renders into the writer it is given, through Masked as the CLI
// does; it must write once, so a value is never split across writes.
type view func(w io.Writer, g *pipeline.Graph) error

func graphView(format string) view {
	return func(w io.Writer, g *pipeline.Graph) error { return Graph(w, g, format) }
}

// views are every view, each graph format among them.
func views() map[string]view {
	vs := map[string]view{"plan": Plan, "list": List}
	for _, f := range GraphFormats {
		vs["graph "+f] = graphView(f)
	}
	return vs
}

// render runs v into w through a counter and fails the test unless v
// wrote exactly once.
func render(t *testing.T, g *pipeline.Graph, v view, w io.Writer) {
	t.Helper()
	cw := &countingWriter{w: w}
	if err := v(cw, g); err != nil {
		t.Fatal(err)
	}
	if cw.writes != 1 {
		t.Errorf("the view wrote %d times, want once", cw.writes)
	}
}

// masked renders v through Masked, as the CLI does.
func masked(t *testing.T, g *pipeline.Graph, v view) string {
	t.Helper()
	var b bytes.Buffer
	render(t, g, v, Masked(&b, g))
	return b.String()
}

type countingWriter struct {
	w      io.Writer
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return c.w.Write(p)
}

func check(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
