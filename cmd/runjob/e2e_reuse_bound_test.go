package main

import (
	"strings"
	"testing"
)

// RUNJOB_REUSE_MAX_SIZE bounds the store: a run that stores more evicts
// the least recently used entries, and `cache ls` shows the bound. A size
// that does not parse is a usage error before anything runs.
func TestE2EReuseStoreBound(t *testing.T) {
	p := newReuseProject(t, `
pipeline { reuse = true }
step "a" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir /out && head -c 700000 /dev/zero > /out/a"]
  artifact "out" { path = "/out" }
}
step "b" {
  image      = "busybox:latest"
  depends_on = [step.a]
  command    = ["sh", "-c", "mkdir /out && head -c 700000 /dev/zero > /out/b"]
  artifact "out" { path = "/out" }
}`, nil)
	bound := []string{"RUNJOB_REUSE_MAX_SIZE=1m"}
	if r := p.run(bound); r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	ls := runjob(t, append(p.env, bound...), "cache", "ls", "--reuse")
	if ls.code != 0 || !strings.Contains(ls.stdout, "1 entry") || !strings.Contains(ls.stdout, "of 1 MiB") {
		t.Fatalf("cache ls under a 1 MiB bound: exit %d, want 1 entry of 1 MiB:\n%s%s", ls.code, ls.stdout, ls.stderr)
	}
	// b was stored last: a was evicted to make room, so a runs again.
	second := p.run(bound)
	if second.code != 0 || second.statuses() != "a=ok b=reused" {
		t.Fatalf("after eviction: %s (exit %d), want a=ok b=reused\n%s", second.statuses(), second.code, second.stderr)
	}
	bad := runjob(t, append(p.env, "RUNJOB_REUSE_MAX_SIZE=lots"), p.file)
	if bad.code != 2 || !strings.Contains(bad.stderr, `RUNJOB_REUSE_MAX_SIZE="lots"`) {
		t.Fatalf("a bad bound: exit %d, want 2 naming it:\n%s", bad.code, bad.stderr)
	}
}
