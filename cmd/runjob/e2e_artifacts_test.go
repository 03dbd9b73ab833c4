package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// build -> test -> package hands files on as artifacts and inputs; a host
// input arrives without what .runjobignore excludes; every export has a
// manifest beside it.
func TestArtifactsFlowBetweenSteps(t *testing.T) {
	dockertest.Engine(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	for name, body := range map[string]string{
		"main.txt": "source code\n", "notes.tmp": "scratch\n", "sub/keep.txt": "kept\n",
		"build/cache.bin": "junk\n", ".runjobignore": "*.tmp\nbuild/\n",
	} {
		mustWrite(t, filepath.Join(src, name), body)
	}
	p := filepath.Join(dir, "pipeline.hcl")
	mustWrite(t, p, `
step "build" {
  image  = "busybox:latest"
  script = <<-EOT
    ls -R /src | sort > /tmp/listing
    test ! -e /src/notes.tmp && test ! -e /src/build
    mkdir -p /out && cp /src/main.txt /out/app.txt && echo v1 > /out/VERSION
  EOT
  input "src" {
    from = "./src"
    to   = "/src"
  }
  artifact "bin" {
    path = "/out"
  }
}
step "test" {
  image  = "busybox:latest"
  script = <<-EOT
    cat /in/app.txt
    mkdir -p /reports && echo '<testsuite tests="1"/>' > /reports/junit.xml
    echo tested > /in/TESTED
  EOT
  input "bin" {
    from = step.build.artifact.bin
    to   = "/in"
  }
  artifact "tested" {
    path = "/in"
  }
}
step "package" {
  image  = "busybox:latest"
  script = "cd /pkg && ls | sort | tr '\\n' ' ' && tar cf /dist.tar . && mkdir -p /dist && mv /dist.tar /dist/"
  input "tested" {
    from = step.test.artifact.tested
    to   = "/pkg"
  }
  artifact "dist" {
    path = "/dist/dist.tar"
  }
}`)
	arts := filepath.Join(dir, "artifacts")
	r := runjob(t, nil, p, "--artifacts", arts)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "test    | source code") || !strings.Contains(r.stdout, "package | TESTED VERSION app.txt") {
		t.Fatalf("files did not flow:\n%s", r.stdout)
	}
	if fi, err := os.Stat(filepath.Join(arts, "package", "dist", "dist.tar")); err != nil || fi.Size() == 0 {
		t.Fatalf("dist.tar: %v", err)
	}
	var manifest struct {
		Entries []struct {
			Path, SHA256 string
		} `json:"entries"`
	}
	b, err := os.ReadFile(filepath.Join(arts, "build", "bin.manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &manifest); err != nil || !strings.Contains(string(b), "app.txt") {
		t.Fatalf("manifest %s: %v", b, err)
	}
	rep, _ := os.ReadFile(filepath.Join(dir, ".runjob", "runs", r.runID, "report.json"))
	if !strings.Contains(string(rep), `"sha256"`) {
		t.Errorf("report.json has no manifest")
	}
}

// A failing test step still exports its reports with when = always; "/"
// exports the whole filesystem; a symlink to /etc/passwd is kept as a link
// and never followed, and cannot be used to read the host's file as input.
func TestArtifactsOnFailureWholeFSAndSymlinks(t *testing.T) {
	dockertest.Engine(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "pipeline.hcl")
	mustWrite(t, p, `
step "failing" {
  image  = "busybox:latest"
  script = "mkdir -p /reports && echo '<failure/>' > /reports/junit.xml && exit 1"
  artifact "reports" {
    path = "/reports"
    when = "always"
  }
}
step "rootfs" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo marker > /marker"]
  artifact "fs" {
    path = "/"
  }
}
step "evil" {
  image  = "busybox:latest"
  script = "mkdir -p /out && ln -s /etc/passwd /out/passwd && ln -s ../../../../etc/shadow /out/up"
  artifact "out" {
    path = "/out"
  }
}
step "reader" {
  image   = "busybox:latest"
  command = ["sh", "-c", "cat /in/passwd"]
  input "out" {
    from = step.evil.artifact.out
    to   = "/in"
  }
}`)
	arts := filepath.Join(dir, "artifacts")
	r := runjob(t, nil, p, "--artifacts", arts)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(arts, "failing", "reports", "junit.xml")); err != nil || string(b) != "<failure/>\n" {
		t.Errorf("reports of the failing step: %q, %v", b, err)
	}
	if b, err := os.ReadFile(filepath.Join(arts, "rootfs", "fs", "marker")); err != nil || string(b) != "marker\n" {
		t.Errorf("whole-filesystem export: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(arts, "rootfs", "fs", "bin", "busybox")); err != nil {
		t.Errorf("whole-filesystem export lacks /bin/busybox: %v", err)
	}
	// evil's links are kept as links, never followed: the reader step sees
	// its own container's /etc/passwd through the copied link, never the
	// host's file, and nothing was written outside the artifacts.
	if target, err := os.Readlink(filepath.Join(arts, "evil", "out", "passwd")); err != nil || target != "/etc/passwd" {
		t.Errorf("evil/out/passwd: %q, %v; want a link kept as a link", target, err)
	}
	// The busybox image's passwd has exactly these two lines; the host's has
	// more, so reading it would show.
	var read []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if rest, ok := strings.CutPrefix(line, "reader  | "); ok {
			read = append(read, rest)
		}
	}
	if strings.Join(read, "\n") != "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false" {
		t.Errorf("reader did not read exactly its own container's passwd:\n%s", r.stdout)
	}
}

func mustWrite(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// --max-artifact-size stops a runaway export and an oversized input with a
// clear error, failing the step (exit 1), never the engine.
func TestMaxArtifactSize(t *testing.T) {
	dockertest.Engine(t)
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "in", "big.bin"), strings.Repeat("x", 2<<20))
	p := filepath.Join(dir, "pipeline.hcl")
	mustWrite(t, p, `
step "export" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir /out && head -c 3000000 /dev/zero > /out/big"]
  artifact "out" {
    path = "/out"
  }
}
step "import" {
  image   = "busybox:latest"
  command = ["true"]
  input "big" {
    from = "./in"
    to   = "/in"
  }
}`)
	r := runjob(t, nil, p, "--artifacts", filepath.Join(dir, "a"), "--max-artifact-size", "1m")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	if strings.Count(r.stderr, "exceeds size limit") < 2 {
		t.Errorf("both steps should fail on the limit:\n%s", r.stderr)
	}
	if r := runjob(t, nil, p, "--artifacts", filepath.Join(dir, "b"), "--max-artifact-size", "4m"); r.code != 0 {
		t.Fatalf("with room: exit %d\n%s", r.code, r.stderr)
	}
	if r := runjob(t, nil, p, "--max-artifact-size", "lots"); r.code != 2 || !strings.Contains(r.stderr, "not a size") {
		t.Fatalf("bad size: exit %d\n%s", r.code, r.stderr)
	}
}
