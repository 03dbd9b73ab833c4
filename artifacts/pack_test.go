package artifacts

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pack runs Pack into memory and fails on error.
func pack(t *testing.T, src string, opts PackOptions) ([]byte, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Pack(context.Background(), src, &buf, opts)
	if err != nil {
		t.Fatalf("Pack: %v", err)
	}
	return buf.Bytes(), st
}

// readTar lists an archive's headers, failing on a malformed stream.
func readTar(t *testing.T, archive []byte) []*tar.Header {
	t.Helper()
	var hdrs []*tar.Header
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return hdrs
		}
		mustDo(t, err)
		hdrs = append(hdrs, hdr)
	}
}

func names(hdrs []*tar.Header) []string {
	var n []string
	for _, h := range hdrs {
		n = append(n, h.Name)
	}
	return n
}

// smallTree is a/, a/b.txt, c.txt and a link l -> c.txt.
func smallTree(t *testing.T) string {
	src := filepath.Join(t.TempDir(), "src")
	mustDo(t, os.MkdirAll(filepath.Join(src, "a"), 0o755))
	mustDo(t, os.WriteFile(filepath.Join(src, "a", "b.txt"), []byte("b"), 0o644))
	mustDo(t, os.WriteFile(filepath.Join(src, "c.txt"), []byte("cc"), 0o755))
	mustDo(t, os.Symlink("c.txt", filepath.Join(src, "l")))
	return src
}

// TestPackLayout pins the naming contract for PUT /containers/{id}/archive:
// a directory lands under Name (no entries for Name's parents), or at the
// root for ".", and a file is the entry Name itself.
func TestPackLayout(t *testing.T) {
	src := smallTree(t)
	for _, c := range []struct {
		name string
		want []string
	}{
		{"src", []string{"src/", "src/a/", "src/a/b.txt", "src/c.txt", "src/l"}},
		{"/src", nil}, // absolute: a caller bug
		{"in/deep/", []string{"in/deep/", "in/deep/a/", "in/deep/a/b.txt", "in/deep/c.txt", "in/deep/l"}},
		{".", []string{"a/", "a/b.txt", "c.txt", "l"}},
		{"", []string{"a/", "a/b.txt", "c.txt", "l"}},
	} {
		var buf bytes.Buffer
		_, err := Pack(context.Background(), src, &buf, PackOptions{Name: c.name})
		if c.want == nil {
			if err == nil || errors.Is(err, ErrUnsafeEntry) {
				t.Errorf("Name %q: err = %v, want an options error", c.name, err)
			}
			continue
		}
		mustDo(t, err)
		if got := names(readTar(t, buf.Bytes())); !slices.Equal(got, c.want) {
			t.Errorf("Name %q: entries %q, want %q", c.name, got, c.want)
		}
	}
	file := filepath.Join(src, "c.txt")
	archive, st := pack(t, file, PackOptions{Name: "in/renamed.txt"})
	if got := names(readTar(t, archive)); !slices.Equal(got, []string{"in/renamed.txt"}) {
		t.Errorf("file entries %q", got)
	}
	if st.Files != 1 || st.Bytes != 2 {
		t.Errorf("file stats = %+v", st)
	}
	if _, err := Pack(context.Background(), file, io.Discard, PackOptions{}); err == nil {
		t.Error("a file packed at the archive root")
	}
}

// TestPackHeaders checks what each header carries: root ownership without
// names, permission bits without setuid, whole-second mtimes, links as
// links, and that packing twice gives the same bytes.
func TestPackHeaders(t *testing.T) {
	src := smallTree(t)
	mtime := epoch.Add(987654321 * time.Nanosecond)
	mustDo(t, os.Chmod(filepath.Join(src, "c.txt"), 0o4755))
	mustDo(t, os.Chtimes(filepath.Join(src, "c.txt"), mtime, mtime))
	archive, st := pack(t, src, PackOptions{Name: "src"})
	if want := (Stats{Files: 2, Dirs: 2, Symlinks: 1, Bytes: 3}); !reflect.DeepEqual(st, want) {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	for _, h := range readTar(t, archive) {
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s owner %d:%d %q:%q, want 0:0 without names", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		switch h.Name {
		case "src/c.txt":
			if h.Mode != 0o755 || !h.ModTime.Equal(epoch) {
				t.Errorf("c.txt mode %o mtime %v, want 755 and %v", h.Mode, h.ModTime, epoch)
			}
		case "src/l":
			if h.Typeflag != tar.TypeSymlink || h.Linkname != "c.txt" || h.Size != 0 {
				t.Errorf("l = %+v, want a symlink to c.txt", h)
			}
		}
	}
	if again, _ := pack(t, src, PackOptions{Name: "src"}); !bytes.Equal(again, archive) {
		t.Error("packing the same tree twice gave different archives")
	}
}

// TestPackSymlinkEscape checks that a link leaving the tree is refused by
// name, never read through: the secret it points at must not appear in
// anything Pack wrote. A symlinked source root is the caller's choice and
// is followed.
func TestPackSymlinkEscape(t *testing.T) {
	const secret = "TOP-SECRET-HOST-DATA"
	for name, target := range map[string]string{
		"absolute": "", "climbs out": "../../secret.txt", "via name": "sub/../../secret.txt",
	} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			mustDo(t, os.WriteFile(filepath.Join(parent, "secret.txt"), []byte(secret), 0o644))
			src := filepath.Join(parent, "src")
			mustDo(t, os.MkdirAll(filepath.Join(src, "sub"), 0o755))
			mustDo(t, os.WriteFile(filepath.Join(src, "ok.txt"), []byte("ok"), 0o644))
			if target == "" {
				target = filepath.Join(parent, "secret.txt")
			}
			mustDo(t, os.Symlink(target, filepath.Join(src, "sub", "leak")))
			var buf bytes.Buffer
			_, err := Pack(context.Background(), src, &buf, PackOptions{Name: "src"})
			var ue *UnsafeEntryError
			if !errors.As(err, &ue) || ue.Name != "sub/leak" || !strings.Contains(err.Error(), strconv.Quote(target)) {
				t.Fatalf("err = %v, want an UnsafeEntryError naming sub/leak and its target", err)
			}
			if bytes.Contains(buf.Bytes(), []byte(secret)) {
				t.Error("the secret outside the tree was packed")
			}
			skip := func(rel string, _ bool) bool { return rel == "sub/leak" }
			if _, err := Pack(context.Background(), src, io.Discard, PackOptions{Skip: skip}); err != nil {
				t.Errorf("skipping the link: %v", err)
			}
		})
	}
	t.Run("linked root", func(t *testing.T) {
		src := smallTree(t)
		link := filepath.Join(t.TempDir(), "link")
		mustDo(t, os.Symlink(src, link))
		if _, st := pack(t, link, PackOptions{}); st.Files != 2 {
			t.Errorf("stats = %+v, want the linked directory packed", st)
		}
	})
}
