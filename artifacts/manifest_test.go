package artifacts

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestExtractManifest checks the manifest describes the tree as it ends up
// on disk: replaced names keep only their last entry, hard links repeat
// their target's digest, implicit parents are listed, modes are the ones
// applied, and the archive root itself is not listed.
func TestExtractManifest(t *testing.T) {
	s := newSandbox(t)
	archive := buildTar(t,
		dir("out/"),
		ent{name: "out/run.sh", body: "#!/bin/sh\n", mode: 0o4755},
		ent{typ: tar.TypeDir, name: "out/priv/", mode: 0o500},
		file("out/dup", "first"),
		file("out/dup", "second"),
		sym("out/l", "run.sh"),
		file("out/l", "file replaces link"),
		hard("out/h", "out/run.sh"),
		file("out/implicit/parent/f", ""),
		sym("out/priv/up", "../dup"),
	)
	st := extract(t, archive, s.dest, Options{StripRoot: "out", Manifest: true})
	want := Manifest{
		{Path: "dup", Type: TypeFile, Size: 6, Mode: 0o644, SHA256: sha("second")},
		{Path: "h", Type: TypeFile, Size: 10, Mode: 0o755, SHA256: sha("#!/bin/sh\n")},
		{Path: "implicit", Type: TypeDir, Mode: 0o755},
		{Path: "implicit/parent", Type: TypeDir, Mode: 0o755},
		{Path: "implicit/parent/f", Type: TypeFile, Mode: 0o644, SHA256: sha("")},
		{Path: "l", Type: TypeFile, Size: 18, Mode: 0o644, SHA256: sha("file replaces link")},
		{Path: "priv", Type: TypeDir, Mode: 0o700},
		{Path: "priv/up", Type: TypeSymlink, Target: "../dup"},
		{Path: "run.sh", Type: TypeFile, Size: 10, Mode: 0o755, SHA256: sha("#!/bin/sh\n")},
	}
	if !reflect.DeepEqual(st.Manifest, want) {
		t.Errorf("manifest:\n got %+v\nwant %+v", st.Manifest, want)
	}
	mustDo(t, Verify(s.dest, st.Manifest))
	if st := extract(t, archive, t.TempDir(), Options{StripRoot: "out"}); st.Manifest != nil {
		t.Errorf("manifest without Options.Manifest: %v", st.Manifest)
	}
}

// TestVerifyDetects checks each kind of drift is reported by path.
func TestVerifyDetects(t *testing.T) {
	for name, c := range map[string]struct {
		change func(dest string) error
		want   string
	}{
		"content": {func(d string) error { return os.WriteFile(filepath.Join(d, "a"), []byte("A"), 0o644) }, `"a": sha256 ` + sha("A") + `, want ` + sha("a")},
		"mode":    {func(d string) error { return os.Chmod(filepath.Join(d, "a"), 0o600) }, `"a": mode 0600, want 0644`},
		"missing": {func(d string) error { return os.Remove(filepath.Join(d, "sub/b")) }, `"sub/b": missing file`},
		"extra":   {func(d string) error { return os.WriteFile(filepath.Join(d, "new"), nil, 0o644) }, `"new": unexpected file`},
		"type": {func(d string) error {
			_ = os.Remove(filepath.Join(d, "a"))
			return os.Symlink("sub", filepath.Join(d, "a"))
		}, `"a": symlink, want file`},
		"link": {func(d string) error {
			_ = os.Remove(filepath.Join(d, "l"))
			return os.Symlink("sub", filepath.Join(d, "l"))
		}, `"l": links to "sub", want "a"`},
		"dir for file": {func(d string) error {
			_ = os.Remove(filepath.Join(d, "a"))
			return os.Mkdir(filepath.Join(d, "a"), 0o755)
		}, `"a": dir, want file`},
	} {
		t.Run(name, func(t *testing.T) {
			dest := t.TempDir()
			st := extract(t, buildTar(t, file("a", "a"), file("sub/b", "b"), sym("l", "a")), dest, Options{Manifest: true})
			mustDo(t, Verify(dest, st.Manifest))
			mustDo(t, c.change(dest))
			err := Verify(dest, st.Manifest)
			if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want ErrMismatch with %s", err, c.want)
			}
		})
	}
}

