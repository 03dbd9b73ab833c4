package docker_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline"
)

// buildNode writes files (path -> content) into a fresh context and
// returns the build node of image name over it.
func buildNode(t *testing.T, name string, files map[string]string) *pipeline.Step {
	t.Helper()
	dir := t.TempDir()
	for p, body := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &pipeline.Step{Name: pipeline.BuildNode(name), Base: pipeline.BuildNode(name),
		Build: &pipeline.Build{Name: name, Context: dir, Dockerfile: "Dockerfile"}}
}

// A Dockerfile build from a context, with an argument and without what
// .dockerignore excludes, is the image its step runs; the untagged image
// is gone after the run (execute checks that nothing of the run is left).
func TestBuildFromContext(t *testing.T) {
	eng := dockertest.Engine(t)
	node := buildNode(t, "app", map[string]string{
		"Dockerfile":    "FROM busybox:latest\nARG GREETING\nCOPY . /ctx\nRUN echo \"$GREETING\" > /greeting\n",
		".dockerignore": "*.log\nsecret/\n",
		"main.txt":      "main",
		"debug.log":     "noise",
		"secret/key":    "hidden",
	})
	node.Build.Args = map[string]string{"GREETING": "hello from the build"}
	use := &pipeline.Step{Name: "use", Image: pipeline.ImageRef("app"),
		Command: []string{"sh", "-c", "cat /greeting; ls -A /ctx"}}
	var out lines
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := execute(t, ctx, eng, []*pipeline.Step{node, use}, executor.WithOutput(out.output()))
	if err != nil || !res.OK() {
		t.Fatalf("run: %v %s %v", err, statuses(res), res.Steps[0].Err)
	}
	if id := res.Steps[0].ImageID; !strings.HasPrefix(id, "sha256:") {
		t.Errorf("build node's image ID %q", id)
	}
	got := strings.Join(out.of("use"), "\n")
	want := "hello from the build\n.dockerignore\nDockerfile\nmain.txt"
	if got != want {
		t.Errorf("step saw:\n%s\nwant:\n%s", got, want)
	}
	if build := strings.Join(out.of("image.app"), "\n"); !strings.Contains(build, `: RUN echo "$GREETING"`) {
		t.Errorf("build output lacks the builder's steps:\n%s", build)
	}
}

// A failing instruction fails the build node with the instruction, the
// builder's message and the last output, and skips the step using it.
func TestBuildErrorNamesTheInstruction(t *testing.T) {
	eng := dockertest.Engine(t)
	node := buildNode(t, "bad", map[string]string{
		"Dockerfile": "FROM busybox:latest\nRUN echo about to fail && exit 3\n",
	})
	use := &pipeline.Step{Name: "use", Image: pipeline.ImageRef("bad"), Command: []string{"true"}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := execute(t, ctx, eng, []*pipeline.Step{node, use})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Steps[0]
	// Docker's builder reports the failing command's exit code; Podman's
	// says "exit status 3" in its message only, so the code is unknown
	// (-1) there, and the instruction is its "STEP 2/2: RUN ..." line.
	code, msg := 3, "returned a non-zero code: 3"
	if dockertest.IsPodman(eng) {
		code, msg = -1, "exit status 3"
	}
	if b.Status != executor.StatusFailed || b.ExitCode != code {
		t.Fatalf("build node %s exit %d (%v), want failed %d", b.Status, b.ExitCode, b.Err, code)
	}
	for _, want := range []string{": RUN echo about to fail && exit 3", msg, "about to fail"} {
		if !strings.Contains(b.Err.Error(), want) {
			t.Errorf("error %q lacks %q", b.Err, want)
		}
	}
	if res.Steps[1].Status != executor.StatusSkipped {
		t.Errorf("user of the failed build: %s", res.Steps[1].Status)
	}
}
