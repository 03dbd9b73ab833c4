package artifacts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// linkEscapes follows the symlink at p the way the kernel would (".." is
// physical, links are expanded in place) and reports whether the walk ever
// leaves dest. Missing components are resolved lexically, as a stand-in for
// whatever might be created there later. It is deliberately stricter than
// the kernel: leaving dest and coming back still counts as escaping.
func linkEscapes(dest, p string) bool {
	target, err := os.Readlink(p)
	if err != nil {
		return false
	}
	cur, hops := filepath.Dir(p), 0
	todo := strings.Split(target, "/")
	if filepath.IsAbs(target) {
		return true
	}
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
		default:
			cur = filepath.Join(cur, c)
		}
		if cur != dest && !strings.HasPrefix(cur, dest+string(filepath.Separator)) {
			return true
		}
		fi, err := os.Lstat(cur)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			continue
		}
		if hops++; hops > 40 { // the kernel gives up with ELOOP
			return false
		}
		next, err := os.Readlink(cur)
		if err != nil {
			return false
		}
		if filepath.IsAbs(next) {
			return true
		}
		cur = filepath.Dir(cur)
		todo = append(strings.Split(next, "/"), todo...)
	}
	return false
}

// TestLinkEscapes keeps the test oracle honest: it must flag real escapes,
// including ones a lexical check would miss.
func TestLinkEscapes(t *testing.T) {
	dest := newSandbox(t).dest
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dest, "sub"), 0o755))
	must(os.Symlink(".", filepath.Join(dest, "u")))
	must(os.Symlink("u/..", filepath.Join(dest, "a")))
	must(os.Symlink("../x", filepath.Join(dest, "b")))
	must(os.Symlink("/etc", filepath.Join(dest, "c")))
	must(os.Symlink("../u", filepath.Join(dest, "sub", "d")))
	must(os.Symlink("nope/../../x", filepath.Join(dest, "e")))
	for name, want := range map[string]bool{
		"u": false, "a": true, "b": true, "c": true, "sub/d": false, "e": true,
	} {
		if got := linkEscapes(dest, filepath.Join(dest, name)); got != want {
			t.Errorf("linkEscapes(%s) = %v, want %v", name, got, want)
		}
	}
}
