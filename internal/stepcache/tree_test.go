package stepcache

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/artifacts/ignore"
)

// past is when the test trees were last modified: far enough back that
// the stat cache keeps them (see racyWindow).
var past = time.Now().Add(-time.Hour).Truncate(time.Second)

// writeTree makes files (path: content; a trailing "/" makes an empty
// directory, "-> target" a symlink) under dir, all dated past.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, c := range files {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		var err error
		switch {
		case strings.HasSuffix(rel, "/"):
			err = os.MkdirAll(p, 0o755)
		case strings.HasPrefix(c, "-> "):
			os.Remove(p)
			err = os.Symlink(strings.TrimPrefix(c, "-> "), p)
		default:
			err = os.WriteFile(p, []byte(c), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	age(t, dir)
}

// age dates every file and directory under dir past.
func age(t testing.TB, dir string) {
	t.Helper()
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode()&os.ModeSymlink == 0 {
			os.Chtimes(p, past, past)
		}
		return err
	})
}

func digest(t testing.TB, s *Store, root string, skip func(string, bool) bool) string {
	t.Helper()
	d, err := s.TreeDigest(root, skip)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var sample = map[string]string{
	"a.txt": "alpha", "sub/b.txt": "beta", "sub/deep/c.bin": "\x00\x01", "empty/": "",
	"link": "-> sub/b.txt", "abs": "-> /etc/passwd", ".runjobignore": "*.log\nbuild/\n",
	"x.log": "ignored", "build/out": "ignored too",
}

// Each change that changes what Pack copies changes the digest.
func TestTreeDigestChanges(t *testing.T) {
	for name, change := range map[string]func(dir string){
		"one byte":         func(d string) { os.WriteFile(filepath.Join(d, "sub/b.txt"), []byte("bEta"), 0o644) },
		"a mode":           func(d string) { os.Chmod(filepath.Join(d, "a.txt"), 0o755) },
		"a dir's mode":     func(d string) { os.Chmod(filepath.Join(d, "sub"), 0o700) },
		"a rename":         func(d string) { os.Rename(filepath.Join(d, "a.txt"), filepath.Join(d, "a2.txt")) },
		"a new empty dir":  func(d string) { os.Mkdir(filepath.Join(d, "sub/new"), 0o755) },
		"a link's target":  func(d string) { os.Remove(filepath.Join(d, "link")); os.Symlink("a.txt", filepath.Join(d, "link")) },
		"a removed file":   func(d string) { os.Remove(filepath.Join(d, "sub/deep/c.bin")) },
		"the ignore rules": func(d string) { os.WriteFile(filepath.Join(d, ".runjobignore"), []byte("*.log\n"), 0o644) },
	} {
		t.Run(name, func(t *testing.T) {
			s := openStore(t, t.TempDir(), Options{})
			dir := t.TempDir()
			writeTree(t, dir, sample)
			before := digest(t, s, dir, skipOf(t, dir))
			change(dir)
			age(t, dir) // the stat cache must see the change without the mtime's help
			if after := digest(t, s, dir, skipOf(t, dir)); after == before {
				t.Errorf("digest unchanged: %s", after)
			}
		})
	}
}

// What Pack leaves out changes nothing: an ignored file, a file in an
// ignored directory, times.
func TestTreeDigestIgnores(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	dir := t.TempDir()
	writeTree(t, dir, sample)
	before := digest(t, s, dir, skipOf(t, dir))
	os.WriteFile(filepath.Join(dir, "x.log"), []byte("changed, and longer"), 0o600)
	os.WriteFile(filepath.Join(dir, "build/new"), []byte("new"), 0o644)
	os.Chtimes(filepath.Join(dir, "a.txt"), past.Add(-time.Hour), past.Add(-time.Hour))
	if after := digest(t, s, dir, skipOf(t, dir)); after != before {
		t.Errorf("digest changed: %s -> %s", before, after)
	}
	if digest(t, s, dir, nil) == before {
		t.Error("without the skip rule, the ignored files count")
	}
}

func skipOf(t testing.TB, dir string) func(string, bool) bool {
	m, err := ignore.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m.Skip
}

// TreeDigest digests exactly what artifacts.Pack packs for an input: the
// same digest computed from Pack's own tar stream is equal, for a tree with
// every kind of entry, under the ignore rules, and for a single file.
func TestTreeDigestIsWhatPackPacks(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	dir := t.TempDir()
	writeTree(t, dir, sample)
	os.Chmod(filepath.Join(dir, "sub/deep"), 0o711)
	os.Chmod(filepath.Join(dir, "a.txt"), 0o600)
	for _, c := range []struct {
		root string
		skip func(string, bool) bool
	}{{dir, skipOf(t, dir)}, {dir, nil}, {filepath.Join(dir, "sub"), nil}, {filepath.Join(dir, "a.txt"), nil}, {filepath.Join(dir, "link"), nil}} {
		if got, want := digest(t, s, c.root, c.skip), packDigest(t, c.root, c.skip); got != want {
			t.Errorf("%s: TreeDigest %s, from Pack %s", c.root, got, want)
		}
	}
}

// packDigest packs root as an input to /in and digests the tar stream in
// TreeDigest's format.
func packDigest(t *testing.T, root string, skip func(string, bool) bool) string {
	pr, pw := io.Pipe()
	go func() {
		_, err := artifacts.Pack(context.Background(), root, pw, artifacts.PackOptions{Name: "in", Skip: skip, KeepEscapingLinks: true})
		pw.CloseWithError(err)
	}()
	h := sha256.New()
	h.Write([]byte("runjob-tree 1\n"))
	tr := tar.NewReader(pr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(hdr.Name, "in"), "/"), "/")
		line := string(hdr.Typeflag) + " " + strconv.FormatInt(hdr.Mode, 8)
		switch hdr.Typeflag {
		case tar.TypeDir:
			line = "d" + line[1:]
			if rel == "" {
				rel = "."
			}
		case tar.TypeReg:
			sum := sha256.New()
			io.Copy(sum, tr)
			line = "f" + line[1:] + fmt.Sprintf(" %d %x", hdr.Size, sum.Sum(nil))
		case tar.TypeSymlink:
			line = "l" + line[1:] + " " + strconv.Quote(hdr.Linkname)
		}
		fmt.Fprintf(h, "%s %s\n", line, strconv.Quote(rel))
	}
	return fmt.Sprintf("sha256:%x", h.Sum(nil))
}
