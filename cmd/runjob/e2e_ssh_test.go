package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// DOCKER_HOST=ssh://root@127.0.0.1:PORT reaches the engine through a
// private sshd and the docker CLI's connection helper: the hello example's
// attach stream, a pipeline's input and artifact (archive copies both
// ways) and prune all work over it, and the run leaves nothing behind.
func TestRunOverSSH(t *testing.T) {
	sshd := dockertest.StartSSHD(t)
	env := sshd.Env()

	dir := t.TempDir()
	hello, err := os.ReadFile("../../examples/hello.hcl")
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "hello.hcl"), string(hello)) // its run record goes here
	r := runjob(t, env, filepath.Join(dir, "hello.hcl"))
	if r.code != 0 || !strings.Contains(r.stdout, "hello | hello world") {
		t.Fatalf("hello over ssh: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	mustWrite(t, filepath.Join(dir, "src", "in.txt"), "from the host\n")
	p := filepath.Join(dir, "pipeline.hcl")
	mustWrite(t, p, `
step "make" {
  image  = "busybox:latest"
  script = "mkdir -p /out && cat /src/in.txt > /out/result.txt && echo made >> /out/result.txt && cat /out/result.txt"
  input "src" {
    from = "./src"
    to   = "/src"
  }
  artifact "result" {
    path = "/out"
  }
}
step "check" {
  image  = "busybox:latest"
  script = "cat /in/result.txt"
  input "result" {
    from = step.make.artifact.result
    to   = "/in"
  }
}`)
	arts := filepath.Join(dir, "artifacts")
	r = runjob(t, env, p, "--artifacts", arts)
	if r.code != 0 || !strings.Contains(r.stdout, "check | from the host") || !strings.Contains(r.stdout, "check | made") {
		t.Fatalf("pipeline over ssh: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(arts, "make", "result", "result.txt"))
	if err != nil || string(got) != "from the host\nmade\n" {
		t.Fatalf("artifact over ssh: %q, %v", got, err)
	}

	r = runjob(t, env, "prune", "--run", r.runID)
	if r.code != 0 {
		t.Fatalf("prune over ssh: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// An ssh host where nothing listens is an engine error (exit 3) naming
// the host, well within the first ping's timeout.
func TestSSHHostUnreachable(t *testing.T) {
	sshd := dockertest.StartSSHD(t) // for its key and options
	host := "ssh://root@127.0.0.1:" + strconv.Itoa(dockertest.FreePort(t))
	t0 := time.Now()
	r := runjob(t, []string{"DOCKER_HOST=" + host, "RUNJOB_SSH_OPTS=" + sshd.Opts()}, write(t, "step \"hello\" {\n  image = \"busybox:latest\"\n  command = [\"true\"]\n}\n"))
	took := time.Since(t0)
	if r.code != 3 || !strings.Contains(r.stderr, "cannot reach the Docker engine at "+host) {
		t.Fatalf("exit %d, want 3 naming %s\n%s", r.code, host, r.stderr)
	}
	if took > pingTimeout {
		t.Fatalf("took %s, more than the ping timeout %s", took, pingTimeout)
	}

	// A key sshd does not know: authentication fails at once, no prompt.
	t0 = time.Now()
	r = runjob(t, []string{"DOCKER_HOST=" + sshd.Host(), "RUNJOB_SSH_OPTS=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -i /dev/null"},
		write(t, "step \"hello\" {\n  image = \"busybox:latest\"\n  command = [\"true\"]\n}\n"))
	took = time.Since(t0)
	if r.code != 3 || !strings.Contains(r.stderr, "cannot reach the Docker engine at "+sshd.Host()) ||
		!strings.Contains(r.stderr, "Permission denied") {
		t.Fatalf("exit %d, want 3 naming %s and the refusal\n%s", r.code, sshd.Host(), r.stderr)
	}
	if took > pingTimeout {
		t.Fatalf("failed authentication took %s, more than the ping timeout %s", took, pingTimeout)
	}
}
