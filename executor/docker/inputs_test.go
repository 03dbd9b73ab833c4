package docker_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline"
)

// On the real engine: two inputs that merge into one directory both land;
// a file input where another input copies a directory fails the step as
// the user's to fix (not an engine error), naming both inputs.
func TestInputsMergeOrClashOnTheEngine(t *testing.T) {
	eng := dockertest.Engine(t)
	host := t.TempDir()
	for p, content := range map[string]string{"tree/x/a": "a\n", "more/b": "b\n", "file": "f\n"} {
		p = filepath.Join(host, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in := func(name, from, to string) pipeline.Input {
		return pipeline.Input{Name: name, From: filepath.Join(host, from), To: to}
	}
	merge := step("merge", "cat", "/work/x/a", "/work/x/b")
	merge.Inputs = []pipeline.Input{in("tree", "tree", "/work"), in("more", "more", "/work/x")}
	clash := step("clash", "true")
	clash.Inputs = []pipeline.Input{in("tree", "tree", "/work"), in("f", "file", "/work/x")}
	out := &lines{}
	res, err := execute(t, context.Background(), eng, []*pipeline.Step{merge, clash}, executor.WithOutput(out.output()))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(res), "merge=ok clash=failed"; got != want {
		t.Fatalf("statuses = %s, want %s (%v, %v)", got, want, res.Steps[0].Err, res.Steps[1].Err)
	}
	if got := strings.Join(out.of("merge"), ","); got != "a,b" {
		t.Errorf("merge printed %q, want a,b", got)
	}
	want := `input "f": its file goes to /work/x, but input "tree" copies a directory to /work/x`
	if msg := res.Steps[1].Err.Error(); msg != want {
		t.Errorf("clash: %q\nwant %q", msg, want)
	}
}
