package main

import (
	"context"
	"fmt"
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
