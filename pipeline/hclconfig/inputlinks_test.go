package hclconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInputThroughSymlinkOut checks that an input whose path goes through a
// symlink leading out of the pipeline's directory is a diagnostic at the
// from attribute, while a link staying inside and an explicit outside path
// load, the former confined to the directory and the latter read as named.
func TestInputThroughSymlinkOut(t *testing.T) {
	base := t.TempDir()
	dir, outside := filepath.Join(base, "repo"), filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(dir, "src"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(outside, "secret"), []byte("x"), 0o600))
	must(os.Symlink(outside, filepath.Join(dir, "data")))
	must(os.Symlink("src", filepath.Join(dir, "current")))

	load := func(from string) (string, string, error) {
		file := filepath.Join(dir, "p.hcl")
		src := "step \"s\" {\n  image = \"busybox\"\n  command = [\"true\"]\n  input \"in\" {\n    from = \"" + from + "\"\n    to = \"/in\"\n  }\n}\n"
		must(os.WriteFile(file, []byte(src), 0o644))
		g, diags := New().Load(file)
		if diags.HasErrors() {
			return "", "", diags
		}
		in := g.Pipeline().Steps[0].Inputs[0]
		return in.From, in.Within, nil
	}
	for _, from := range []string{"./data", "data/secret"} {
		_, _, err := load(from)
		if err == nil {
			t.Fatalf("from = %q loaded; want a diagnostic", from)
		}
		if msg := err.Error(); !strings.Contains(msg, "p.hcl:5,") || !strings.Contains(msg, "leads out of the pipeline directory") {
			t.Errorf("from = %q: diagnostic %q lacks the position or the reason", from, msg)
		}
	}
	if _, within, err := load("./current"); err != nil || within != dir {
		t.Errorf("a link inside the directory: within %q, err %v; want %q", within, err, dir)
	}
	if from, within, err := load(filepath.Join(outside, "secret")); err != nil || within != "" || from != filepath.Join(outside, "secret") {
		t.Errorf("an explicit outside path: from %q within %q err %v", from, within, err)
	}
}
