package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestOutputRefs(t *testing.T) {
	s := "v" + OutputRef("build", "version") + "-" + OutputRef("test[a:b]", "k-1") + OutputRef("build", "version") + "<output:x:1bad> <output::k>"
	want := []StepOutput{{"build", "version"}, {"test[a:b]", "k-1"}}
	if got := OutputRefs(s); !slices.Equal(got, want) {
		t.Fatalf("OutputRefs = %v, want %v", got, want)
	}
	if got := ShowOutputRefs("v" + OutputRef("build", "version")); got != "v(output of step build)" {
		t.Errorf("ShowOutputRefs = %q", got)
	}
}

func values(m map[string]string) func(StepOutput) (string, error) {
	return func(o StepOutput) (string, error) {
		v, ok := m[o.Step+"."+o.Key]
		if !ok {
			return "", fmt.Errorf("no %s.%s", o.Step, o.Key)
		}
		return v, nil
	}
}

func TestResolveOutputsIsOnePass(t *testing.T) {
	vals := values(map[string]string{"a.x": OutputRef("a", "y"), "a.y": "deep"})
	got, err := ResolveOutputs("["+OutputRef("a", "x")+"]", vals)
	if err != nil || got != "["+OutputRef("a", "y")+"]" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := ResolveOutputs(OutputRef("a", "missing"), vals); err == nil || err.Error() != "no a.missing" {
		t.Fatalf("missing output: %v", err)
	}
}

func TestResolveEnvKeepsSecretsAndOutputsApart(t *testing.T) {
	secrets := map[string]string{"t": "s3cret"}
	vals := values(map[string]string{"a.v": SecretRef("t"), "a.w": "1.2"})
	got, err := ResolveEnv(SecretRef("t")+":"+OutputRef("a", "v")+":"+OutputRef("a", "w"), secrets, vals)
	if want := "s3cret:" + SecretRef("t") + ":1.2"; err != nil || got != want {
		t.Fatalf("got %q, %v; want %q: an output's value is never resolved again", got, err, want)
	}
	if _, err := ResolveEnv(SecretRef("nope"), secrets, vals); err == nil {
		t.Error("unknown secret resolved")
	}
	if _, err := ResolveEnv(OutputRef("a", "nope"), secrets, vals); err == nil {
		t.Error("unknown output resolved")
	}
}

func TestWithOutputs(t *testing.T) {
	s := &Step{
		Name: "use", Command: []string{"echo", OutputRef("a", "v")}, Entrypoint: []string{OutputRef("a", "e")},
		Workdir: "/w/" + OutputRef("a", "v"), User: OutputRef("a", "u"), Env: map[string]string{"V": OutputRef("a", "v")},
		Inputs:    []Input{{Name: "i", To: "/in/" + OutputRef("a", "v")}},
		Artifacts: []Artifact{{Name: "o", Path: OutputRef("a", "p")}},
	}
	want := []StepOutput{{"a", "v"}, {"a", "e"}, {"a", "u"}, {"a", "p"}}
	if got := StepOutputRefs(s); !slices.Equal(got, want) {
		t.Fatalf("StepOutputRefs = %v, want %v", got, want)
	}
	vals := values(map[string]string{"a.v": "1", "a.e": "/bin/sh", "a.u": "1000", "a.p": "/out"})
	r, err := s.WithOutputs(vals)
	if err != nil {
		t.Fatal(err)
	}
	if r.Command[1] != "1" || r.Entrypoint[0] != "/bin/sh" || r.Workdir != "/w/1" || r.User != "1000" ||
		r.Inputs[0].To != "/in/1" || r.Artifacts[0].Path != "/out" || r.Env["V"] != OutputRef("a", "v") {
		t.Errorf("resolved step: %+v", r)
	}
	if s.Command[1] != OutputRef("a", "v") || s.Artifacts[0].Path != OutputRef("a", "p") {
		t.Error("WithOutputs changed its receiver")
	}
	_, err = s.WithOutputs(values(nil))
	if err == nil || errors.Unwrap(err) != nil && err.Error() == "" {
		t.Fatalf("unresolvable step: %v", err)
	}
}

func TestGraphOutputEdges(t *testing.T) {
	p := &Pipeline{Steps: []*Step{
		{Name: "use", Image: "i", Env: map[string]string{"V": OutputRef("make", "v")}},
		{Name: "make", Image: "i"},
	}}
	g, err := NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	if deps := g.Deps(0); !slices.Equal(deps, []int{1}) {
		t.Errorf("use waits for %v, want [1]", deps)
	}
	p.Steps[0].Env["V"] = OutputRef("mkae", "v")
	if _, err := NewGraph(p); err == nil {
		t.Error("an output of an unknown step was accepted")
	}
}
