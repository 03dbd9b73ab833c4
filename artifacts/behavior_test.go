package artifacts

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestExtractReplaces checks that a later entry replaces an earlier name
// instead of writing through it: a symlink or hard link at the name must not
// redirect or share the new content.
func TestExtractReplaces(t *testing.T) {
	s := newSandbox(t)
	if err := os.MkdirAll(s.dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dest, "old.txt"), []byte("a long previous body"), 0o644); err != nil {
		t.Fatal(err)
	}
	archive := buildTar(t,
		file("old.txt", "short"), // pre-existing file: replaced, not appended to
		file("target.txt", "orig"),
		sym("l", "target.txt"),
		file("l", "new"), // replaces the link; target.txt untouched
		file("x", "one"),
		hard("y", "x"),
		file("y", "two"), // breaks the hard link; x untouched
		file("d", "file first"),
		dir("d/"), // a directory replaces a file
		file("d/in", "in"),
		file("dup", "1"),
		file("dup", "2"),
	)
	extract(t, archive, s.dest, Options{})
	for rel, body := range map[string]string{
		"old.txt": "short", "target.txt": "orig", "l": "new", "x": "one", "y": "two", "d/in": "in", "dup": "2",
	} {
		wantFile(t, s.dest, rel, body, 0o644)
	}
	s.check(t)
}

// TestExtractConflicts checks that a directory is never replaced by a file or
// link (that would need a recursive delete of possibly caller-owned data),
// and that a file cannot serve as a parent directory. These are plain
// errors, not unsafe entries.
func TestExtractConflicts(t *testing.T) {
	for name, archive := range map[string][]ent{
		"file over dir":    {dir("d/"), file("d", "x")},
		"symlink over dir": {dir("d/"), sym("d", "x")},
		"file as parent":   {file("f", "x"), file("f/g", "y")},
	} {
		t.Run(name, func(t *testing.T) {
			s := newSandbox(t)
			_, err := Extract(context.Background(), bytes.NewReader(buildTar(t, archive...)), s.dest, Options{})
			if err == nil || errors.Is(err, ErrUnsafeEntry) {
				t.Fatalf("err = %v, want a plain conflict error", err)
			}
			s.check(t)
		})
	}
}

// TestExtractInvalidOptions checks caller mistakes are reported before
// anything is created.
func TestExtractInvalidOptions(t *testing.T) {
	for _, opts := range []Options{{StripRoot: "a/b"}, {StripRoot: ".."}, {StripRoot: "."}, {MaxBytes: -1}, {MaxEntries: -1}} {
		s := newSandbox(t)
		_, err := Extract(context.Background(), bytes.NewReader(nil), s.dest, opts)
		if err == nil || errors.Is(err, ErrUnsafeEntry) {
			t.Errorf("%+v: err = %v, want an options error", opts, err)
		}
		if _, err := os.Stat(s.dest); err == nil {
			t.Errorf("%+v: dest was created", opts)
		}
	}
}

// TestExtractTruncated checks that a stream cut mid-file fails and leaves no
// half-written file that would look complete.
func TestExtractTruncated(t *testing.T) {
	s := newSandbox(t)
	archive := buildTar(t, file("ok", "fine"), file("big", strings.Repeat("x", 10000)))
	_, err := Extract(context.Background(), bytes.NewReader(archive[:3000]), s.dest, Options{})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want unexpected EOF", err)
	}
	wantFile(t, s.dest, "ok", "fine", 0o644)
	if _, err := os.Lstat(filepath.Join(s.dest, "big")); err == nil {
		t.Error("partial file left behind")
	}
}

// cancelAfter cancels ctx once n bytes have been read, simulating a caller
// giving up in the middle of a large file.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n -= n; c.n <= 0 {
		c.cancel()
	}
	return n, err
}

// TestExtractCancel checks ctx is honoured both between entries and inside
// a large file, and that the partial file is removed.
func TestExtractCancel(t *testing.T) {
	archive := buildTar(t, file("small", "x"), file("big", strings.Repeat("x", 8<<20)))
	t.Run("before start", func(t *testing.T) {
		s := newSandbox(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		st, err := Extract(ctx, bytes.NewReader(archive), s.dest, Options{})
		if !errors.Is(err, context.Canceled) || !reflect.DeepEqual(st, Stats{}) {
			t.Fatalf("err = %v, stats = %+v; want context.Canceled, nothing written", err, st)
		}
	})
	t.Run("mid file", func(t *testing.T) {
		s := newSandbox(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := &cancelAfter{r: bytes.NewReader(archive), n: 1 << 20, cancel: cancel}
		st, err := Extract(ctx, r, s.dest, Options{})
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), `"big"`) {
			t.Fatalf("err = %v, want context.Canceled naming big", err)
		}
		if st.Bytes >= 8<<20 {
			t.Errorf("copied %d bytes after cancellation", st.Bytes)
		}
		if _, err := os.Lstat(filepath.Join(s.dest, "big")); err == nil {
			t.Error("partial file left behind")
		}
	})
}

// TestExtractPreexistingLinks checks links already in dest (say from a
// previous run) are not followed either: a file entry replaces the link, and
// an entry below a linked directory is refused.
func TestExtractPreexistingLinks(t *testing.T) {
	s := newSandbox(t)
	if err := os.MkdirAll(s.dest, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"canary": "../canary.txt", "sib": "../sibling"} {
		if err := os.Symlink(target, filepath.Join(s.dest, name)); err != nil {
			t.Fatal(err)
		}
	}
	extract(t, buildTar(t, file("canary", "replaced")), s.dest, Options{})
	wantFile(t, s.dest, "canary", "replaced", 0o644)
	_, err := Extract(context.Background(), bytes.NewReader(buildTar(t, file("sib/x", "x"))), s.dest, Options{})
	if !errors.Is(err, ErrUnsafeEntry) {
		t.Fatalf("err = %v, want ErrUnsafeEntry for a write below a symlink", err)
	}
	if err := os.Remove(filepath.Join(s.dest, "sib")); err != nil { // the test's own escaping link
		t.Fatal(err)
	}
	s.check(t)
}
