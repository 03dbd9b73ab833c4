package executor_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// buildGraph is a pipeline with a build node per image name (its context a
// temp dir with a Dockerfile) and steps "name=image" using them.
func buildGraph(t *testing.T, images []string, steps ...string) *pipeline.Graph {
	t.Helper()
	p := &pipeline.Pipeline{Name: "t"}
	for _, name := range images {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM busybox:latest\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		p.Steps = append(p.Steps, &pipeline.Step{Name: pipeline.BuildNode(name), Base: pipeline.BuildNode(name),
			Build: &pipeline.Build{Name: name, Context: dir, Dockerfile: "Dockerfile"}})
	}
	for _, spec := range steps {
		name, image, _ := strings.Cut(spec, "=")
		p.Steps = append(p.Steps, &pipeline.Step{Name: name, Image: pipeline.ImageRef(image)})
	}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Two steps using one image wait for its one build and run the image it
// made, by ID; the untagged image is removed when the run ends.
func TestOneBuildForTwoSteps(t *testing.T) {
	gate := make(chan struct{})
	eng := fake.New().OnBuild("image.app", fake.BuildScript{Output: "Step 1/1 : FROM busybox:latest\n", Gate: gate})
	g := buildGraph(t, []string{"app"}, "a=app", "b=app")
	time.AfterFunc(20*time.Millisecond, func() { close(gate) })
	var rec recorder
	res := run(t, eng, g, executor.WithConcurrency(4), executor.WithObserver(&rec))
	if !res.OK() {
		t.Fatalf("run failed: %s", statuses(res))
	}
	calls := eng.Calls()
	if n := slices.Index(calls, "Build image.app"); n < 0 || slices.Index(calls[n+1:], "Build image.app") >= 0 {
		t.Fatalf("want exactly one build, calls %v", calls)
	}
	id := res.Steps[0].ImageID
	if !strings.HasPrefix(id, "sha256:") {
		t.Fatalf("build node's ImageID %q", id)
	}
	_, built := eng.Span("image.app")
	for _, step := range []string{"a", "b"} {
		spec, ok := eng.Spec(step)
		if !ok || spec.Image != id {
			t.Errorf("step %s ran image %q, want the built %q", step, spec.Image, id)
		}
		if start, _ := eng.Span(step); start.Before(built) {
			t.Errorf("step %s started before its build finished", step)
		}
	}
	if left := eng.Images(); len(left) > 0 {
		t.Errorf("untagged built images left: %v", left)
	}
	started := rec.kinds(executor.EventStepStarted)
	if len(started) == 0 || started[0].Step != "image.app" || started[0].Node != executor.NodeBuild {
		t.Errorf("first step_started %+v; want the build node's, with Node build", started)
	}
}

// Two builds run at once within -j, bounded like steps.
func TestTwoBuildsRunConcurrently(t *testing.T) {
	eng := fake.New().
		OnBuild("image.a", fake.BuildScript{Sleep: 50 * time.Millisecond}).
		OnBuild("image.b", fake.BuildScript{Sleep: 50 * time.Millisecond})
	res := run(t, eng, buildGraph(t, []string{"a", "b"}, "x=a", "y=b"), executor.WithConcurrency(2))
	if !res.OK() {
		t.Fatalf("run failed: %s", statuses(res))
	}
	if p := eng.Peak(); p != 2 {
		t.Fatalf("peak %d, want the two builds at once", p)
	}
	eng = fake.New().
		OnBuild("image.a", fake.BuildScript{Sleep: 20 * time.Millisecond}).
		OnBuild("image.b", fake.BuildScript{Sleep: 20 * time.Millisecond})
	run(t, eng, buildGraph(t, []string{"a", "b"}, "x=a", "y=b"), executor.WithConcurrency(1))
	if p := eng.Peak(); p != 1 {
		t.Fatalf("peak %d under -j 1", p)
	}
}

// A failed build fails its node with the instruction and the last output,
// skips the steps that use it, and leaves the others alone.
func TestFailedBuildSkipsItsUsers(t *testing.T) {
	eng := fake.New().OnBuild("image.bad", fake.BuildScript{
		Output: "Step 2/2 : RUN make\nmake: *** No rule to make target\n",
		Err:    &executor.BuildError{Instruction: "Step 2/2 : RUN make", Msg: "returned a non-zero code: 2", Code: 2},
	})
	res := run(t, eng, buildGraph(t, []string{"bad", "good"}, "x=bad", "y=good"))
	by := map[string]*executor.StepResult{}
	for _, r := range res.Steps {
		by[r.Name] = r
	}
	bad := by["image.bad"]
	if bad.Status != executor.StatusFailed || bad.ExitCode != 2 {
		t.Fatalf("build node: %s exit %d, want failed 2", bad.Status, bad.ExitCode)
	}
	for _, want := range []string{"RUN make", "non-zero code: 2", "No rule to make target"} {
		if !strings.Contains(bad.Err.Error(), want) {
			t.Errorf("build error %q lacks %q", bad.Err, want)
		}
	}
	if x := by["x"]; x.Status != executor.StatusSkipped || !strings.Contains(x.Err.Error(), "image.bad") {
		t.Errorf("x: %s %v, want skipped for image.bad", x.Status, x.Err)
	}
	if by["y"].Status != executor.StatusOK || by["image.good"].Status != executor.StatusOK {
		t.Errorf("unrelated nodes: %s", statuses(res))
	}
}

// Tagged images stay, untagged ones go; both carry the run's labels. The
// context reaches the engine without what .dockerignore excludes, but
// with the Dockerfile and .dockerignore themselves.
func TestBuiltImagesLabelsTagsAndDockerignore(t *testing.T) {
	g := buildGraph(t, []string{"kept", "gone"}, "x=kept", "y=gone")
	kept := g.Step(0).Build
	kept.Tags = []string{"runjob-test/kept:dev"}
	for name, body := range map[string]string{".dockerignore": "*.log\nDockerfile\nsecret/\n", "app.log": "x", "main.go": "x", "secret/key": "x"} {
		path := filepath.Join(kept.Context, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	eng := fake.New()
	res := run(t, eng, g, executor.WithRunID("run-1"))
	if !res.OK() {
		t.Fatalf("run failed: %s", statuses(res))
	}
	if got, want := eng.BuildContext("image.kept"), []string{".dockerignore", "Dockerfile", "main.go"}; !slices.Equal(got, want) {
		t.Errorf("context %v, want %v", got, want)
	}
	left, err := eng.Resources(context.Background(), map[string]string{executor.LabelRunID: "run-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].Kind != executor.ResourceImage || !slices.Equal(left[0].Tags, kept.Tags) ||
		left[0].Labels[executor.LabelStep] != "image.kept" {
		t.Fatalf("left %+v, want only the tagged image, labelled", left)
	}
}
