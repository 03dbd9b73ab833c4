package artifacts

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// dir packs a directory tree. Every open goes through an os.Root on src, so
// even a path swapped for a symlink mid-walk cannot lead outside it.
func (p *packer) dir() error {
	root, err := p.at.openRoot()
	if err != nil {
		return fmt.Errorf("pack: %w", err)
	}
	defer root.Close()
	// fs.WalkDir reads each directory sorted and never descends into a
	// symlink, which is what makes the stream deterministic and link-safe.
	err = fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := p.ctx.Err(); err != nil {
			return err
		}
		if rel == "." {
			return p.rootDir(root)
		}
		if p.opts.Skip != nil && p.opts.Skip(rel, d.IsDir()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		return p.entry(root, rel, d)
	})
	if err != nil {
		return fmt.Errorf("pack %s: %w", p.src, err)
	}
	return nil
}

// rootDir writes the entry for src itself, unless its contents go to the
// archive root, where a "./" entry would retarget the extraction directory's
// own mode and times.
func (p *packer) rootDir(root *os.Root) error {
	if p.name == "." {
		return nil
	}
	fi, err := root.Stat(".")
	if err != nil {
		return err
	}
	return p.writeDir(p.name, fi)
}

// entry packs one path below src according to its type.
func (p *packer) entry(root *os.Root, rel string, d fs.DirEntry) error {
	fi, err := d.Info() // lstat: a symlink is described, not followed
	if err != nil {
		return err
	}
	name := p.archiveName(rel)
	switch mode := fi.Mode(); {
	case mode.IsDir():
		return p.writeDir(name, fi)
	case mode&fs.ModeSymlink != 0:
		return p.symlink(root, rel, name, fi)
	case mode.IsRegular():
		return p.file(rel, name, func() (*os.File, error) { return root.Open(filepath.FromSlash(rel)) })
	}
	p.stats.Skipped++ // socket, device, fifo: nothing a build input needs
	return nil
}

func (p *packer) writeDir(name string, fi fs.FileInfo) error {
	if err := p.tw.WriteHeader(header(tar.TypeDir, name+"/", fi)); err != nil {
		return err
	}
	p.stats.Dirs++
	return nil
}

// symlink stores a link as a link, never reading its target; see Pack for
// why escaping ones are refused unless KeepEscapingLinks.
func (p *packer) symlink(root *os.Root, rel, name string, fi fs.FileInfo) error {
	target, err := root.Readlink(filepath.FromSlash(rel))
	if err != nil {
		return err
	}
	if reason := symlinkReason(rel, target, "the source tree", p.opts.KeepEscapingLinks); reason != "" {
		return unsafeEntry(rel, "%s; links are copied as links, so exclude it or make it relative and inside", reason)
	}
	hdr := header(tar.TypeSymlink, name, fi)
	hdr.Linkname = target
	if err := p.tw.WriteHeader(hdr); err != nil {
		return err
	}
	p.stats.Symlinks++
	return nil
}

// file streams one regular file. The header's size comes from the opened
// file, and exactly that many bytes are copied: a file that shrinks while
// being read is an error, one that grows is cut at its size when opened.
// what names the file in errors.
func (p *packer) file(what, name string, open func() (*os.File, error)) error {
	f, err := open()
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() { // swapped since the walk saw it
		return fmt.Errorf("%q is no longer a regular file", what)
	}
	if fi.Size() > p.opts.MaxBytes-p.stats.Bytes {
		return fmt.Errorf("%q: %w (limit %d bytes)", what, ErrTooLarge, p.opts.MaxBytes)
	}
	hdr := header(tar.TypeReg, name, fi)
	hdr.Size = fi.Size()
	if err := p.tw.WriteHeader(hdr); err != nil {
		return err
	}
	// Hiding the tar writer's and the file's fast paths keeps the copy on
	// p.buf; ctxReader lets a cancelled run abandon a huge file.
	src := &ctxReader{ctx: p.ctx, r: io.LimitReader(struct{ io.Reader }{f}, hdr.Size)}
	n, err := io.CopyBuffer(struct{ io.Writer }{p.tw}, src, p.buf)
	p.stats.Bytes += n
	if err != nil {
		return fmt.Errorf("%q: %w", what, err)
	}
	if n < hdr.Size {
		return fmt.Errorf("%q: shrank from %d to %d bytes while being packed", what, hdr.Size, n)
	}
	p.stats.Files++
	return nil
}
