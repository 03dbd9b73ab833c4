package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/stepcache"
)

// fillStore makes a reuse store in cacheDir/reuse with an entry of step
// build of pipeline app.hcl.
func fillStore(t *testing.T, cacheDir string) {
	t.Helper()
	s, err := stepcache.Open(stepcache.DirIn(cacheDir), stepcache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Begin("k1")
	if err != nil {
		t.Fatal(err)
	}
	w, _ := p.Create("stdout")
	io.WriteString(w, strings.Repeat("x", 5000))
	w.Close()
	if err := p.Commit(stepcache.Meta{Pipeline: "/src/app.hcl", Step: "build", RunID: "20240506-070809-abcdef"}); err != nil {
		t.Fatal(err)
	}
}

// `cache ls --reuse` lists the store named by --cache-dir or
// RUNJOB_CACHE_DIR, with no engine; prune removes from it and says what.
func TestCacheReuseCommands(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	dir := t.TempDir()
	fillStore(t, dir)
	code, out, errOut := cli(t, "cache", "ls", "--reuse", "--cache-dir", dir)
	if code != 0 || !strings.Contains(out, "reuse store "+filepath.Join(dir, "reuse")+": 1 entry") ||
		!strings.Contains(out, "/src/app.hcl  build  20240506-070809-abcdef") {
		t.Fatalf("ls: exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv("RUNJOB_CACHE_DIR", dir)
	if code, out, _ := cli(t, "cache", "ls", "--reuse", "--pipeline", "app"); code != 0 || !strings.Contains(out, "build") {
		t.Fatalf("ls from RUNJOB_CACHE_DIR: exit %d\n%s", code, out)
	}
	// Without --reuse the engine is asked too: its trouble is exit 3, and
	// the store is listed all the same.
	code, out, errOut = cli(t, "cache", "ls")
	if code != exitCodes[errkind.Engine] || !strings.Contains(out, "1 entry") || !strings.Contains(errOut, "runjob:") {
		t.Fatalf("ls with no engine: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := cli(t, "cache", "prune", "--keep-size", "1m", "--dry-run"); code != 0 || !strings.Contains(out, "would remove 0 entries") {
		t.Fatalf("prune --keep-size 1m: exit %d\n%s", code, out)
	}
	code, out, _ = cli(t, "cache", "prune", "--reuse", "--pipeline", "/src/app.hcl")
	if code != 0 || !strings.Contains(out, "removed reuse entry of step build of /src/app.hcl (run 20240506-070809-abcdef, ") ||
		!strings.Contains(out, "reuse store: removed 1 entry") {
		t.Fatalf("prune: exit %d\n%s", code, out)
	}
	if code, out, _ := cli(t, "cache", "ls", "--reuse"); code != 0 || !strings.Contains(out, "0 entries") {
		t.Fatalf("ls after prune: exit %d\n%s", code, out)
	}
}

// The flags that cannot go together are usage errors.
func TestCacheFlagConflicts(t *testing.T) {
	t.Setenv("RUNJOB_CACHE_DIR", t.TempDir())
	for _, args := range [][]string{
		{"cache", "ls", "--reuse", "--volumes"},
		{"cache", "prune", "--volumes", "--keep-size", "1g"},
		{"cache", "prune", "--keep-size", "0"},
	} {
		if code, _, errOut := cli(t, args...); code != exitCodes[errkind.Usage] {
			t.Errorf("%q: exit %d, want %d\n%s", args, code, exitCodes[errkind.Usage], errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("RUNJOB_CACHE_DIR"), "reuse")); !os.IsNotExist(err) {
		t.Errorf("a refused command made the store: %v", err)
	}
}

// --cache-dir wins over RUNJOB_CACHE_DIR, which wins over the user's
// cache directory.
func TestReuseStoreDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/x")
	t.Setenv("RUNJOB_CACHE_DIR", "")
	for _, c := range []struct{ flag, env, want string }{
		{"", "", "/x/runjob/reuse"}, {"", "/env", "/env/reuse"}, {"/flag", "/env", "/flag/reuse"},
	} {
		t.Setenv("RUNJOB_CACHE_DIR", c.env)
		if got, err := reuseStoreDir(c.flag); err != nil || got != c.want {
			t.Errorf("flag %q, env %q: %q, %v; want %q", c.flag, c.env, got, err, c.want)
		}
	}
}
