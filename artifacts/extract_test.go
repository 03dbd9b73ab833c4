package artifacts

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// extract runs Extract with a background context and fails on error.
func extract(t *testing.T, archive []byte, dest string, opts Options) Stats {
	t.Helper()
	st, err := Extract(context.Background(), bytes.NewReader(archive), dest, opts)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return st
}

// wantFile checks content and permission bits of dest/rel.
func wantFile(t *testing.T, dest, rel, body string, mode fs.FileMode) {
	t.Helper()
	p := filepath.Join(dest, rel)
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("%s: want regular file, got %v %v", rel, fi, err)
	}
	if got, _ := os.ReadFile(p); string(got) != body {
		t.Errorf("%s = %q, want %q", rel, got, body)
	}
	if fi.Mode().Perm() != mode || fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
		t.Errorf("%s mode = %v, want %v", rel, fi.Mode(), mode)
	}
}

func wantLink(t *testing.T, dest, rel, target string) {
	t.Helper()
	if got, err := os.Readlink(filepath.Join(dest, rel)); err != nil || got != target {
		t.Errorf("%s -> %q (%v), want -> %q", rel, got, err, target)
	}
}

func wantMtime(t *testing.T, dest, rel string, mtime time.Time) {
	t.Helper()
	fi, err := os.Lstat(filepath.Join(dest, rel))
	if err != nil || !fi.ModTime().Equal(mtime) {
		t.Errorf("%s mtime = %v (%v), want %v", rel, fi.ModTime(), err, mtime)
	}
}

// TestExtractDirArchive covers the archive endpoint for a directory: the
// root is stripped, modes are sanitized, links are kept as links, and
// directory mtimes survive the children written after them.
func TestExtractDirArchive(t *testing.T) {
	s := newSandbox(t)
	t1, t2 := epoch.Add(-time.Hour), epoch.Add(-2*time.Hour)
	archive := buildTar(t,
		dir("out/"),
		ent{name: "out/a.txt", body: "hello", mtime: t1},
		ent{typ: '5', name: "out/sub/", mode: 0o500, mtime: t2},
		ent{name: "out/sub/b.sh", body: "#!/bin/sh\n", mode: 0o4755},
		sym("out/link", "sub/b.sh"),
		sym("out/sub/up", "../a.txt"),
		hard("out/hard", "out/a.txt"),
		file("out/deep/er/c.txt", "c"),
	)
	st := extract(t, archive, s.dest, Options{StripRoot: "out"})
	want := Stats{Files: 4, Dirs: 3, Symlinks: 2, Bytes: int64(len("hello#!/bin/sh\nc"))}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	wantFile(t, s.dest, "a.txt", "hello", 0o644)
	wantFile(t, s.dest, "sub/b.sh", "#!/bin/sh\n", 0o755)
	wantFile(t, s.dest, "deep/er/c.txt", "c", 0o644)
	wantLink(t, s.dest, "link", "sub/b.sh")
	wantLink(t, s.dest, "sub/up", "../a.txt")
	wantMtime(t, s.dest, "a.txt", t1)
	wantMtime(t, s.dest, "sub", t2)
	a, _ := os.Stat(filepath.Join(s.dest, "a.txt"))
	h, _ := os.Stat(filepath.Join(s.dest, "hard"))
	if !os.SameFile(a, h) {
		t.Error("hard is not a hard link to a.txt")
	}
	if fi, _ := os.Stat(filepath.Join(s.dest, "sub")); fi.Mode().Perm() != 0o700 {
		t.Errorf("sub mode = %v, want owner rwx forced (0700)", fi.Mode())
	}
	if _, err := os.Lstat(filepath.Join(s.dest, "out")); err == nil {
		t.Error("root entry was not stripped")
	}
	s.check(t)
}

// TestExtractSingleFile covers the archive endpoint for a single file, whose
// tar holds only the base name.
func TestExtractSingleFile(t *testing.T) {
	s := newSandbox(t)
	st := extract(t, buildTar(t, file("result.txt", "42\n")), s.dest, Options{StripRoot: "result.txt"})
	if !reflect.DeepEqual(st, Stats{Files: 1, Bytes: 3}) {
		t.Errorf("stats = %+v", st)
	}
	wantFile(t, s.dest, "result.txt", "42\n", 0o644)
	s.check(t)
}

// TestExtractExport covers a container export: no common root, "./", pax
// global headers and parents that only exist implicitly.
func TestExtractExport(t *testing.T) {
	s := newSandbox(t)
	archive := buildTar(t,
		ent{typ: 'g', name: "pax_global_header", body: "from the engine"},
		dir("./"),
		dir("bin/"),
		file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
		ent{name: "usr/bin/sh", body: "ELF", mode: 0o755},
		sym("bin/sh", "../usr/bin/sh"),
		sym("lib", "usr/lib"),
	)
	st := extract(t, archive, s.dest, Options{})
	if want := (Stats{Files: 2, Dirs: 4, Symlinks: 2, Bytes: 29}); !reflect.DeepEqual(st, want) {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	wantFile(t, s.dest, "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0o644)
	wantFile(t, s.dest, "usr/bin/sh", "ELF", 0o755)
	wantLink(t, s.dest, "bin/sh", "../usr/bin/sh")
	wantLink(t, s.dest, "lib", "usr/lib")
	if _, err := os.Lstat(filepath.Join(s.dest, "pax_global_header")); err == nil {
		t.Error("pax global header was extracted as a file")
	}
	s.check(t)
}