// TestManifestFile checks the on-disk form: exact bytes for a known tree,
// a lossless round trip, and refusal of files it cannot trust.
func TestManifestFile(t *testing.T) {
	m := Manifest{
		{Path: "z", Type: TypeSymlink, Target: "a b"},
		{Path: "a b", Type: TypeFile, Size: 1, Mode: 0o640, SHA256: sha("x")},
		{Path: "d", Type: TypeDir, Mode: 0o755},
	}
	p := filepath.Join(t.TempDir(), "out.manifest.json")
	mustDo(t, WriteManifest(p, m))
	got, err := os.ReadFile(p)
	mustDo(t, err)
	want := `{"version":1,"entries":[
{"path":"a b","type":"file","size":1,"mode":"0640","sha256":"` + sha("x") + `"},
{"path":"d","type":"dir","size":0,"mode":"0755"},
{"path":"z","type":"symlink","size":0,"target":"a b"}
]}
`
	if string(got) != want {
		t.Errorf("manifest file:\n%s\nwant:\n%s", got, want)
	}
	if m[0].Path != "z" {
		t.Error("WriteManifest sorted the caller's slice")
	}
	back, err := ReadManifest(p)
	mustDo(t, err)
	if sorted := (Manifest{m[1], m[2], m[0]}); !reflect.DeepEqual(back, sorted) {
		t.Errorf("read back %+v, want %+v", back, sorted)
	}
	// json.Marshal compacts what MarshalJSON returns: same JSON, no newlines.
	var compact bytes.Buffer
	mustDo(t, json.Compact(&compact, []byte(want)))
	if b, _ := json.Marshal(m); !bytes.Equal(b, compact.Bytes()) {
		t.Errorf("json.Marshal differs from WriteManifest:\n%s", b)
	}
	for name, bad := range map[string]string{
		"no version":   `{"entries":[]}`,
		"version 2":    `{"version":2,"entries":[]}`,
		"bad type":     `{"version":1,"entries":[{"path":"a","type":"fifo","mode":"0644"}]}`,
		"bad mode":     `{"version":1,"entries":[{"path":"a","type":"file","mode":"rw-r--r--"}]}`,
		"mode too big": `{"version":1,"entries":[{"path":"a","type":"file","mode":"4755"}]}`,
		"not json":     `{"version":1,`,
	} {
		mustDo(t, os.WriteFile(p, []byte(bad), 0o644))
		if _, err := ReadManifest(p); err == nil {
			t.Errorf("%s: accepted %s", name, bad)
		}
	}
}

// TestManifestOfRefusesSpecial checks a fifo is an error, not a silent gap
// or a blocking open.
func TestManifestOfRefusesSpecial(t *testing.T) {
	dir := t.TempDir()
	mustDo(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	if _, err := ManifestOf(dir); err == nil || !strings.Contains(err.Error(), `"fifo"`) {
		t.Errorf("err = %v, want an error naming the fifo", err)
	}
}

// TestManifestLargeFiles covers files hashed on the hasher's goroutine,
// mixed with inline ones: hard links to both kinds, and replacements in
// both directions, must each end with their own content's digest.
func TestManifestLargeFiles(t *testing.T) {
	big1 := strings.Repeat("1", asyncHashMin+1)
	big2 := strings.Repeat("2", 3*asyncHashMin)
	s := newSandbox(t)
	st := extract(t, buildTar(t,
		file("a", big1),
		hard("ha", "a"),
		file("a", "small now"),
		file("b", "small first"),
		hard("hb", "b"),
		file("b", big2),
		file("c", big2),
	), s.dest, Options{Manifest: true})
	want := map[string]string{"a": "small now", "ha": big1, "b": big2, "hb": "small first", "c": big2}
	for _, e := range st.Manifest {
		if e.SHA256 != sha(want[e.Path]) || e.Size != int64(len(want[e.Path])) {
			t.Errorf("%s: %d bytes, sha256 %s; want the digest of %d bytes", e.Path, e.Size, e.SHA256, len(want[e.Path]))
		}
	}
	if len(st.Manifest) != len(want) {
		t.Errorf("manifest has %d entries, want %d", len(st.Manifest), len(want))
	}
	mustDo(t, Verify(s.dest, st.Manifest))
}
