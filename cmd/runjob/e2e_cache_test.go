package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A cache carries a file from one run to the next; it is not a leftover
// of either run; `cache ls` shows it with its size; `cache prune` removes
// it (and --older-than spares a cache used just now).
func TestCacheCarriesFileBetweenRunsAndPruneRemovesIt(t *testing.T) {
	eng := dockertest.Engine(t)
	name := fmt.Sprintf("cachetest-%d", time.Now().UnixNano())
	volume := executor.CacheVolume(name, "deps")
	t.Cleanup(func() { runjobNoCheck("cache", "prune", "--pipeline", name) })
	p := write(t, `
pipeline {
  name = "`+name+`"
}
step "use" {
  image  = "busybox:latest"
  script = <<-EOT
    if [ -f /cache/deps/hit ]; then echo "cache hit: $(cat /cache/deps/hit)"; else echo "cache miss"; fi
    echo "$RANDOM-$$" > /cache/deps/hit
    head -c 100000 /dev/zero > /cache/deps/blob
  EOT
  cache "deps" {
    path = "/cache/deps"
  }
}
step "also" {
  image   = "busybox:latest"
  command = ["sh", "-c", "ls /cache/deps > /dev/null && echo shared"]
  cache "deps" {
    path = "/cache/deps"
  }
}`)
	first := runjob(t, nil, p)
	if first.code != 0 || !strings.Contains(first.stdout, "cache miss") || !strings.Contains(first.stdout, "also | shared") {
		t.Fatalf("first run: exit %d\n%s%s", first.code, first.stdout, first.stderr)
	}
	second := runjob(t, nil, p)
	if second.code != 0 || !strings.Contains(second.stdout, "use  | cache hit: ") {
		t.Fatalf("second run did not find the cache: exit %d\n%s%s", second.code, second.stdout, second.stderr)
	}

	ls := runjob(t, nil, "cache", "ls", "--pipeline", name)
	if ls.code != 0 || !strings.Contains(ls.stdout, volume) || !strings.Contains(ls.stdout, "deps") {
		t.Fatalf("cache ls: exit %d\n%s%s", ls.code, ls.stdout, ls.stderr)
	}
	t.Logf("cache ls:\n%s", ls.stdout)

	r := runjob(t, nil, "cache", "prune", "--pipeline", name, "--older-than", "1h")
	if r.code != 0 || !strings.Contains(r.stdout, "cache prune: removed 0") {
		t.Fatalf("prune --older-than removed a cache used just now: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runjob(t, nil, "cache", "prune", "--pipeline", name)
	if r.code != 0 || !strings.Contains(r.stdout, "removed cache deps of pipeline "+name) {
		t.Fatalf("cache prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	caches, err := eng.Caches(context.Background(), name)
	if err != nil || len(caches) != 0 {
		t.Fatalf("after prune: %v %v", caches, err)
	}
	third := runjob(t, nil, p)
	if third.code != 0 || !strings.Contains(third.stdout, "cache miss") {
		t.Fatalf("the cache survived prune: exit %d\n%s%s", third.code, third.stdout, third.stderr)
	}
}

// A bind mount shows the host directory (relative to the pipeline file)
// in the container; read-only means the step cannot write it; a writable
// mount's writes reach the host.
func TestBindMounts(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "read" {
  image  = "busybox:latest"
  script = "cat /data/in.txt; if touch /data/x 2>/dev/null; then echo writable; else echo read-only; fi"
  mount {
    source   = "./data"
    target   = "/data"
    readonly = true
  }
}
step "write" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo from-step > /out/out.txt"]
  mount {
    source = "out"
    target = "/out"
  }
}`)
	dir := filepath.Dir(p)
	for _, d := range []string{"data", "out"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	// The container may run as another user than the test: let it write.
	if err := os.Chmod(filepath.Join(dir, "out"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "in.txt"), []byte("from-host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runjob(t, nil, p)
	if r.code != 0 || !strings.Contains(r.stdout, "read  | from-host") || !strings.Contains(r.stdout, "read  | read-only") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "out.txt"))
	if err != nil || string(b) != "from-step\n" {
		t.Fatalf("host file = %q, %v", b, err)
	}
	// A missing source is a load error naming the attribute, exit 2.
	if err := os.RemoveAll(filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	r = runjob(t, nil, "validate", p)
	if r.code != 2 || !strings.Contains(r.stderr, `pipeline.hcl:6:16: Error: Mount source not found`) {
		t.Fatalf("missing source: exit %d\n%s", r.code, r.stderr)
	}
}
