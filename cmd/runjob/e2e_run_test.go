package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

func TestHelloExample(t *testing.T) {
	dockertest.Engine(t)
	r := runjob(t, nil, "../../examples/hello.hcl", "--artifacts", t.TempDir())
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if r.stdout != "hello | hello world\n" {
		t.Fatalf("stdout = %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "1 step: 1 ok") {
		t.Fatalf("no summary:\n%s", r.stderr)
	}
}

// exampleExits are the exit codes of the examples that fail on purpose
// (TestOnFailureExample checks the statuses of on_failure.hcl); every
// other example succeeds.
var exampleExits = map[string]int{"on_failure.hcl": 1}

// Every example loads and runs (none needs the network).
func TestExamplesRun(t *testing.T) {
	dockertest.Engine(t)
	dockertest.NeedDebianImage(t) // c-project.hcl builds real C code
	files, _ := filepath.Glob("../../examples/*.hcl")
	if len(files) < 2 {
		t.Fatalf("examples: %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			// A store of its own: reuse.hcl must not write to the user's.
			env := []string{"RUNJOB_CACHE_DIR=" + t.TempDir()}
			if r := runjob(t, env, f, "--artifacts", t.TempDir()); r.code != exampleExits[filepath.Base(f)] {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// Two independent steps run at the same time, and their dependent starts
// only after both: read from the order of JSON events, not from timings.
func TestDAGRunsIndependentStepsConcurrently(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "slow" {
  image   = "busybox:latest"
  command = ["sleep", "3"]
}
step "fast" {
  image   = "busybox:latest"
  command = ["echo", "fast"]
}
step "join" {
  image      = "busybox:latest"
  command    = ["echo", "joined"]
  depends_on = [step.slow, step.fast]
}`)
	r := runjob(t, nil, p, "-j", "2", "--log-format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	evs := events(t, r.stdout)
	fastStarted := index(evs, "event", "step_started", "step", "fast")
	fastDone := index(evs, "event", "step_finished", "step", "fast")
	slowDone := index(evs, "event", "step_finished", "step", "slow")
	joinStarted := index(evs, "event", "step_started", "step", "join")
	if fastStarted < 0 || slowDone < 0 || joinStarted < 0 {
		t.Fatalf("missing events:\n%s", r.stdout)
	}
	if fastDone > slowDone {
		t.Errorf("fast finished after slow: they did not run concurrently")
	}
	if joinStarted < slowDone || joinStarted < fastDone {
		t.Errorf("join started before its dependencies finished")
	}
	if index(evs, "event", "output", "step", "join", "stream", "stdout", "line", "joined") < 0 {
		t.Errorf("join's output missing:\n%s", r.stdout)
	}
}

func TestFailingStepSkipsDependentsAndLetsSiblingsFinish(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "test" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo failing; exit 3"]
}
step "sibling" {
  image   = "busybox:latest"
  command = ["sh", "-c", "sleep 2; echo sibling done"]
}
step "deploy" {
  image      = "busybox:latest"
  command    = ["echo", "must not run"]
  depends_on = [step.test]
}`)
	r := runjob(t, nil, p)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "sibling | sibling done") {
		t.Errorf("sibling did not finish:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "must not run") {
		t.Errorf("dependent of a failed step ran")
	}
	for _, row := range []string{`test\s+failed\s+3\s`, `sibling\s+ok\s+0\s`, `deploy\s+skipped\s+-\s+-\s+-\s+dependency "test" failed`} {
		if !regexp.MustCompile(row).MatchString(r.stderr) {
			t.Errorf("summary lacks %q:\n%s", row, r.stderr)
		}
	}
}

func TestStdoutAndStderrStaySeparate(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "s" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo to-out; echo to-err >&2; printf last-without-newline"]
}`)
	r := runjob(t, nil, p)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if r.stdout != "s | to-out\ns | last-without-newline\n" {
		t.Errorf("stdout = %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "s | to-err\n") || strings.Contains(r.stderr, "to-out") {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestArtifactIsExported(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
variable "word" {
  default = "unset"
}
step "build" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /out/sub && echo ${var.word} > /out/result.txt && echo deep > /out/sub/deep.txt"]
  artifact "out" {
    path = "/out"
  }
}`)
	// Without --artifacts they go beside the pipeline file.
	r := runjob(t, nil, p, "--var", "word=exported")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	dir := filepath.Join(filepath.Dir(p), ".runjob", "artifacts", "build", "out")
	for file, want := range map[string]string{"result.txt": "exported\n", "sub/deep.txt": "deep\n"} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", file, b, err, want)
		}
	}
}

func TestMissingArtifactFailsTheStep(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "build" {
  image   = "busybox:latest"
  command = ["true"]
  artifact "out" {
    path = "/never/made"
  }
}`)
	r := runjob(t, nil, p, "--artifacts", t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "/never/made") {
		t.Fatalf("exit %d, want 1 naming the path\n%s", r.code, r.stderr)
	}
}

func TestBadPipelineExits2WithPosition(t *testing.T) {
	p := write(t, "step \"build\" {\n  image = \"busybox:latest\"\n  comand = [\"true\"]\n}\n")
	for _, args := range [][]string{{p}, {"validate", p}} {
		r := runjob(t, nil, args...)
		if r.code != 2 {
			t.Fatalf("%v: exit %d, want 2", args, r.code)
		}
		if want := p + ":3:3: Error: Unsupported argument"; !strings.Contains(r.stderr, want) {
			t.Fatalf("%v: stderr lacks %q:\n%s", args, want, r.stderr)
		}
		if !strings.Contains(r.stderr, `Did you mean "command"?`) {
			t.Errorf("no suggestion:\n%s", r.stderr)
		}
	}
}

func TestUnreachableDaemonExits3NamingTheAddress(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "no-daemon.sock")
	r := runjob(t, []string{"DOCKER_HOST=unix://" + sock}, "../../examples/hello.hcl")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "unix://"+sock) {
		t.Fatalf("message does not name the address tried:\n%s", r.stderr)
	}
}

func TestMissingImageExits3NamingIt(t *testing.T) {
	dockertest.Engine(t)
	// A registry on a closed loopback port: the pull fails fast, offline.
	p := write(t, `
step "s" {
  image = "127.0.0.1:9/runjob/absent:1"
}`)
	r := runjob(t, nil, p)
	if r.code != 3 || !strings.Contains(r.stderr, "127.0.0.1:9/runjob/absent:1") {
		t.Fatalf("exit %d, want 3 naming the image\n%s", r.code, r.stderr)
	}
}
