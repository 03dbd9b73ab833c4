package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// watchPipelineFile writes a pipeline whose step reads a host input, and
// returns the pipeline file and the input file.
func watchPipelineFile(t *testing.T, body string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "src", "version.txt")
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, []byte("v1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "pipeline.hcl")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, src
}

func runFinished(ev map[string]any) bool { return ev["event"] == "run_finished" }

// runjob watch: a run, a change to a host input, a second run that runs
// only the step that reads it (watch turns reuse on), and Ctrl-C between
// runs exits 0 with nothing left on the engine.
func TestWatchRunsAgainOnAnInputChangeAndExitsZeroWhenIdle(t *testing.T) {
	file, src := watchPipelineFile(t, `
step "unrelated" {
  image   = "busybox:latest"
  command = ["echo", "reads no input"]
}
step "show" {
  image   = "busybox:latest"
  command = ["cat", "/in/version.txt"]
  input "src" {
    from = "src"
    to   = "/in"
  }
}`)
	p := start(t, []string{"RUNJOB_CACHE_DIR=" + t.TempDir()}, "watch", file)
	p.waitFor(t, "the first run's version", output("show", "v1"))
	p.waitFor(t, "the first run's end", runFinished)
	if err := os.WriteFile(src, []byte("v2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "the second run, after the edit", output("show", "v2"))
	end := p.waitFor(t, "the second run's end", runFinished)
	finished := map[string]any{}
	for _, ev := range p.seen {
		if ev["event"] == "step_finished" && ev["run_id"] == end["run_id"] {
			finished[ev["step"].(string)] = ev["status"]
		}
	}
	if finished["unrelated"] != "reused" || finished["show"] != "ok" {
		t.Fatalf("second run's statuses %v: want unrelated reused and show run", finished)
	}
	// A run's own writes (its record, its artifacts under .runjob) start
	// no third run: the next thing is the Ctrl-C.
	waitUntil(t, "the idle line", func() bool { return strings.Count(p.stderr.String(), "watch: waiting") >= 2 })
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t); code != 0 {
		t.Fatalf("Ctrl-C while idle: exit %d, want 0:\n%s", code, p.stderr)
	}
	if n := len(p.runs); n != 2 {
		t.Fatalf("%d runs, want 2:\n%s", n, p.stderr)
	}
}

// Ctrl-C during a watched run interrupts it as without watch: exit 130,
// and the leftover check registered for the run passes.
func TestWatchInterruptedMidRunExits130(t *testing.T) {
	file, _ := watchPipelineFile(t, `
step "sleeper" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo ready; sleep 300"]
}`)
	p := start(t, []string{"RUNJOB_CACHE_DIR=" + t.TempDir()}, "--watch", file)
	p.waitFor(t, "the step to start", output("sleeper", "ready"))
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t); code != 130 {
		t.Fatalf("Ctrl-C mid-run: exit %d, want 130:\n%s", code, p.stderr)
	}
}

// A pipeline broken by an edit is reported and watched until it is fixed.
func TestWatchWaitsOutABrokenPipeline(t *testing.T) {
	good := `
step "hello" {
  image   = "busybox:latest"
  command = ["echo", "fixed"]
}`
	file, _ := watchPipelineFile(t, `step "hello" { image = }`)
	p := start(t, []string{"RUNJOB_CACHE_DIR=" + t.TempDir()}, "watch", file)
	waitUntil(t, "the load error", func() bool { return strings.Contains(p.stderr.String(), "pipeline.hcl:1:") })
	waitUntil(t, "the idle line", func() bool { return strings.Contains(p.stderr.String(), "watch: waiting") })
	if err := os.WriteFile(file, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "the fixed pipeline's run", output("hello", "fixed"))
	p.waitFor(t, "its end", runFinished)
	waitUntil(t, "idle again", func() bool { return strings.Count(p.stderr.String(), "watch: waiting") >= 2 })
	p.signal(t, syscall.SIGINT)
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit %d, want 0:\n%s", code, p.stderr)
	}
}
