package artifacts

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// file writes a regular file, streaming its content through x.buf.
func (x *extractor) file(hdr *tar.Header, rel string, content io.Reader) error {
	name := hdr.Name
	remaining := x.opts.MaxBytes - x.stats.Bytes
	if hdr.Size > remaining {
		return x.tooLarge(name)
	}
	if err := x.prepare(name, rel); err != nil {
		return err
	}
	// O_EXCL: clear removed whatever was there, so anything found now is a
	// race and must not be written through.
	f, err := x.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("extract %q: %w", name, err)
	}
	// tee hides f's ReadFrom, so io.CopyBuffer really uses the shared
	// buffer; remaining+1 catches a lying reader.
	src := &ctxReader{ctx: x.ctx, r: io.LimitReader(content, remaining+1)}
	n, err := io.CopyBuffer(x.man.tee(f, hdr.Size), src, x.buf)
	x.man.endFile()
	x.stats.Bytes += n
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || n > remaining {
		// A truncated file looks complete to whoever reads it later.
		_ = x.root.Remove(rel)
		if err == nil {
			return x.tooLarge(name)
		}
		return fmt.Errorf("extract %q: %w", name, err)
	}
	x.files[rel] = true
	x.stats.Files++
	x.man.addFile(ManifestEntry{Path: rel, Type: TypeFile, Size: n, Mode: perm(hdr)})
	return x.setMeta(name, rel, hdr)
}

// dir creates or updates a directory. Its times are applied by finish, and
// dest itself (".") is the caller's, so its mode and times are left alone.
func (x *extractor) dir(hdr *tar.Header, rel string) error {
	if rel == "." {
		return nil
	}
	name := hdr.Name
	if err := x.ensureParents(name, rel); err != nil {
		return err
	}
	isDir, err := x.clear(name, rel)
	if err != nil {
		return err
	}
	if !isDir {
		if err := x.root.Mkdir(rel, 0o700); err != nil {
			return fmt.Errorf("extract %q: %w", name, err)
		}
		x.stats.Dirs++
	}
	x.dirs[rel] = true
	// Owner rwx is forced so the tree can be filled and later deleted.
	mode := perm(hdr) | 0o700
	if err := x.root.Chmod(rel, mode); err != nil {
		return fmt.Errorf("extract %q: %w", name, err)
	}
	x.man.add(ManifestEntry{Path: rel, Type: TypeDir, Mode: mode})
	x.dirTimes = append(x.dirTimes, dirTime{rel, hdr.AccessTime, hdr.ModTime})
	return nil
}

// symlink recreates a link as a link; its target is validated, never opened.
func (x *extractor) symlink(hdr *tar.Header, rel string) error {
	name := hdr.Name
	if reason := symlinkReason(rel, hdr.Linkname, "the destination", x.opts.KeepEscapingLinks); reason != "" {
		return unsafeEntry(name, "%s", reason)
	}
	if err := x.prepare(name, rel); err != nil {
		return err
	}
	if err := x.root.Symlink(hdr.Linkname, rel); err != nil {
		return fmt.Errorf("extract %q: %w", name, err)
	}
	x.stats.Symlinks++
	x.man.add(ManifestEntry{Path: rel, Type: TypeSymlink, Target: hdr.Linkname})
	return nil
}

// link creates a hard link to a regular file extracted earlier. Anything
// else could alias a file outside dest or a directory.
func (x *extractor) link(hdr *tar.Header, rel string) error {
	name := hdr.Name
	target, reason := x.mapName(hdr.Linkname, false)
	if reason != "" {
		return unsafeEntry(name, "hard link target %q: %s", hdr.Linkname, reason)
	}
	if !x.files[target] {
		return unsafeEntry(name, "hard link target %q is not a regular file extracted earlier", hdr.Linkname)
	}
	if target == rel {
		return nil // a link to itself: the file is already there
	}
	if err := x.prepare(name, rel); err != nil {
		return err
	}
	if err := x.root.Link(target, rel); err != nil {
		return fmt.Errorf("extract %q: %w", name, err)
	}
	x.files[rel] = true
	x.stats.Files++
	x.man.link(rel, target)
	return nil
}

// setMeta applies mode and times explicitly, since OpenFile's perm is
// filtered by the umask.
func (x *extractor) setMeta(name, rel string, hdr *tar.Header) error {
	if err := x.root.Chmod(rel, perm(hdr)); err != nil {
		return fmt.Errorf("extract %q: %w", name, err)
	}
	if err := x.root.Chtimes(rel, hdr.AccessTime, hdr.ModTime); err != nil {
		return fmt.Errorf("extract %q: %w", name, err)
	}
	return nil
}

// tooLarge names the entry that crossed the cap and the cap itself.
func (x *extractor) tooLarge(name string) error {
	return fmt.Errorf("extract %q: %w (limit %d bytes)", name, ErrTooLarge, x.opts.MaxBytes)
}

// perm keeps the permission bits only: setuid, setgid and sticky bits from
// an untrusted container have no place in a build output.
func perm(hdr *tar.Header) fs.FileMode { return fs.FileMode(hdr.Mode) & fs.ModePerm }

// ctxReader stops a copy once ctx is done; each Read is at most one buffer,
// so a large file is abandoned within 256 KiB of cancellation.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read fails with ctx's error once ctx is done.
func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
