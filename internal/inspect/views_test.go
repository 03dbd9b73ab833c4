package inspect

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/runjob/runjob/internal/errkind"
)

func TestPlan(t *testing.T) {
	check(t, masked(t, loadDemo(t), Plan), `pipeline demo: 3 steps

1. build
   image:       busybox:latest (pull never)
   command:     sh -c "(sensitive)"
   workdir:     /src
   env:         MODE=release
   env:         TOKEN=(sensitive)
   cache:       deps: /cache (volume runjob-cache-demo-deps)
   artifact:    bin: /out (always)

2. test
   image:       (sensitive)
   command:     echo "a b"
   depends on:  build
   input:       bin: step build artifact bin -> /in
   notes:       allow_failure

3. docs
   image:       busybox:latest
   notes:       skipped (when = false)
`)
}

// List's columns are aligned on what it renders; unmasked here, so the
// layout is the contract's and not the masker's.
func TestList(t *testing.T) {
	var b bytes.Buffer
	render(t, loadDemo(t), List, &b)
	check(t, b.String(), `STEP   IMAGE                     DEPENDS ON  NOTES
build  busybox:latest            -
test   busybox:`+secret+`  build       allow_failure
docs   busybox:latest            -           skipped (when = false)
`)
}

func TestGraphDot(t *testing.T) {
	check(t, masked(t, loadDemo(t), graphView("dot")), `digraph "demo" {
  rankdir=LR;
  node [shape=box];
  { rank=same; "build"; "docs"; }
  { rank=same; "test"; }
  "build" [label="build\nbusybox:latest"];
  "docs" [label="docs\nbusybox:latest", style=dashed];
  "test" [label="test\n(sensitive)"];
  "build" -> "test";
}
`)
}

func TestGraphMermaid(t *testing.T) {
	check(t, masked(t, loadDemo(t), graphView("mermaid")), `flowchart LR
  s0["build<br/>busybox:latest"]
  s2["docs<br/>busybox:latest"]
  s1["test<br/>(sensitive)"]
  s0 --> s1
`)
}

func TestGraphJSON(t *testing.T) {
	var out struct {
		Pipeline string
		Steps    []struct {
			Name, Base, Image string
			DependsOn         []string `json:"depends_on"`
			Skip              bool
			Layer, Order      int
			X, Y, W, H        float64
		}
		Order []string
	}
	got := masked(t, loadDemo(t), graphView("json"))
	if err := json.Unmarshal([]byte(got), &out); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if out.Pipeline != "demo" || len(out.Steps) != 3 || strings.Join(out.Order, " ") != "build test docs" {
		t.Fatalf("graph = %+v", out)
	}
	build, test, docs := out.Steps[0], out.Steps[1], out.Steps[2]
	if build.Name != "build" || build.Base != "build" || build.DependsOn == nil || len(build.DependsOn) != 0 || build.Layer != 0 || build.W == 0 {
		t.Errorf("build = %+v", build)
	}
	if test.Image != Replacement || strings.Join(test.DependsOn, ",") != "build" || test.Layer != 1 || test.X <= build.X {
		t.Errorf("test = %+v", test)
	}
	if !docs.Skip || docs.Layer != 0 || docs.Order != 1 {
		t.Errorf("docs = %+v", docs)
	}
	if !strings.Contains(got, "\n  \"steps\": [\n") {
		t.Errorf("not indented by two spaces:\n%s", got)
	}
}

func TestGraphUnknownFormatIsUsage(t *testing.T) {
	var b bytes.Buffer
	err := Graph(&b, loadDemo(t), "svg")
	if errkind.Of(err) != errkind.Usage || b.Len() != 0 {
		t.Fatalf("err = %v (kind %v), wrote %q", err, errkind.Of(err), b.String())
	}
}

// Every view hides the sensitive value behind Masked, in one write.
func TestViewsMaskSensitiveValues(t *testing.T) {
	g := loadDemo(t)
	for name, v := range views() {
		t.Run(name, func(t *testing.T) {
			got := masked(t, g, v)
			if strings.Contains(got, secret) || !strings.Contains(got, Replacement) {
				t.Errorf("the sensitive value is not masked:\n%s", got)
			}
		})
	}
}

type failingWriter struct{}

var errFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errFull }

func TestViewsReturnTheWritersError(t *testing.T) {
	g := loadDemo(t)
	for name, v := range views() {
		if err := v(failingWriter{}, g); !errors.Is(err, errFull) {
			t.Errorf("%s: err = %v, want %v", name, err, errFull)
		}
	}
	if _, err := ValidateJSON(failingWriter{}, nil); !errors.Is(err, errFull) {
		t.Errorf("ValidateJSON: err = %v, want %v", err, errFull)
	}
}
