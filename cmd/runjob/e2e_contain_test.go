package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// hostSecret makes a directory outside the pipeline's, holding a file whose
// content is unique to the test, and returns the directory and the content.
func hostSecret(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	secret := "host-secret-" + executor.NewRunID()
	mustWrite(t, filepath.Join(dir, "secret"), secret)
	return dir, secret
}

// Symlinks inside a host input are copied as links, never read through: a
// step given ./src, where src holds links to a host file outside the
// pipeline's directory (absolute and climbing), sees dangling links in its
// own filesystem, never the file.
func TestInputLinksAreCopiedAsLinks(t *testing.T) {
	dockertest.Engine(t)
	outside, secret := hostSecret(t)
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "src", "ok.txt"), "ok")
	rel, err := filepath.Rel(filepath.Join(dir, "src"), filepath.Join(outside, "secret"))
	if err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"abs": filepath.Join(outside, "secret"), "up": rel, "dir": outside} {
		if err := os.Symlink(target, filepath.Join(dir, "src", name)); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "pipeline.hcl")
	mustWrite(t, p, `
step "reader" {
  image  = "busybox:latest"
  script = "cat /src/ok.txt; echo; for l in abs up dir/secret; do cat /src/$l 2>/dev/null || echo unreadable=$l; done; readlink /src/abs"
  input "src" {
    from = "./src"
    to   = "/src"
  }
}`)
	r := runjob(t, nil, p, "--artifacts", filepath.Join(dir, "artifacts"))
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, secret) {
		t.Fatalf("the host file reached the container:\n%s", r.stdout)
	}
	for _, want := range []string{"ok", "unreadable=abs", "unreadable=up", "unreadable=dir/secret", filepath.Join(outside, "secret")} {
		if !strings.Contains(r.stdout, "reader | "+want+"\n") {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// An input whose own path goes through a symlink out of the pipeline's
// directory is refused: at load time with the position of its from (exit
// 2), and, when a step swaps a directory for such a link during the run,
// at copy time, failing the step that names it (exit 1). The host file
// never reaches a container either way.
func TestInputThroughLinkOutIsRefused(t *testing.T) {
	dockertest.Engine(t)
	outside, secret := hostSecret(t)
	dir := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "pipeline.hcl")
	mustWrite(t, p, `
step "reader" {
  image   = "busybox:latest"
  command = ["cat", "/in/secret"]
  input "data" {
    from = "./data"
    to   = "/in"
  }
}`)
	r := runjob(t, nil, p)
	if r.code != 2 || !strings.Contains(r.stderr, "pipeline.hcl:6:12:") || !strings.Contains(r.stderr, "leads out of the pipeline directory") {
		t.Errorf("load: exit %d, want 2 with the from position\n%s", r.code, r.stderr)
	}

	// ws/data is a real directory when the pipeline loads; swap replaces it
	// through its writable mount with a link to the outside directory.
	mustWrite(t, filepath.Join(dir, "ws", "data", "f"), "inside")
	p = filepath.Join(dir, "swap.hcl")
	mustWrite(t, p, `
step "swap" {
  image  = "busybox:latest"
  script = "rm -rf /ws/data && ln -s `+outside+` /ws/data"
  mount {
    source = "./ws"
    target = "/ws"
  }
}
step "reader" {
  image      = "busybox:latest"
  depends_on = [step.swap]
  command    = ["cat", "/in/secret"]
  input "data" {
    from = "./ws/data"
    to   = "/in"
  }
}`)
	r = runjob(t, nil, p)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (the reader step fails)\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, secret) {
		t.Fatalf("the host file reached the container:\n%s\n%s", r.stdout, r.stderr)
	}
	if !regexp.MustCompile(`reader.*input "data".*leads out of`).MatchString(r.stderr) {
		t.Errorf("stderr does not name the step, the input and the reason:\n%s", r.stderr)
	}
}

