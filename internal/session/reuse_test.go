package session

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/report"
)

const reusable = `
pipeline { reuse = true }
step "a" {
  image   = "busybox:latest"
  command = ["true"]
}
step "b" {
  image      = "busybox:latest"
  command    = ["true"]
  reuse      = false
  depends_on = [step.a]
}
`

// A second run with the same store reuses a and runs b; the record says
// so. Without a directory (--no-reuse) nothing is reused or created.
func TestRunReusesThroughTheStore(t *testing.T) {
	g := loadFile(t, reusable)
	dir := filepath.Join(t.TempDir(), "reuse")
	for range 2 {
		if o := runFake(t, context.Background(), g, fake.New(), Options{ReuseDir: dir}); o.err != nil {
			t.Fatalf("run: %v\n%s", o.err, o.stderr)
		}
	}
	o := runFake(t, context.Background(), g, fake.New(), Options{ReuseDir: dir})
	if !regexp.MustCompile(`(?m)^a +reused +0 +- `).MatchString(o.stderr) || !strings.Contains(o.stderr, "1 ok, 1 reused") {
		t.Fatalf("third run:\n%s", o.stderr)
	}
	runs, _ := filepath.Glob(filepath.Join(g.Pipeline().Dir, ".runjob", "runs", "*", report.JSONFile))
	var reused int
	for _, f := range runs {
		if rep, err := report.ReadFile(f); err == nil && filepath.Base(rep.Dir) != "latest" {
			reused += rep.Counts.Reused
		}
	}
	if reused != 2 {
		t.Errorf("records count %d reused steps over 3 runs, want 2", reused)
	}
	eng := fake.New()
	o = runFake(t, context.Background(), g, eng, Options{})
	if o.err != nil || strings.Contains(o.stderr, "reused") || len(eng.Calls()) == 0 {
		t.Fatalf("--no-reuse run: %v\n%s", o.err, o.stderr)
	}
	plain := loadFile(t, twoSteps)
	other := filepath.Join(t.TempDir(), "reuse")
	if o := runFake(t, context.Background(), plain, fake.New(), Options{ReuseDir: other}); o.err != nil {
		t.Fatal(o.err)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Errorf("a run with no reusable step created the store: %v", err)
	}
}
