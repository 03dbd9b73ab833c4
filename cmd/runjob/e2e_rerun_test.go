package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Re-running after a fix: examples/reuse.hcl, whose test fails on a
// wrong expectation in a host input, is fixed by changing that file; the
// second run runs test and the steps after it, and reuses the others.
func TestE2EReuseAfterAFix(t *testing.T) {
	p := newReuseProject(t, readExample(t, "reuse.hcl"), exampleFiles(t, "reuse"))
	cases := filepath.Join("reuse", "tests", "cases.txt")
	good, err := os.ReadFile(filepath.Join(p.dir(), cases))
	if err != nil {
		t.Fatal(err)
	}
	p.writeFile(cases, strings.Replace(string(good), "Hello, world!", "Hello world!", 1))
	first := p.run(nil)
	if first.code != 1 || first.statuses() != "fetch=ok build=ok lint=ok test=failed package=skipped report=skipped" {
		t.Fatalf("before the fix: %s (exit %d)\n%s", first.statuses(), first.code, first.stderr)
	}
	if !strings.Contains(first.stdout, "FAIL: greet world") {
		t.Fatalf("test did not fail on the expectation:\n%s", first.stdout)
	}
	p.writeFile(cases, string(good))
	second := p.run(nil)
	if second.code != 0 || second.statuses() != "fetch=reused build=reused lint=reused test=ok package=ok report=ok" {
		t.Fatalf("after the fix: %s (exit %d)\n%s", second.statuses(), second.code, second.stderr)
	}
	if slices.Sort(second.created); !slices.Equal(second.created, []string{"package", "report", "test"}) {
		t.Errorf("containers of the run after the fix: %v, want test's, package's and report's", second.created)
	}
	// It failed: nothing of it was stored.
	if !strings.Contains(second.stdout, `"step":"test","time":`) || !strings.Contains(second.stdout, "not reused: no earlier run of it is stored") {
		t.Errorf("the log does not say why test ran:\n%s", second.stdout)
	}
	if !strings.Contains(second.stdout, `"line":"released greet 1.4.0"`) {
		t.Errorf("report did not get build's reused output:\n%s", second.stdout)
	}
	if third := p.run(nil); third.code != 0 || len(third.created) != 0 {
		t.Errorf("a third run: exit %d, created %v", third.code, third.created)
	}
}

// readExample returns examples/NAME.
func readExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// exampleFiles returns the files under examples/DIR by their path
// relative to examples/.
func exampleFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	root := filepath.Join("..", "..", "examples")
	files := map[string]string{}
	err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
