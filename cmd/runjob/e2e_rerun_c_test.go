package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// examples/c-project.hcl, 8 steps that compile and test real C code with
// gcc and make: a test that fails, then is fixed, re-runs only unit, what
// waits for it and lint (which reads the tests); an edit of the command's source re-runs only the
// steps that read it or what was made from it.
func TestE2EReuseAfterAFixInACProject(t *testing.T) {
	dockertest.Engine(t)
	dockertest.NeedDebianImage(t)
	p := newReuseProject(t, readExample(t, "c-project.hcl"), exampleFiles(t, "c-project"))
	test := filepath.Join("c-project", "tests", "test_calc.c")
	good := readFile(t, filepath.Join(p.dir(), test))
	p.writeFile(test, strings.Replace(good, `expect("6 * 7", 42);`, `expect("6 * 7", 43);`, 1))

	first := p.run(nil)
	want := "lint=ok lib=ok app=ok unit=failed docs=ok smoke=ok package=skipped checksum=skipped"
	if first.code != 1 || first.statuses() != want {
		t.Fatalf("before the fix: %s (exit %d), want %s\n%s", first.statuses(), first.code, want, first.stderr)
	}
	if !strings.Contains(first.stdout, "FAIL 6 * 7: got 42, want 43") {
		t.Fatalf("unit did not fail on the expectation:\n%s", first.stdout)
	}

	p.writeFile(test, good)
	second := p.run(nil)
	// lint reads tests/ too: it saw the broken file, so it runs again.
	want = "lint=ok lib=reused app=reused unit=ok docs=reused smoke=reused package=ok checksum=ok"
	if second.code != 0 || second.statuses() != want {
		t.Fatalf("after the fix: %s (exit %d), want %s\n%s", second.statuses(), second.code, want, second.stderr)
	}
	if slices.Sort(second.created); !slices.Equal(second.created, []string{"checksum", "lint", "package", "unit"}) {
		t.Errorf("containers after the fix: %v, want lint's, unit's, package's and checksum's", second.created)
	}

	// A change to the code (not a comment: gcc would make the same
	// binary, and what follows app would rightly be reused).
	main := filepath.Join("c-project", "app", "main.c")
	p.writeFile(main, readFile(t, filepath.Join(p.dir(), main))+"int calc_edit(void) { return 1; }\n")
	third := p.run(nil)
	want = "lint=ok lib=reused app=ok unit=reused docs=reused smoke=ok package=ok checksum=ok"
	if third.code != 0 || third.statuses() != want {
		t.Fatalf("after an edit of app/main.c: %s (exit %d), want %s\n%s", third.statuses(), third.code, want, third.stderr)
	}
	if fourth := p.run(nil); fourth.code != 0 || len(fourth.created) != 0 {
		t.Errorf("an unchanged run: exit %d, created %v", fourth.code, fourth.created)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
