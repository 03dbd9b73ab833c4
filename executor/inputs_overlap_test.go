package executor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// writeTree makes the files (path -> content) and directories (path
// ending in "/") under dir.
func writeTree(t *testing.T, dir string, entries ...string) {
	t.Helper()
	for _, e := range entries {
		p := filepath.Join(dir, filepath.FromSlash(strings.TrimSuffix(e, "/")))
		if strings.HasSuffix(e, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(e), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Two inputs whose copies cannot both land (a file where the other puts a
// directory, or needs one) fail the step before anything is copied, as
// the user's to fix, naming both; inputs that merge, or whose clashing
// path .runjobignore leaves out, run.
func TestClashingInputsFailTheStepNamingBoth(t *testing.T) {
	host := t.TempDir()
	writeTree(t, host, "tree/x/a", "tree/cfg", "file", "dir/b", "ignoring/x/a", "ignoring/.runjobignore")
	if err := os.WriteFile(filepath.Join(host, "ignoring/.runjobignore"), []byte("x/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := func(name, from, to string) pipeline.Input {
		return pipeline.Input{Name: name, From: filepath.Join(host, from), To: to}
	}
	for _, c := range []struct {
		name   string
		inputs []pipeline.Input
		want   string // "" when the step runs
	}{
		{"file on a directory", []pipeline.Input{in("tree", "tree", "/work"), in("f", "file", "/work/x")},
			`input "f": its file goes to /work/x, but input "tree" copies a directory to /work/x`},
		{"the same, the other order", []pipeline.Input{in("f", "file", "/work/x"), in("tree", "tree", "/work")},
			`input "f": its file goes to /work/x, but input "tree" copies a directory to /work/x`},
		{"directory on a file", []pipeline.Input{in("tree", "tree", "/work"), in("d", "dir", "/work/cfg")},
			`input "d": its directory goes to /work/cfg, but input "tree" copies a file to /work/cfg`},
		{"below a file", []pipeline.Input{in("tree", "tree", "/work"), in("f", "file", "/work/cfg/deeper/f")},
			`input "f": its file goes to /work/cfg/deeper/f, but input "tree" copies a file to /work/cfg`},
		{"below a file input", []pipeline.Input{in("f", "file", "/etc/app"), in("g", "file", "/etc/app/g")},
			`input "g": its file goes to /etc/app/g, but input "f" copies a file to /etc/app`},
		{"one destination, two kinds", []pipeline.Input{in("d", "dir", "/w"), in("f", "file", "/w")},
			`input "f": its file goes to /w, but input "d" copies a directory there`},
		{"directories merge", []pipeline.Input{in("tree", "tree", "/work"), in("d", "dir", "/work/x")}, ""},
		{"files side by side", []pipeline.Input{in("tree", "tree", "/work"), in("f", "file", "/work/y")}, ""},
		{"the clash is ignored", []pipeline.Input{in("i", "ignoring", "/work"), in("f", "file", "/work/x")}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := graph(t, "s")
			g.Step(0).Inputs = c.inputs
			eng := fake.New()
			res := run(t, eng, g)
			r := res.Steps[0]
			if c.want == "" {
				if r.Status != "ok" {
					t.Fatalf("status %s (%v), want ok", r.Status, r.Err)
				}
				return
			}
			if r.Status != "failed" || r.Err == nil || r.Err.Error() != c.want {
				t.Fatalf("status %s, error %v\nwant failed, %s", r.Status, r.Err, c.want)
			}
			for _, call := range eng.Calls() {
				if strings.HasPrefix(call, "CopyTo") {
					t.Errorf("%s before the clash was found", call)
				}
			}
		})
	}
}
