package pipeline

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// build makes a pipeline from "name:dep1,dep2" specs.
func build(specs ...string) *Pipeline {
	p := &Pipeline{Name: "t"}
	for i, spec := range specs {
		name, deps, _ := strings.Cut(spec, ":")
		s := &Step{Name: name, Image: "busybox", Pos: Pos{File: "t.hcl", Line: i + 1, Column: 1}}
		for _, d := range strings.Split(deps, ",") {
			if d != "" {
				s.DependsOn = append(s.DependsOn, Dependency{Step: d, Pos: Pos{File: "t.hcl", Line: i + 1, Column: 20}})
			}
		}
		p.Steps = append(p.Steps, s)
	}
	return p
}

func names(g *Graph, idx []int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = g.Step(i).Name
	}
	return out
}

func TestGraphOrderIsTopologicalAndStable(t *testing.T) {
	g, err := NewGraph(build("test:build", "lint", "build", "package:test,lint"))
	if err != nil {
		t.Fatal(err)
	}
	got := names(g, g.Order())
	want := []string{"lint", "build", "test", "package"}
	if !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	if deps := names(g, g.Deps(3)); !slices.Equal(deps, []string{"test", "lint"}) {
		t.Fatalf("deps(package) = %v", deps)
	}
	if ds := names(g, g.Dependents(2)); !slices.Equal(ds, []string{"test"}) {
		t.Fatalf("dependents(build) = %v", ds)
	}
}

func TestGraphErrors(t *testing.T) {
	cases := []struct {
		name  string
		specs []string
		want  []string
	}{
		{"duplicate", []string{"a", "a"}, []string{`t.hcl:2:1: duplicate step "a": first declared at t.hcl:1:1`}},
		{"unknown with suggestion", []string{"build", "test:biuld"}, []string{`t.hcl:2:20: step "test" depends on unknown step "biuld" (did you mean "build"?)`}},
		{"unknown", []string{"test:zzzzzz"}, []string{`step "test" depends on unknown step "zzzzzz"`}},
		{"self", []string{"a:a"}, []string{`step "a" depends on itself`}},
		{"cycle", []string{"a:c", "b:a", "c:b"}, []string{"t.hcl:1:20: dependency cycle: a -> c -> b -> a"}},
		{"all at once", []string{"a:b", "b:a", "c:nope"}, []string{"dependency cycle: a -> b -> a", `unknown step "nope"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewGraph(build(tc.specs...))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("err = %v, want Errors", err)
			}
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d: %v", len(errs), len(tc.want), err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestGraphArtifactChecks(t *testing.T) {
	p := build("a")
	p.Steps[0].Artifacts = []Artifact{{Name: "out", Path: "/out"}, {Name: "out", Path: "rel"}}
	_, err := NewGraph(p)
	if err == nil || !strings.Contains(err.Error(), `declares artifact "out" twice`) || !strings.Contains(err.Error(), "must be absolute") {
		t.Fatalf("err = %v", err)
	}
}

func TestGraphDuplicateDepsCollapse(t *testing.T) {
	g, err := NewGraph(build("a", "b:a,a"))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Deps(1)) != 1 || len(g.Dependents(0)) != 1 {
		t.Fatalf("deps = %v dependents = %v", g.Deps(1), g.Dependents(0))
	}
}
