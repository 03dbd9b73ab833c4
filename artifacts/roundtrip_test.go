package artifacts

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// longName is over 100 bytes, the limit of a plain ustar name field, and
// nests under a directory with a non-ASCII name; both force pax records.
var longName = "ünïcödé-目录/" + strings.Repeat("long-name-", 12) + ".txt"

// buildSourceTree writes a tree with every shape Pack must carry: nested and
// empty directories, a 0-byte file, odd modes, sub-second mtimes, in-tree
// symlinks to files and directories, a hard link, unicode and long names.
func buildSourceTree(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "src")
	mtime := epoch.Add(123456789 * time.Nanosecond)
	files := []struct {
		rel, body string
		mode      fs.FileMode
	}{
		{"a.txt", "hello\n", 0o644},
		{"bin/tool.sh", "#!/bin/sh\necho hi\n", 0o755},
		{"bin/secret.key", "k", 0o600},
		{"docs/read-only.md", "ro", 0o444},
		{"empty.dat", "", 0o644},
		{"deep/er/and/deeper/x.bin", strings.Repeat("\x00\x01", 70000), 0o640},
		{longName, "long", 0o644},
		{"日本語.txt", "にほんご", 0o644},
	}
	for _, f := range files {
		p := filepath.Join(src, filepath.FromSlash(f.rel))
		mustDo(t, os.MkdirAll(filepath.Dir(p), 0o755))
		mustDo(t, os.WriteFile(p, []byte(f.body), 0o600))
		mustDo(t, os.Chmod(p, f.mode))
	}
	for rel, mode := range map[string]fs.FileMode{"empty-dir": 0o755, "private": 0o700, "group": 0o750} {
		mustDo(t, os.MkdirAll(filepath.Join(src, rel), mode))
		mustDo(t, os.Chmod(filepath.Join(src, rel), mode))
	}
	for rel, target := range map[string]string{
		"link-to-file": "a.txt", "link-to-dir": "bin", "bin/up": "../a.txt",
		"deep/er/dangling": "nowhere", "deep/er/and/up2": "../../docs",
	} {
		mustDo(t, os.Symlink(target, filepath.Join(src, filepath.FromSlash(rel))))
	}
	mustDo(t, os.Link(filepath.Join(src, "a.txt"), filepath.Join(src, "hard.txt")))
	// Times last, deepest first, since creating children bumps a directory's.
	var paths []string
	mustDo(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if d.Type()&fs.ModeSymlink == 0 {
			paths = append(paths, p)
		}
		return err
	}))
	for i := len(paths) - 1; i >= 0; i-- {
		mustDo(t, os.Chtimes(paths[i], mtime, mtime))
	}
	return src
}

// TestPackExtractRoundTrip packs a tree, streams it through a pipe into
// Extract and checks that the copy is the same tree: same manifest (paths,
// types, sizes, modes, digests, link targets) and the same mtimes to the
// second. It runs with the contents at the archive root and under a root
// entry that Extract strips.
func TestPackExtractRoundTrip(t *testing.T) {
	src := buildSourceTree(t)
	want, err := ManifestOf(src)
	mustDo(t, err)
	for name, c := range map[string]struct{ pack, strip string }{
		"at root": {".", ""}, "under root": {"out", "out"},
	} {
		t.Run(name, func(t *testing.T) {
			s := newSandbox(t)
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				_, err := Pack(context.Background(), src, pw, PackOptions{Name: c.pack})
				pw.CloseWithError(err)
				done <- err
			}()
			st, err := Extract(context.Background(), pr, s.dest, Options{StripRoot: c.strip, Manifest: true})
			mustDo(t, err)
			mustDo(t, <-done)
			if !reflect.DeepEqual(st.Manifest, want) {
				t.Errorf("extracted manifest differs from source:\n got %v\nwant %v", st.Manifest, want)
			}
			mustDo(t, Verify(s.dest, want))
			wantSameTimes(t, src, s.dest)
			s.check(t)
		})
	}
}

// wantSameTimes compares the mtimes of every non-link path under a and b,
// truncated to the second as archives carry them.
func wantSameTimes(t *testing.T, a, b string) {
	t.Helper()
	mustDo(t, filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == a || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		fa, _ := d.Info()
		fb, err := os.Lstat(filepath.Join(b, rel))
		if err != nil {
			return err
		}
		if want := fa.ModTime().Truncate(time.Second); !fb.ModTime().Equal(want) {
			t.Errorf("%s mtime = %v, want %v", rel, fb.ModTime(), want)
		}
		return nil
	}))
}
