package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

// buildDir writes a pipeline and its build context files (path ->
// content, relative to the pipeline's directory) and returns the
// pipeline's path.
func buildDir(t *testing.T, pipeline string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["pipeline.hcl"] = pipeline
	for p, body := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "pipeline.hcl")
}

// A Dockerfile build used by two steps: one build node, both steps run
// its image, and the untagged image is gone after the run (runjob checks
// every run for leftovers of its run ID, images included).
func TestBuildUsedByTwoSteps(t *testing.T) {
	dockertest.Engine(t)
	p := buildDir(t, `
image "app" {
  context = "./app"
}
step "one" {
  image   = image.app
  command = ["cat", "/built"]
}
step "two" {
  image   = image.app
  command = ["cat", "/built"]
}`, map[string]string{"app/Dockerfile": "FROM busybox:latest\nRUN echo built-by-runjob > /built\n"})
	r := runjob(t, nil, p, "--log-format", "json", "--artifacts", t.TempDir())
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	evs := events(t, r.stdout)
	done := index(evs, "event", "step_finished", "step", "image.app", "node", "build", "status", "ok")
	if done < 0 {
		t.Fatalf("no build node finished ok:\n%s", r.stdout)
	}
	id, _ := evs[done]["image_id"].(string)
	if !strings.HasPrefix(id, "sha256:") {
		t.Errorf("image_id %q", id)
	}
	builds := 0
	for _, e := range evs {
		if e["event"] == "step_started" && e["node"] == "build" {
			builds++
		}
	}
	if builds != 1 {
		t.Errorf("%d builds started, want 1", builds)
	}
	for _, step := range []string{"one", "two"} {
		if i := index(evs, "event", "output", "step", step, "line", "built-by-runjob"); i < done {
			t.Errorf("step %s did not print the built file after the build (event %d, build %d)", step, i, done)
		}
	}
	if out, err := exec.Command("docker", "image", "inspect", id).CombinedOutput(); err == nil {
		t.Errorf("untagged built image %s still exists: %s", id, out)
	}
}

// A multi-stage build with target builds that stage: the step sees the
// stage's file and none of the later stage's.
func TestBuildMultiStageTarget(t *testing.T) {
	dockertest.Engine(t)
	p := buildDir(t, `
image "app" {
  context    = "./app"
  dockerfile = "build/Dockerfile"
  target     = "first"
  args       = { WHO = "the first stage" }
}
step "look" {
  image   = image.app
  command = ["sh", "-c", "cat /stage; test ! -e /second && echo no-second"]
}`, map[string]string{"app/build/Dockerfile": `FROM busybox:latest AS first
ARG WHO
RUN echo "built by $WHO" > /stage
FROM first AS second
RUN touch /second
`})
	r := runjob(t, nil, p, "--artifacts", t.TempDir())
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"built by the first stage", "no-second"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// A failing instruction fails the build (exit 1) with the instruction and
// its output, and skips the step that uses it.
func TestBuildError(t *testing.T) {
	dockertest.Engine(t)
	p := buildDir(t, `
image "app" {
  context = "./app"
}
step "use" {
  image   = image.app
  command = ["true"]
}`, map[string]string{"app/Dockerfile": "FROM busybox:latest\nRUN echo compiling && exit 7\n"})
	r := runjob(t, nil, p, "--log-format", "json", "--artifacts", t.TempDir())
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	evs := events(t, r.stdout)
	i := index(evs, "event", "step_finished", "step", "image.app", "status", "failed")
	if i < 0 {
		t.Fatalf("the build did not fail:\n%s", r.stdout)
	}
	msg, _ := evs[i]["error"].(string)
	code := "returned a non-zero code: 7"
	if dockertest.IsPodman(dockertest.Engine(t)) {
		code = "exit status 7" // Podman's builder words it so (docs/engines.md)
	}
	for _, want := range []string{"RUN echo compiling && exit 7", code, "compiling"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if index(evs, "event", "step_finished", "step", "use", "status", "skipped") < 0 {
		t.Errorf("the user of the failed build was not skipped:\n%s", r.stdout)
	}
}

// Tags are kept after the run, with the run's labels; an untagged image
// of the same run is removed.
func TestBuildTagsKeptUntaggedRemoved(t *testing.T) {
	dockertest.Engine(t)
	tag := fmt.Sprintf("runjob-e2e-%d:dev", time.Now().UnixNano())
	p := buildDir(t, fmt.Sprintf(`
image "kept" {
  context = "./app"
  tags    = [%q]
}
image "gone" {
  context = "./app"
  args    = { X = "2" }
}
step "a" {
  image   = image.kept
  command = ["true"]
}
step "b" {
  image   = image.gone
  command = ["true"]
}`, tag), map[string]string{"app/Dockerfile": "FROM busybox:latest\nARG X=1\nRUN echo $X > /x\n"})
	r := runjob(t, nil, p, "--log-format", "json", "--artifacts", t.TempDir())
	// Registered after runjob's own leftover check, so it runs first.
	t.Cleanup(func() { dockertest.RemoveImage(tag) })
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	out, err := exec.Command("docker", "image", "inspect", "--format", `{{index .Config.Labels "io.runjob.run-id"}} {{index .Config.Labels "io.runjob.step"}}`, tag).CombinedOutput()
	if got := strings.TrimSpace(string(out)); err != nil || got != r.runID+" image.kept" {
		t.Fatalf("tagged image: %q %v; want labels of run %s", got, err, r.runID)
	}
	evs := events(t, r.stdout)
	gone, _ := evs[index(evs, "event", "step_finished", "step", "image.gone")]["image_id"].(string)
	if gone == "" {
		t.Fatal("no image_id for image.gone")
	}
	if out, err := exec.Command("docker", "image", "inspect", gone).CombinedOutput(); err == nil {
		t.Errorf("untagged image %s still exists: %s", gone, out)
	}
}

// A missing context is a load error at the attribute (exit 2), before
// anything runs.
func TestBuildMissingContextIsALoadError(t *testing.T) {
	p := write(t, `image "app" {
  context = "./nope"
}
step "s" {
  image = image.app
}`)
	r := runjob(t, []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}, p)
	if r.code != 2 || !strings.Contains(r.stderr, "pipeline.hcl:2:13") || !strings.Contains(r.stderr, "Build context not found") {
		t.Fatalf("exit %d, want 2 with the position\n%s", r.code, r.stderr)
	}
}

// The README's build examples (fenced "hcl build") load beside
// examples/build, the context they name.
func TestReadmeBuildExamplesLoad(t *testing.T) {
	blocks := regexp.MustCompile("(?s)```hcl build\n(.*?)```").FindAllStringSubmatch(manual(t), -1)
	if len(blocks) == 0 {
		t.Fatal("no build example in the README")
	}
	for i, b := range blocks {
		l := hclconfig.New(hclconfig.WithEnviron(nil))
		file, _ := filepath.Abs(fmt.Sprintf("../../examples/readme-build-%d.hcl", i))
		// var.version is the example's.
		if _, diags := l.LoadSource(file, []byte("variable \"version\" { default = \"1\" }\n"+b[1])); diags.HasErrors() {
			var out strings.Builder
			l.WriteDiagnostics(&out, diags)
			t.Errorf("README build example %d does not load:\n%s\n%s", i+1, b[1], out.String())
		}
	}
}
