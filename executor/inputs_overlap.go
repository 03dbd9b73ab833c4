package executor

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// inputTree is what one input copies, as clashingInputs reads it: its
// destination, its host source (a host path, or this run's copy of an
// upstream artifact) and the source's skip rule.
type inputTree struct {
	name, to, src string
	skip          func(string, bool) bool
	dir           bool
}

// clashingInputs finds two of a step's inputs whose copies cannot both
// land: one puts a file where the other puts a directory (or needs one).
// The engine would refuse the second copy with a bare tar error (Docker:
// "cannot overwrite directory ... with non-directory"), which reads as an
// engine fault; this names both inputs, before anything is copied, as the
// user's to fix. A source that cannot be read is left to the copy to
// report.
func clashingInputs(trees []inputTree) error {
	for n := range trees {
		fi, err := os.Stat(trees[n].src)
		if err != nil {
			return nil
		}
		trees[n].dir = fi.IsDir()
	}
	for i, outer := range trees {
		for j, inner := range trees {
			if what := inTheWay(outer, inner); i != j && what != "" {
				return &InputError{Input: inner.name, Err: fmt.Errorf("its %s goes to %s, but input %q copies %s",
					kindName(inner.dir), inner.to, outer.name, what)}
			}
		}
	}
	return nil
}

// inTheWay says what outer copies where inner needs room for its kind:
// the same destination as the other kind, a file above inner's
// destination, or, inside outer's directory, a file or directory in the
// way (clash). "" when nothing is.
func inTheWay(outer, inner inputTree) string {
	if outer.to == inner.to {
		if outer.dir != inner.dir {
			return fmt.Sprintf("a %s there", kindName(outer.dir))
		}
		return ""
	}
	rel, ok := below(outer.to, inner.to)
	switch {
	case !ok:
		return ""
	case !outer.dir:
		return "a file to " + outer.to
	}
	return clash(outer, rel, inner.dir)
}

// below returns p relative to dir when p lies strictly inside it.
func below(dir, p string) (string, bool) {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	if !strings.HasPrefix(p, prefix) || p == dir {
		return "", false
	}
	return strings.TrimPrefix(p, prefix), true
}

// clash walks rel in outer's tree: each of its parents must be a
// directory there, or absent, and rel itself absent or of the inner
// input's kind. It returns what outer copies in the way, or "".
func clash(outer inputTree, rel string, innerDir bool) string {
	parts := strings.Split(rel, "/")
	for n := 1; n <= len(parts); n++ {
		sub := strings.Join(parts[:n], "/")
		fi, err := os.Lstat(filepath.Join(outer.src, filepath.FromSlash(sub)))
		if err != nil {
			return "" // not there: nothing in the way
		}
		if outer.skip != nil && outer.skip(sub, fi.IsDir()) {
			return "" // not copied
		}
		last := n == len(parts)
		if (!last && !fi.IsDir()) || (last && fi.IsDir() != innerDir) {
			return fmt.Sprintf("a %s to %s", kindName(fi.IsDir()), path.Join(outer.to, sub))
		}
	}
	return ""
}

func kindName(dir bool) string {
	if dir {
		return "directory"
	}
	return "file"
}
