package ignore

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/runjob/runjob/artifacts"
)

// tree writes files (a trailing "/" makes a directory) under a temp root.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, body := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if strings.HasSuffix(rel, "/") {
			must(t, os.MkdirAll(p, 0o755))
			continue
		}
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return root
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSyntax pins the gitignore features inputs rely on, one pattern file
// and a table of paths.
func TestSyntax(t *testing.T) {
	root := tree(t, map[string]string{FileName: `
# a comment, then a blank line

*.log
!keep.log
build/
/root-only.txt
**/cache
docs/**/*.tmp
a/**/z
\#hash
\!bang
[!0-9].dat
trailing   
`})
	m, err := Load(root)
	must(t, err)
	for _, c := range []struct {
		rel   string
		isDir bool
		skip  bool
	}{
		{"x.log", false, true}, {"sub/y.log", false, true}, {"keep.log", false, false}, {"sub/keep.log", false, false},
		{"build", true, true}, {"sub/build", true, true}, {"build", false, false},
		{"root-only.txt", false, true}, {"sub/root-only.txt", false, false},
		{"cache", true, true}, {"p/q/cache", false, true},
		{"docs/x.tmp", false, true}, {"docs/a/b/x.tmp", false, true}, {"x.tmp", false, false},
		{"a/z", false, true}, {"a/b/c/z", false, true}, {"b/z", false, false},
		{"#hash", false, true}, {"!bang", false, true}, {"# a comment, then a blank line", false, false},
		{"x.dat", false, true}, {"7.dat", false, false},
		{"trailing", false, true},
		{FileName, false, false},
	} {
		if got := m.Skip(c.rel, c.isDir); got != c.skip {
			t.Errorf("Skip(%q, dir=%v) = %v, want %v", c.rel, c.isDir, got, c.skip)
		}
	}
	if !slices.Equal(m.Files, []string{FileName}) {
		t.Errorf("Files = %q", m.Files)
	}
}

// TestNested checks a deeper file adds and overrides patterns below its
// directory only, and that ignore files inside excluded directories are
// never read (this one would not even parse).
func TestNested(t *testing.T) {
	root := tree(t, map[string]string{
		FileName:                       "*.tmp\nvendor/\n",
		"sub/" + FileName:              "!keep.tmp\nlocal-only\n",
		"vendor/" + FileName:           "[broken\n",
		"sub/deeper/" + FileName:       "*.txt\n",
		"sub/deeper/leaf/placeholder":  "",
		"other/sub/nothing-to-see.txt": "",
	})
	m, err := Load(root)
	must(t, err)
	for rel, skip := range map[string]bool{
		"a.tmp": true, "keep.tmp": true, "sub/keep.tmp": false, "sub/deeper/keep.tmp": false, "sub/x.tmp": true,
		"sub/local-only": true, "local-only": false, "sub/deeper/local-only": true,
		"sub/deeper/leaf/a.txt": true, "sub/a.txt": false, "other/sub/nothing-to-see.txt": false,
	} {
		if got := m.Skip(rel, false); got != skip {
			t.Errorf("Skip(%q) = %v, want %v", rel, got, skip)
		}
	}
	if want := []string{FileName, "sub/" + FileName, "sub/deeper/" + FileName}; !slices.Equal(m.Files, want) {
		t.Errorf("Files = %q, want %q", m.Files, want)
	}
}

// TestLoadErrors checks a bad pattern is reported with file and line, and
// that an ignore file linking out of the tree is not read.
func TestLoadErrors(t *testing.T) {
	root := tree(t, map[string]string{"sub/" + FileName: "ok\n[a-\n"})
	_, err := Load(root)
	if err == nil || !strings.Contains(err.Error(), "sub/"+FileName+":2: bad pattern \"[a-\"") {
		t.Errorf("err = %v, want it to name sub/%s:2 and the pattern", FileName, err)
	}
	outside := filepath.Join(t.TempDir(), "secret")
	must(t, os.WriteFile(outside, []byte("*\n"), 0o644))
	root = tree(t, map[string]string{"a": "a"})
	must(t, os.Symlink(outside, filepath.Join(root, FileName)))
	if _, err := Load(root); err == nil {
		t.Error("an ignore file outside the tree was read through a symlink")
	}
	if _, err := Load(filepath.Join(root, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing root: err = %v", err)
	}
}

// TestFileRoot checks a single-file input and a nil Matcher skip nothing.
func TestFileRoot(t *testing.T) {
	root := tree(t, map[string]string{"a.txt": "a"})
	m, err := Load(filepath.Join(root, "a.txt"))
	must(t, err)
	var nilM *Matcher
	if m.Skip("a.txt", false) || nilM.Skip("a.txt", false) {
		t.Error("skipped a path with no patterns")
	}
}

// TestPackWithIgnore is the way an input is packed: Load on the source,
// its Skip in PackOptions. Excluded directories are pruned, the ignore
// file itself travels.
func TestPackWithIgnore(t *testing.T) {
	root := tree(t, map[string]string{
		FileName:                "node_modules/\n*.log\n!important.log\n",
		"src/main.go":           "package main",
		"src/debug.log":         "noise",
		"important.log":         "keep",
		"node_modules/x/y.js":   "big",
		"src/node_modules/z.js": "big",
	})
	m, err := Load(root)
	must(t, err)
	var buf bytes.Buffer
	_, err = artifacts.Pack(context.Background(), root, &buf, artifacts.PackOptions{Name: "in", Skip: m.Skip})
	must(t, err)
	var got []string
	tr := tar.NewReader(&buf)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		must(t, err)
		got = append(got, hdr.Name)
	}
	want := []string{"in/", "in/" + FileName, "in/important.log", "in/src/", "in/src/main.go"}
	if !slices.Equal(got, want) {
		t.Errorf("packed %q, want %q", got, want)
	}
}
