package artifacts

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// epoch is a fixed mtime, so generated archives are byte-for-byte stable.
var epoch = time.Unix(1_700_000_000, 0)

// ent describes one tar entry; the zero typ is a regular file.
type ent struct {
	typ        byte
	name, link string
	body       string
	mode       int64
	mtime      time.Time
}

func file(name, body string) ent { return ent{typ: tar.TypeReg, name: name, body: body} }
func dir(name string) ent        { return ent{typ: tar.TypeDir, name: name} }
func sym(name, target string) ent {
	return ent{typ: tar.TypeSymlink, name: name, link: target}
}
func hard(name, target string) ent { return ent{typ: tar.TypeLink, name: name, link: target} }
func special(typ byte, name string) ent {
	return ent{typ: typ, name: name}
}

// buildTar writes entries with tar.Writer, which (unlike a real engine) we
// trust to frame them correctly, so tests exercise only the extractor.
func buildTar(t testing.TB, ents ...ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		hdr := &tar.Header{
			Typeflag: e.typ, Name: e.name, Linkname: e.link, Mode: e.mode,
			Size: int64(len(e.body)), ModTime: e.mtime,
		}
		if hdr.Typeflag == 0 {
			hdr.Typeflag = tar.TypeReg
		}
		if hdr.Mode == 0 {
			hdr.Mode = 0o644
			if e.typ == tar.TypeDir {
				hdr.Mode = 0o755
			}
		}
		if hdr.ModTime.IsZero() {
			hdr.ModTime = epoch
		}
		if hdr.Typeflag != tar.TypeReg {
			hdr.Size = 0
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader { // tar.Writer allows nothing else
			hdr = &tar.Header{Typeflag: e.typ, Name: e.name, PAXRecords: map[string]string{"comment": e.body}}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatalf("tar header %q: %v", e.name, err)
		}
		if hdr.Size == 0 {
			continue
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatalf("tar body %q: %v", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sandbox is a temp parent holding dest plus bait outside it: a canary file
// and an empty sibling directory, both of which must survive any archive.
type sandbox struct{ parent, dest string }

const canaryText = "do not touch"

func newSandbox(t testing.TB) sandbox {
	t.Helper()
	parent, err := filepath.EvalSymlinks(t.TempDir()) // physical, for escape checks
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(parent, "canary.txt"), []byte(canaryText), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(parent, "sibling"), 0o755); err != nil {
		t.Fatal(err)
	}
	return sandbox{parent: parent, dest: filepath.Join(parent, "dest")}
}

// check fails the test if anything outside dest changed, or if any symlink
// left in dest can be followed out of it.
func (s sandbox) check(t testing.TB) {
	t.Helper()
	names := readDirNames(t, s.parent)
	names = slices.DeleteFunc(names, func(n string) bool { return n == "dest" })
	if !slices.Equal(names, []string{"canary.txt", "sibling"}) {
		t.Errorf("parent of dest holds %q, want only canary.txt, dest, sibling", names)
	}
	if got := readDirNames(t, filepath.Join(s.parent, "sibling")); len(got) != 0 {
		t.Errorf("sibling dir was written: %q", got)
	}
	fi, err := os.Lstat(filepath.Join(s.parent, "canary.txt"))
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("canary replaced: %v %v", fi, err)
	}
	if b, _ := os.ReadFile(filepath.Join(s.parent, "canary.txt")); string(b) != canaryText {
		t.Errorf("canary changed to %q", b)
	}
	_ = filepath.WalkDir(s.dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink != 0 && linkEscapes(s.dest, p) {
			target, _ := os.Readlink(p)
			t.Errorf("symlink %s -> %s resolves outside dest", p, target)
		}
		return nil
	})
}

func readDirNames(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// mustDo fails the test on a setup error.
func mustDo(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
