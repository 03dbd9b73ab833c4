package pipeline

import (
	"slices"
	"strings"
	"testing"
)

func TestInputsFromUpstreamArtifactsAreEdges(t *testing.T) {
	p := build("build", "test")
	p.Steps[0].Artifacts = []Artifact{{Name: "bin", Path: "/out"}}
	p.Steps[1].Inputs = []Input{{Name: "bin", FromStep: "build", FromArtifact: "bin", To: "/in"}}
	g, err := NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(g, g.Deps(1)); !slices.Equal(got, []string{"build"}) {
		t.Fatalf("deps of test = %v, want [build]", got)
	}
}

func TestInputChecks(t *testing.T) {
	cases := map[string]struct {
		in   Input
		want string
	}{
		"unknown step":     {Input{Name: "x", FromStep: "biuld", FromArtifact: "bin", To: "/in"}, `unknown step "biuld" (did you mean "build"?)`},
		"unknown artifact": {Input{Name: "x", FromStep: "build", FromArtifact: "bni", To: "/in"}, `declares no artifact "bni" (did you mean "bin"?)`},
		"relative to":      {Input{Name: "x", From: "/src", To: "in"}, `to = "in" must be an absolute path`},
		"no source":        {Input{Name: "x", To: "/in"}, "needs exactly one source"},
		"two sources":      {Input{Name: "x", From: "/src", FromStep: "build", FromArtifact: "bin", To: "/in"}, "needs exactly one source"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := build("build", "test")
			p.Steps[0].Artifacts = []Artifact{{Name: "bin", Path: "/out"}}
			p.Steps[1].Inputs = []Input{tc.in}
			_, err := NewGraph(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCycleThroughAnInputIsReported(t *testing.T) {
	p := build("build:test", "test")
	p.Steps[0].Artifacts = []Artifact{{Name: "bin", Path: "/out"}}
	p.Steps[1].Inputs = []Input{{Name: "bin", FromStep: "build", FromArtifact: "bin", To: "/in"}}
	if _, err := NewGraph(p); err == nil || !strings.Contains(err.Error(), "dependency cycle: build -> test -> build") {
		t.Fatalf("err = %v", err)
	}
}

func TestOnlyKeepsWhatTheStepsNeed(t *testing.T) {
	p := build("build", "lint", "test:build", "package:test,lint", "docs")
	p.Steps = append(p.Steps,
		&Step{Name: "matrix[a]", Base: "matrix", Key: "a", DependsOn: []Dependency{{Step: "docs"}}},
		&Step{Name: "matrix[b]", Base: "matrix", Key: "b"})
	g, err := NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{
		"test":      {"build", "test"},
		"package":   {"build", "lint", "test", "package"},
		"matrix":    {"docs", "matrix[a]", "matrix[b]"},
		"matrix[b]": {"matrix[b]"},
	}
	for only, want := range cases {
		sub, err := g.Only(only)
		if err != nil {
			t.Fatalf("%s: %v", only, err)
		}
		if got := names(sub, sub.Order()); !slices.Equal(got, want) {
			t.Errorf("Only(%s) = %v, want %v", only, got, want)
		}
	}
	if g.Len() != 7 {
		t.Errorf("Only changed the original graph")
	}
	_, err = g.Only("tset", "matrx")
	if err == nil || !strings.Contains(err.Error(), `no step "tset" in the pipeline (did you mean "test"?)`) ||
		!strings.Contains(err.Error(), `(did you mean "matrix"?)`) {
		t.Fatalf("err = %v", err)
	}
}
