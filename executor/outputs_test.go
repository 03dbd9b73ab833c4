package executor_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// outputGraph builds a graph of the given steps, each on image "img".
func outputGraph(t *testing.T, steps ...*pipeline.Step) *pipeline.Graph {
	t.Helper()
	for _, s := range steps {
		s.Image = "img"
	}
	g, err := pipeline.NewGraph(&pipeline.Pipeline{Name: "t", Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func writes(content string) fake.Script {
	return fake.Script{Files: map[string]string{executor.OutputPath: content}}
}

func TestOutputsAreResolvedBeforeTheContainerIsBuilt(t *testing.T) {
	ref := pipeline.OutputRef("build", "version")
	eng := fake.New().
		On("build", writes("version=1.4.2\r\nnotes<<EOF\nline 1\nline 2\nEOF\n")).
		On("use", fake.Script{Files: map[string]string{"/out/1.4.2/f": "x"}})
	res := run(t, eng, outputGraph(t,
		&pipeline.Step{Name: "build"},
		&pipeline.Step{Name: "use", Command: []string{"echo", "v" + ref}, Workdir: "/w/" + ref,
			Env:       map[string]string{"V": ref, "N": pipeline.OutputRef("build", "notes")},
			Artifacts: []pipeline.Artifact{{Name: "o", Path: "/out/" + ref}}},
	))
	if got, want := statuses(res), "build=ok use=ok"; got != want {
		t.Fatalf("statuses = %s, want %s (%v)", got, want, res.Steps[1].Err)
	}
	if want := map[string]string{"version": "1.4.2", "notes": "line 1\nline 2"}; !maps.Equal(res.Steps[0].Outputs, want) {
		t.Errorf("outputs = %q, want %q", res.Steps[0].Outputs, want)
	}
	spec, _ := eng.Spec("use")
	if spec.Env["V"] != "1.4.2" || spec.Env["N"] != "line 1\nline 2" || spec.Command[1] != "v1.4.2" || spec.Workdir != "/w/1.4.2" {
		t.Errorf("use's spec: env %q, command %q, workdir %q", spec.Env, spec.Command, spec.Workdir)
	}
	// use's outputs nobody reads: its $RUNJOB_OUTPUT goes nowhere.
	if spec.Env[pipeline.OutputEnv] != executor.DiscardedOutputPath {
		t.Errorf("use's $%s = %q", pipeline.OutputEnv, spec.Env[pipeline.OutputEnv])
	}
	if spec, _ := eng.Spec("build"); spec.Env[pipeline.OutputEnv] != executor.OutputPath {
		t.Errorf("build's $%s = %q", pipeline.OutputEnv, spec.Env[pipeline.OutputEnv])
	}
	if a := res.Steps[1].Artifacts; len(a) != 1 || a[0].Path != "/out/1.4.2" || a[0].Files != 1 {
		t.Errorf("artifact at a resolved path: %+v", a)
	}
}

func TestOutputFileIsCreatedEmpty(t *testing.T) {
	eng := fake.New().On("uses", fake.Script{Exit: 0})
	res := run(t, eng, outputGraph(t, &pipeline.Step{Name: "quiet"},
		&pipeline.Step{Name: "uses", Env: map[string]string{"V": pipeline.OutputRef("quiet", "v")}},
		&pipeline.Step{Name: "alone"}))
	if body, ok := eng.Files("quiet")[executor.OutputPath]; !ok || body != "" {
		t.Errorf("output file in the container: %q, %v", body, ok)
	}
	if res.Steps[0].Status != executor.StatusOK || res.Steps[0].Outputs != nil {
		t.Errorf("a step that wrote nothing: %s, outputs %q", res.Steps[0].Status, res.Steps[0].Outputs)
	}
	// A step whose outputs no step refers to gets no file to write, and
	// nothing is read back: $RUNJOB_OUTPUT is /dev/null.
	if _, ok := eng.Files("alone")[executor.OutputPath]; ok {
		t.Error("an output file was created for a step whose outputs nobody reads")
	}
	if spec, _ := eng.Spec("alone"); spec.Env[pipeline.OutputEnv] != executor.DiscardedOutputPath {
		t.Errorf("alone's $%s = %q", pipeline.OutputEnv, spec.Env[pipeline.OutputEnv])
	}
}

func TestMissingOutputFailsTheDependentWithoutRunningIt(t *testing.T) {
	eng := fake.New().On("build", writes("version=1\nnotes=n\n"))
	res := run(t, eng, outputGraph(t,
		&pipeline.Step{Name: "build"},
		&pipeline.Step{Name: "deploy", Env: map[string]string{"T": pipeline.OutputRef("build", "tag")}},
		&pipeline.Step{Name: "after", DependsOn: []pipeline.Dependency{{Step: "deploy"}}},
	))
	if got, want := statuses(res), "build=ok deploy=failed after=skipped"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	msg := res.Steps[1].Err.Error()
	for _, want := range []string{`step "deploy"`, `output "tag"`, `step "build"`, "did not write it", "it wrote notes, version"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if slices.Contains(eng.Calls(), "Create deploy") {
		t.Errorf("deploy's container was created: %v", eng.Calls())
	}
}

func TestMalformedOutputFileFailsTheStep(t *testing.T) {
	eng := fake.New().On("build", writes("ok=1\nnot an output\n"))
	res := run(t, eng, outputGraph(t,
		&pipeline.Step{Name: "build"},
		&pipeline.Step{Name: "use", Env: map[string]string{"V": pipeline.OutputRef("build", "ok")}},
	))
	if got, want := statuses(res), "build=failed use=skipped"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if err := res.Steps[0].Err; err == nil || !strings.Contains(err.Error(), "$RUNJOB_OUTPUT line 2: want key=value") {
		t.Errorf("error = %v", err)
	}
	if res.Steps[0].Outputs != nil {
		t.Errorf("a failed step has outputs %q", res.Steps[0].Outputs)
	}
}

func TestOutputsOfAFailedStepAreNotRead(t *testing.T) {
	s := writes("v=1\n")
	s.Exit = 1
	eng := fake.New().On("try", s)
	res := run(t, eng, outputGraph(t,
		&pipeline.Step{Name: "try", AllowFailure: true},
		&pipeline.Step{Name: "use", Env: map[string]string{"V": pipeline.OutputRef("try", "v")}},
	))
	if got, want := statuses(res), "try=failed_allowed use=failed"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if err := res.Steps[1].Err; err == nil || !strings.Contains(err.Error(), "ended failed_allowed and has no outputs") {
		t.Errorf("error = %v", err)
	}
}

// A step that refers to an output is not created ahead while the step
// writing it runs (its values are not known yet), unlike its sibling.
func TestStepUsingOutputsIsNotCreatedAhead(t *testing.T) {
	gate := make(chan struct{})
	s := writes("v=7\n")
	s.Gate = gate
	eng := fake.New().On("a", s)
	done := make(chan *executor.Result)
	go func() {
		done <- run(t, eng, outputGraph(t,
			&pipeline.Step{Name: "a"},
			&pipeline.Step{Name: "plain", DependsOn: []pipeline.Dependency{{Step: "a"}}},
			&pipeline.Step{Name: "uses", Command: []string{"echo", pipeline.OutputRef("a", "v")}},
		))
	}()
	ok := waitCall(t, eng, "Create plain")
	if ok && slices.Contains(eng.Calls(), "Create uses") {
		t.Errorf("uses was created before a finished: %v", eng.Calls())
	}
	close(gate)
	res := <-done
	if got, want := statuses(res), "a=ok plain=ok uses=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if spec, _ := eng.Spec("uses"); spec.Command[1] != "7" {
		t.Errorf("command = %q", spec.Command)
	}
}

// Secrets and outputs resolve in one pass: an output whose value looks like
// a secret's placeholder stays text, and never becomes the secret.
func TestSecretsAndOutputsCombine(t *testing.T) {
	eng := fake.New().On("a", writes("v="+pipeline.SecretRef("t")+"\n"))
	res := run(t, eng, outputGraph(t,
		&pipeline.Step{Name: "a"},
		&pipeline.Step{Name: "b", Env: map[string]string{"X": pipeline.SecretRef("t") + "/" + pipeline.OutputRef("a", "v")}},
	), executor.WithSecrets(map[string]string{"t": "s3cr3t"}))
	if got, want := statuses(res), "a=ok b=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if spec, _ := eng.Spec("b"); spec.Env["X"] != "s3cr3t/"+pipeline.SecretRef("t") {
		t.Errorf("X = %q", spec.Env["X"])
	}
}

func TestOversizedOutputFileFailsTheStep(t *testing.T) {
	eng := fake.New().On("big", writes("a="+strings.Repeat("x", pipeline.MaxOutputBytes)+"\n"))
	res := run(t, eng, outputGraph(t, &pipeline.Step{Name: "big"},
		&pipeline.Step{Name: "uses", Env: map[string]string{"A": pipeline.OutputRef("big", "a")}}))
	if err := res.Steps[0].Err; res.Steps[0].Status != executor.StatusFailed || err == nil || !strings.Contains(err.Error(), "more than 1 MiB") {
		t.Errorf("%s: %v", res.Steps[0].Status, err)
	}
}
