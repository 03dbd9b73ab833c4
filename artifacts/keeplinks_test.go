package artifacts

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// With KeepEscapingLinks, links out of the tree are stored as links; writing
// through them is still refused and nothing outside dest changes.
func TestKeepEscapingLinksStoresButNeverFollows(t *testing.T) {
	s := newSandbox(t)
	canary := filepath.Join(s.parent, "canary.txt")
	tarball := buildTar(t,
		dir("out/"),
		sym("out/passwd", "/etc/passwd"),
		sym("out/up", "../../canary.txt"),
		sym("out/sib", "../../sibling"),
		file("out/ok.txt", "fine"),
	)
	st, err := Extract(context.Background(), bytes.NewReader(tarball), s.dest, Options{StripRoot: "out", KeepEscapingLinks: true, Manifest: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Symlinks != 3 || st.Files != 1 {
		t.Fatalf("stats = %+v", st)
	}
	for name, want := range map[string]string{"passwd": "/etc/passwd", "up": "../../canary.txt"} {
		if got, err := os.Readlink(filepath.Join(s.dest, name)); err != nil || got != want {
			t.Errorf("%s -> %q (%v), want %q", name, got, err, want)
		}
	}
	for _, e := range st.Manifest {
		if e.Path == "passwd" && (e.Type != TypeSymlink || e.Target != "/etc/passwd" || e.SHA256 != "") {
			t.Errorf("manifest entry %+v: a link is recorded, never hashed through", e)
		}
	}
	// A later archive writing through the kept links is refused.
	for _, evil := range [][]byte{
		buildTar(t, file("out/sib/x", "escaped")),
		buildTar(t, file("out/up/x", "escaped")),
	} {
		_, err := Extract(context.Background(), bytes.NewReader(evil), s.dest, Options{StripRoot: "out", KeepEscapingLinks: true})
		if !errors.Is(err, ErrUnsafeEntry) {
			t.Errorf("write through a kept link: err = %v, want ErrUnsafeEntry", err)
		}
	}
	if b, _ := os.ReadFile(canary); string(b) != canaryText {
		t.Fatalf("canary changed: %q", b)
	}
	if names := readDirNames(t, filepath.Join(s.parent, "sibling")); len(names) != 0 {
		t.Fatalf("sibling written: %v", names)
	}
	// Without the option the same archive is refused, as before.
	if _, err := Extract(context.Background(), bytes.NewReader(tarball), t.TempDir(), Options{StripRoot: "out"}); !errors.Is(err, ErrUnsafeEntry) {
		t.Fatalf("default: err = %v, want ErrUnsafeEntry", err)
	}
}

// Pack stores an escaping link as a link and never reads what it points to.
func TestPackKeepEscapingLinksNeverReadsTarget(t *testing.T) {
	src := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.txt")
	mustDo(t, os.WriteFile(secret, []byte("host secret"), 0o600))
	mustDo(t, os.Symlink(secret, filepath.Join(src, "link")))
	var buf bytes.Buffer
	if _, err := Pack(context.Background(), src, &buf, PackOptions{Name: "in"}); !errors.Is(err, ErrUnsafeEntry) {
		t.Fatalf("default: err = %v, want ErrUnsafeEntry", err)
	}
	buf.Reset()
	st, err := Pack(context.Background(), src, &buf, PackOptions{Name: "in", KeepEscapingLinks: true})
	if err != nil || st.Symlinks != 1 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	if bytes.Contains(buf.Bytes(), []byte("host secret")) {
		t.Fatal("the link's target was read into the archive")
	}
}
