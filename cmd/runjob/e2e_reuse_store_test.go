package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A stored entry changed on disk is found out: the step runs (and is
// stored again), and the log says why it was not reused.
func TestE2EReuseTamperedEntry(t *testing.T) {
	p := newReuseProject(t, reuseMissPipeline, map[string]string{"src/a.txt": "hello\n"})
	tok := []string{"REUSE_TOK=tok-Ab3x9"}
	p.run(tok)
	blobs, _ := filepath.Glob(filepath.Join(p.cacheDir, "reuse", "entries", "*", "blobs", "*"))
	if len(blobs) == 0 {
		t.Fatalf("no blobs under %s", p.cacheDir)
	}
	for _, b := range blobs {
		flipLastByte(t, b)
	}
	r := p.run(tok)
	if r.code != 0 || r.statuses() != "build=ok test=ok" {
		t.Fatalf("run over a tampered store: %s\n%s", r.statuses(), r.stdout)
	}
	if !strings.Contains(r.stdout, "corrupt or was tampered with") {
		t.Errorf("the log does not say the entry was tampered with:\n%s", r.stdout)
	}
	if r := p.run(tok); r.statuses() != "build=reused test=reused" {
		t.Errorf("after the tampered entries were replaced: %s", r.statuses())
	}
}

func flipLastByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		t.Fatalf("read %s: %v (%d bytes)", path, err, len(b))
	}
	b[len(b)-1] ^= 0x20
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Runs of three copies of a pipeline at once share one store: all
// succeed, and then each step is reused by a fourth.
func TestE2EReuseConcurrentRuns(t *testing.T) {
	cache := t.TempDir()
	var projects []*reuseProject
	for range 3 {
		p := newReuseProject(t, reuseMissPipeline, map[string]string{"src/a.txt": "hello\n"})
		p.cacheDir, p.env = cache, []string{"RUNJOB_CACHE_DIR=" + cache, "REUSE_TOK=tok-Ab3x9"}
		projects = append(projects, p)
	}
	type ran struct {
		out string
		err error
	}
	done := make(chan ran, len(projects))
	for _, p := range projects {
		go func() {
			cmd := exec.Command(binary, p.file)
			cmd.Env = append(os.Environ(), p.env...)
			out, err := cmd.CombinedOutput()
			done <- ran{string(out), err}
		}()
	}
	for range projects {
		r := <-done
		if m := runIDPattern.FindStringSubmatch(r.out); m != nil {
			dockertest.NoLeftovers(t, dockertest.Engine(t), m[1])
		}
		if r.err != nil {
			t.Errorf("a concurrent run: %v\n%s", r.err, r.out)
		}
	}
	for _, p := range projects {
		if r := p.run(nil); r.statuses() != "build=reused test=reused" {
			t.Errorf("%s after the concurrent runs: %s\n%s", p.file, r.statuses(), r.stdout)
		}
	}
}
