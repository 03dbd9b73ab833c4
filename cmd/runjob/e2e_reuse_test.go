package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const reuseHitPipeline = `
pipeline { reuse = true }

step "build" {
  image = "busybox:latest"
  input "src" {
    from = "src"
    to   = "/src"
  }
  command = ["sh", "-c", "mkdir -p /out && cp -p /src/* /out/ && date +%s%N > /out/stamp && echo built; echo warn >&2; echo version=1.$(cat /src/v) >> $RUNJOB_OUTPUT"]
  artifact "dist" { path = "/out" }
}

step "test" {
  image = "busybox:latest"
  input "dist" {
    from = step.build.artifact.dist
    to   = "/dist"
  }
  command = ["sh", "-c", "cat /dist/stamp; echo tested ${step.build.output.version}"]
}

step "notify" {
  image      = "busybox:latest"
  reuse      = false
  depends_on = [step.test]
  command    = ["sh", "-c", "echo notified ${step.build.output.version}"]
}
`

// The second run of an unchanged pipeline creates no container for its
// reusable steps; their artifacts are the first run's, byte for byte,
// their outputs are there for the steps that read them, their logs are
// replayed with a marker, and what is not reusable runs.
func TestE2EReuseHit(t *testing.T) {
	p := newReuseProject(t, reuseHitPipeline, map[string]string{"src/v": "7", "src/lib.c": "int x;\n"})
	first := p.run(nil)
	if first.code != 0 || first.statuses() != "build=ok test=ok notify=ok" {
		t.Fatalf("first run: %s (exit %d)\n%s", first.statuses(), first.code, first.stderr)
	}
	if len(first.created) != 3 {
		t.Fatalf("the first run created %v: the engine's events do not tell", first.created)
	}
	dist := filepath.Join(p.dir(), ".runjob", "artifacts", "build", "dist")
	before := manifestOf(t, dist)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	second := p.run(nil, "--junit", junit)
	if second.code != 0 || second.statuses() != "build=reused test=reused notify=ok" {
		t.Fatalf("second run: %s (exit %d)\n%s", second.statuses(), second.code, second.stderr)
	}
	if !slices.Equal(second.created, []string{"notify"}) {
		t.Errorf("containers created by the second run: %v, want notify's only", second.created)
	}
	if b := second.step("build"); b.ReusedFrom != first.runID || b.Outputs["version"] != "1.7" || len(b.Attempts) != 0 {
		t.Errorf("reused build: from %q, outputs %v, attempts %d", b.ReusedFrom, b.Outputs, len(b.Attempts))
	}
	if after := manifestOf(t, dist); !slices.Equal(after, before) {
		t.Errorf("restored artifact differs:\n%v\n%v", after, before)
	}
	if !strings.Contains(second.stdout, `"line":"notified 1.7"`) {
		t.Errorf("notify did not get the reused output:\n%s", second.stdout)
	}
	validateRun(t, p, second)
	if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), `<property name="reused_from" value="`+first.runID+`">`) {
		t.Errorf("JUnit of the reused run (%v):\n%s", err, b)
	}
	logs := runjob(t, nil, "logs", second.runID, "build", "--dir", p.file)
	want := "runjob: reused from run " + first.runID + ": its output follows"
	if logs.code != 0 || !strings.Contains(logs.stdout+logs.stderr, want) || !strings.Contains(logs.stdout, "built") ||
		!strings.Contains(logs.stdout+logs.stderr, "warn") {
		t.Errorf("runjob logs build of the reused run (exit %d):\n%s%s", logs.code, logs.stdout, logs.stderr)
	}
}
