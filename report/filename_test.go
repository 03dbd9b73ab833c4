package report

import (
	"strings"
	"testing"
)

func TestFileName(t *testing.T) {
	for name, want := range map[string]string{
		"build":           "build",
		"test[go1.22]":    "test%5Bgo1.22%5D",
		"a/b":             "a%2Fb",
		"50%":             "50%25",
		"v1.2_final-rc":   "v1.2_final-rc",
		".hidden":         "%2Ehidden",
		".":               "%2E",
		"..":              "%2E.",
		"":                "%",
		"spa ce":          "spa%20ce",
		"naïve":           "na%C3%AFve",
		"back\\slash:c*?": "back%5Cslash%3Ac%2A%3F",
	} {
		if got := FileName(name); got != want {
			t.Errorf("FileName(%q) = %q, want %q", name, got, want)
		}
	}
}

// Names that a lossy mapping would merge stay apart; long names stay
// under the file-name limit and apart.
func TestFileNameInjective(t *testing.T) {
	long := strings.Repeat("x", 300)
	names := []string{"a_b", "a b", "a/b", "a%2Fb", "a%b", "a.b", ".a", "%2Ea", "%", "",
		long, long + "y", long + "z", strings.Repeat("/", 100), strings.Repeat("/", 101),
		strings.Repeat("a", 179) + "/" + "b", strings.Repeat("a", 179) + "/" + "c"}
	seen := map[string]string{}
	for _, n := range names {
		f := FileName(n)
		if prev, dup := seen[f]; dup {
			t.Errorf("FileName(%q) = FileName(%q) = %q", n, prev, f)
		}
		seen[f] = n
		if len(f) > maxFileName {
			t.Errorf("FileName(%.20q...) has %d bytes, want <= %d", n, len(f), maxFileName)
		}
		if strings.ContainsAny(f, "/\\") || f == "." || f == ".." || strings.HasPrefix(f, ".") {
			t.Errorf("FileName(%q) = %q is not a safe file name", n, f)
		}
		if i := strings.IndexByte(f, '~'); i >= 0 && strings.Contains(f[max(0, i-2):i], "%") {
			t.Errorf("FileName(%.20q...) = %q cut inside an escape", n, f)
		}
	}
}

// Names differing only in case get different files even where the file
// system ignores case; the first keeps the plain name.
func TestNameSetCaseFold(t *testing.T) {
	ns := newNameSet([]string{"Build", "build", "BUILD"})
	a, b, c := ns.get("Build"), ns.get("build"), ns.get("BUILD")
	if a != "Build" || strings.EqualFold(a, b) || strings.EqualFold(a, c) || strings.EqualFold(b, c) {
		t.Errorf("names %q %q %q fold together", a, b, c)
	}
	if again := ns.get("build"); again != b {
		t.Errorf("assignment changed: %q then %q", b, again)
	}
	if late := ns.get("BuIlD"); strings.EqualFold(late, a) || strings.EqualFold(late, b) {
		t.Errorf("a late step %q collides", late)
	}
}