// A step that leaves links to a host path in its artifact cannot use them:
// the export keeps them as links inside the artifacts directory, nothing is
// written outside it, and a step taking the artifact as input sees links
// into its own filesystem, never the host file.
func TestArtifactLinksCannotReachTheHost(t *testing.T) {
	dockertest.Engine(t)
	outside, secret := hostSecret(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "pipeline.hcl")
	mustWrite(t, p, `
step "evil" {
  image  = "busybox:latest"
  script = "mkdir -p /out && ln -s `+outside+`/secret /out/abs && ln -s `+outside+` /out/dir && ln -s ../../../../../../../..`+outside+`/secret /out/up"
  artifact "out" {
    path = "/out"
  }
}
step "reader" {
  image  = "busybox:latest"
  script = "for l in abs dir/secret up; do cat /in/$l 2>/dev/null || echo unreadable=$l; done"
  input "out" {
    from = step.evil.artifact.out
    to   = "/in"
  }
}`)
	arts := filepath.Join(dir, "artifacts")
	r := runjob(t, nil, p, "--artifacts", arts)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, secret) {
		t.Fatalf("the host file reached the container:\n%s", r.stdout)
	}
	for _, l := range []string{"abs", "dir/secret", "up"} {
		if !strings.Contains(r.stdout, "unreadable="+l) {
			t.Errorf("reader read %s:\n%s", l, r.stdout)
		}
	}
	for _, name := range []string{"abs", "dir", "up"} {
		fi, err := os.Lstat(filepath.Join(arts, "evil", "out", name))
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("artifact entry %s: %v, %v; want a link kept as a link", name, fi, err)
		}
	}
	if ents, err := os.ReadDir(outside); err != nil || len(ents) != 1 || ents[0].Name() != "secret" {
		t.Errorf("the outside directory changed: %v, %v", ents, err)
	}
}

// A step declared with a read-only mount sees that mount and nothing else
// of the host: no docker socket, no other bind mount, no way to gain
// privileges (no-new-privileges), and it cannot write to the mount.
func TestDeclaredMountIsTheOnlyHostPath(t *testing.T) {
	podman := dockertest.IsPodman(dockertest.Engine(t))
	outside, _ := hostSecret(t)
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "shared", "f"), "shared")
	p := filepath.Join(dir, "pipeline.hcl")
	mustWrite(t, p, `
step "probe" {
  image  = "busybox:latest"
  user   = "65534"
  script = <<-EOT
    test -e /var/run/docker.sock && echo socket=yes || echo socket=no
    test -e `+outside+` && echo outside=seen || echo outside=unseen
    test -e `+dir+` && echo pipeline_dir=seen || echo pipeline_dir=unseen
    echo shared=$(cat /shared/f)
    touch /shared/g 2>/dev/null && echo shared=writable || echo shared=readonly
    grep NoNewPrivs /proc/self/status | tr -d '\t'
    awk '{print "mount=" $2}' /proc/mounts
  EOT
  mount {
    source    = "./shared"
    target    = "/shared"
    readonly  = true
  }
}`)
	r := runjob(t, nil, p)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"socket=no", "outside=unseen", "pipeline_dir=unseen", "shared=shared", "shared=readonly", "NoNewPrivs:1", "mount=/shared"} {
		if !strings.Contains(r.stdout, "probe | "+want+"\n") {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, m := range regexp.MustCompile(`mount=(\S+)`).FindAllStringSubmatch(r.stdout, -1) {
		switch p := m[1]; {
		case p == "/" || p == "/shared" || p == "/etc/resolv.conf" || p == "/etc/hostname" || p == "/etc/hosts":
		case strings.HasPrefix(p+"/", "/proc/") || strings.HasPrefix(p+"/", "/dev/") || strings.HasPrefix(p+"/", "/sys/"):
		case podman && p == "/run/.containerenv": // Podman's "you are in a container" file
		default:
			t.Errorf("unexpected mount point %s in the container", p)
		}
	}
}
