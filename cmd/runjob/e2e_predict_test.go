package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --dry-run says what reuse would do, on the real engine, and creates
// nothing there: nothing stored; all six steps of examples/reuse.hcl
// reused after a run; after an edit of test's input, test would run and
// says why, and the run that follows does just that.
func TestE2EDryRunPredictsReuse(t *testing.T) {
	name := fmt.Sprintf("predict-%d", time.Now().UnixNano())
	src := strings.Replace(readExample(t, "reuse.hcl"), "pipeline { reuse = true }", "pipeline {\n  name  = \""+name+"\"\n  reuse = true\n}", 1)
	if !strings.Contains(src, name) {
		t.Fatal("examples/reuse.hcl no longer starts with pipeline { reuse = true }")
	}
	p := newReuseProject(t, src, exampleFiles(t, "reuse"))
	dry := func() map[string]string {
		t.Helper()
		since := time.Now()
		r := runjob(t, p.env, p.file, "--dry-run")
		if r.code != 0 || strings.Contains(r.stderr, "not predicted") {
			t.Fatalf("--dry-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if made := createdWith(t, "io.runjob.pipeline="+name, since); len(made) > 0 {
			t.Errorf("--dry-run created %v on the engine", made)
		}
		lines := reuseLines(r.stdout)
		if len(lines) != 6 {
			t.Fatalf("--dry-run: %d reuse lines, want 6\n%s", len(lines), r.stdout)
		}
		return lines
	}
	for step, got := range dry() {
		if got != "would run: nothing is stored for reuse yet" {
			t.Errorf("before any run, %s: %q", step, got)
		}
	}
	first := p.run(nil)
	if first.code != 0 {
		t.Fatalf("first run: exit %d\n%s", first.code, first.stderr)
	}
	reused := "would be reused (run " + first.runID + ")"
	got := dry()
	for _, step := range []string{"fetch", "build", "lint", "test", "package", "report"} {
		if got[step] != reused {
			t.Errorf("after a run, %s: %q, want %q", step, got[step], reused)
		}
	}
	p.writeFile(filepath.Join("reuse", "tests", "cases.txt"), "world Hello, world!\n")
	got = dry()
	if want := "would run: input cases changed (since run " + first.runID + ")"; got["test"] != want {
		t.Errorf("after the edit, test: %q, want %q", got["test"], want)
	}
	for _, step := range []string{"fetch", "build", "lint"} {
		if got[step] != reused {
			t.Errorf("after the edit, %s: %q, want %q", step, got[step], reused)
		}
	}
	second := p.run(nil)
	if got := second.statuses(); !strings.HasPrefix(got, "fetch=reused build=reused lint=reused test=") || strings.Contains(got, "test=reused") {
		t.Errorf("the run after the edit: %s, want what --dry-run said", got)
	}
}

// reuseLines maps each step of a plan to its reuse line.
func reuseLines(plan string) map[string]string {
	out := map[string]string{}
	var step string
	for _, line := range strings.Split(plan, "\n") {
		if n, s, ok := strings.Cut(line, ". "); ok && n != "" && !strings.HasPrefix(n, " ") {
			step = s
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "reuse:"); ok {
			out[step] = strings.TrimSpace(v)
		}
	}
	return out
}
