package artifacts

import "testing"

// TestCleanName pins which spellings are normalised and which are refused.
func TestCleanName(t *testing.T) {
	for name, want := range map[string]string{
		"out/a": "out/a", "./out/a": "out/a", "out//a/": "out/a", "out/./a": "out/a",
		"./": ".", ".": ".", "a..b/..c": "a..b/..c", `a\..\b`: `a\..\b`, // backslash is a name byte on Unix
		"": "", "/etc/x": "", "../x": "", "out/../x": "", "out/..": "", "a\x00b": "",
	} {
		got, reason := cleanName(name)
		if got != want || (want == "") != (reason != "") {
			t.Errorf("cleanName(%q) = %q, %q; want %q", name, got, reason, want)
		}
	}
}

// TestStripRoot covers the archive endpoint's two shapes and stray entries.
func TestStripRoot(t *testing.T) {
	for _, c := range []struct {
		clean, root string
		isDir       bool
		want        string
		ok          bool
	}{
		{"out", "out", true, ".", true},
		{"out", "out", false, "out", true}, // lone file or link
		{"out/a/b", "out", false, "a/b", true},
		{"outx/a", "out", false, "", false},
		{"other", "out", false, "", false},
		{"etc/passwd", "", false, "etc/passwd", true},
	} {
		got, ok := stripRoot(c.clean, c.root, c.isDir)
		if got != c.want || ok != c.ok {
			t.Errorf("stripRoot(%q, %q, %v) = %q, %v; want %q, %v", c.clean, c.root, c.isDir, got, ok, c.want, c.ok)
		}
	}
}

// TestSymlinkReason pins the lexical symlink rule: leading ".." only, and
// never above dest from the link's directory.
func TestSymlinkReason(t *testing.T) {
	for _, c := range []struct {
		rel, target string
		safe        bool
	}{
		{"a", "b", true},
		{"a", ".", true},
		{"a", "./b//c/", true},
		{"sub/a", "..", true},
		{"sub/a", "../b/c", true},
		{"x/y/a", "../../b", true},
		{"a", "..", false},
		{"sub/a", "../..", false},
		{"sub/a", "../../sub/b", false}, // leaves dest, even if it comes back
		{"a", "b/..", false},
		{"a", "b/../c", false},
		{"a", "/etc", false},
		{"a", "", false},
		{"a", "b\x00", false},
	} {
		if got := symlinkReason(c.rel, c.target, "dest", false); (got == "") != c.safe {
			t.Errorf("symlinkReason(%q, %q) = %q, want safe=%v", c.rel, c.target, got, c.safe)
		}
	}
}
