package artifacts

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// entry validates one header and dispatches it to the writer for its type.
func (x *extractor) entry(hdr *tar.Header, content io.Reader) error {
	name := hdr.Name
	switch hdr.Typeflag {
	case tar.TypeXGlobalHeader:
		return nil // archive-wide pax defaults; nothing to write
	case tar.TypeChar:
		return unsafeEntry(name, "character device node")
	case tar.TypeBlock:
		return unsafeEntry(name, "block device node")
	case tar.TypeFifo:
		return unsafeEntry(name, "fifo (named pipe)")
	case tar.TypeReg, tar.TypeCont, tar.TypeGNUSparse, tar.TypeDir, tar.TypeSymlink, tar.TypeLink:
	default:
		return unsafeEntry(name, "unsupported entry type %q", hdr.Typeflag)
	}
	isDir := hdr.Typeflag == tar.TypeDir
	rel, reason := x.mapName(name, isDir)
	if reason != "" {
		return unsafeEntry(name, "%s", reason)
	}
	if rel == "." && !isDir {
		return unsafeEntry(name, "non-directory entry names the destination itself")
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		return x.dir(hdr, rel)
	case tar.TypeSymlink:
		return x.symlink(hdr, rel)
	case tar.TypeLink:
		return x.link(hdr, rel)
	}
	return x.file(hdr, rel, content)
}

// mapName turns an archive path into a slash-separated path relative to dest,
// or returns why it cannot be extracted.
func (x *extractor) mapName(name string, isDir bool) (rel, reason string) {
	clean, reason := cleanName(name)
	if reason != "" {
		return "", reason
	}
	rel, ok := stripRoot(clean, x.opts.StripRoot, isDir)
	if !ok {
		return "", fmt.Sprintf("outside the archive root %q", x.opts.StripRoot)
	}
	return rel, ""
}

// ensureParents makes every directory above rel exist as a real directory,
// top down, so that nothing is ever created below a symlink: a link inside
// dest could otherwise redirect later entries, and a chain of such links is
// how lexical target checks get defeated.
func (x *extractor) ensureParents(name, rel string) error {
	dir := path.Dir(rel)
	if x.dirs[dir] {
		return nil
	}
	for i := 0; ; {
		j := strings.IndexByte(dir[i:], '/')
		p := dir
		if j >= 0 {
			p = dir[:i+j]
		}
		if !x.dirs[p] {
			if err := x.realDir(name, p); err != nil {
				return err
			}
		}
		if j < 0 {
			return nil
		}
		i += j + 1
	}
}

// realDir checks or creates one parent directory; its own parents are
// already known to be real directories.
func (x *extractor) realDir(name, p string) error {
	fi, err := x.root.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Chmod because Mkdir's mode is filtered by the umask, and the
		// tree (and its manifest) should not depend on the caller's.
		if err := x.root.Mkdir(p, 0o755); err != nil {
			return fmt.Errorf("extract %q: %w", name, err)
		}
		if err := x.root.Chmod(p, 0o755); err != nil {
			return fmt.Errorf("extract %q: %w", name, err)
		}
		x.stats.Dirs++
		x.man.add(ManifestEntry{Path: p, Type: TypeDir, Mode: 0o755})
	case err != nil:
		return fmt.Errorf("extract %q: %w", name, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return unsafeEntry(name, "parent %q is a symlink, and links are never followed", p)
	case !fi.IsDir():
		return fmt.Errorf("extract %q: parent %q is not a directory", name, p)
	}
	x.dirs[p] = true
	return nil
}

// clear makes room for an entry at rel. An existing non-directory is removed
// rather than written through: opening it would follow a symlink, and
// truncating it would also change every hard link to the same file. An
// existing directory is kept and reported.
func (x *extractor) clear(name, rel string) (isDir bool, err error) {
	fi, err := x.root.Lstat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("extract %q: %w", name, err)
	case fi.IsDir():
		return true, nil
	}
	delete(x.files, rel)
	x.man.remove(rel)
	if err := x.root.Remove(rel); err != nil {
		return false, fmt.Errorf("extract %q: %w", name, err)
	}
	return false, nil
}

// prepare readies rel for a non-directory: real parents, nothing in the way.
func (x *extractor) prepare(name, rel string) error {
	if err := x.ensureParents(name, rel); err != nil {
		return err
	}
	isDir, err := x.clear(name, rel)
	if err == nil && isDir {
		err = fmt.Errorf("extract %q: a directory already exists there", name)
	}
	return err
}
