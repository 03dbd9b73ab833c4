package artifacts

import (
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// cleanName validates an archive path and returns it cleaned and
// slash-separated, with any leading "./" dropped ("." for the archive root).
// A non-empty reason means the name is unsafe; it is checked before any
// cleaning so that "a/../b" is refused rather than quietly rewritten.
func cleanName(name string) (clean, reason string) {
	switch {
	case name == "":
		return "", "empty name"
	case strings.IndexByte(name, 0) >= 0:
		return "", "name contains a NUL byte"
	case strings.HasPrefix(name, "/"):
		return "", "absolute path"
	}
	for part := range strings.SplitSeq(name, "/") {
		if part == ".." {
			return "", `path contains ".."`
		}
	}
	clean = path.Clean(name)
	// Localize also rejects names that are not local on this OS (for
	// example drive letters or backslashes on Windows).
	if _, err := filepath.Localize(clean); err != nil {
		return "", "not a valid local path"
	}
	return clean, ""
}

// stripRoot maps a cleaned archive path to a slash-separated path relative to
// the destination. With no root every path maps to itself. With a root,
// "root/x" maps to "x", the root directory maps to "." (dest itself) and a
// lone non-directory named root keeps its name, which is how the archive
// endpoint packs a single file. ok is false for paths outside root.
func stripRoot(clean, root string, isDir bool) (rel string, ok bool) {
	switch {
	case root == "":
		return clean, true
	case clean == root && isDir:
		return ".", true
	case clean == root:
		return root, true
	}
	if rest, ok := strings.CutPrefix(clean, root+"/"); ok {
		return rest, true
	}
	return "", false
}

// symlinkReason says why a symlink at rel (relative to the tree's root) may
// not point to target, or returns "" if the link is safe. tree names the
// tree in the reason ("the destination").
//
// The check is lexical, which is only sound with two extra rules. First, ".."
// may appear only as leading components: "u/.." climbs from wherever the link
// u points, not from the link's directory, so "u -> ." plus "a -> u/.."
// would escape. Second, the extractor never creates an entry below a symlink,
// so the link's directory is a real directory at the depth its name says.
// With both, following any chain of these links stays inside dest.
//
// keepEscaping allows targets that are absolute or leave the tree: the link is
// then stored as a link, and since nothing is ever created below a link nor
// opened through one, it is inert for the host (as with `docker cp`).
func symlinkReason(rel, target, tree string, keepEscaping bool) string {
	switch {
	case target == "":
		return "empty symlink target"
	case strings.IndexByte(target, 0) >= 0:
		return "symlink target contains a NUL byte"
	case keepEscaping:
		return ""
	case path.IsAbs(target) || filepath.IsAbs(target):
		return "symlink target " + strconv.Quote(target) + " is absolute"
	}
	up, descended := 0, false
	for part := range strings.SplitSeq(target, "/") {
		switch part {
		case "", ".":
		case "..":
			if descended {
				return "symlink target " + strconv.Quote(target) + ` uses ".." after a name, which could escape through another link`
			}
			up++
		default:
			descended = true
		}
	}
	if up > depth(path.Dir(rel)) {
		return "symlink target " + strconv.Quote(target) + " resolves outside " + tree
	}
	return ""
}

// depth counts the components of a cleaned relative directory ("." is 0).
func depth(dir string) int {
	if dir == "." {
		return 0
	}
	return strings.Count(dir, "/") + 1
}
