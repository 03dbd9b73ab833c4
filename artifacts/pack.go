package artifacts

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"time"
)

// PackOptions shape the archive [Pack] writes.
type PackOptions struct {
	// Name is where the source lands, relative to the directory the
	// archive is extracted into: a slash-separated relative path. A file
	// becomes the entry Name; a directory becomes Name/ followed by its
	// contents as Name/<rel>. Name "" or "." puts a directory's contents at
	// the archive root (a file needs a real name). Parents of Name get no
	// entries of their own: the extractor creates missing ones, and
	// existing ones (which may be symlinks in an image, like /bin -> usr/bin)
	// are left alone.
	//
	// For PUT /containers/{id}/archive, which extracts the archive at its
	// path parameter, an input copied to the absolute container path to
	// uses Name = strings.TrimPrefix(path.Clean(to), "/") and path "/":
	// { from = "./src", to = "/src" } then yields /src/<contents of ./src>,
	// and { from = "./a.txt", to = "/in/a.txt" } yields /in/a.txt, creating
	// /in if the image lacks it.
	Name string
	// Skip, if set, is asked about every path below the source, as a
	// slash-separated path relative to it (never "."), and leaves out the
	// ones it returns true for. Skipping a directory prunes its whole
	// subtree without reading it. See package ignore for .runjobignore.
	Skip func(rel string, isDir bool) bool
	// KeepEscapingLinks packs symlinks whose target is absolute or leaves
	// the source as links instead of refusing them. Pack never reads a
	// link's target, so this exposes nothing of the host; in the container
	// the link points at the container's own files.
	KeepEscapingLinks bool
	// Within, if set, is a directory src must lie in: src is then reached
	// through an [os.Root] on Within, so a symlink anywhere on the way
	// (src itself included) is followed only while it stays inside Within,
	// and one leading out fails with an error naming src. Without it, src
	// is opened as named, links on its path followed wherever they go.
	Within string
	// MaxBytes caps the total file content packed; 0 means
	// [DefaultMaxBytes]. Exceeding it fails with [ErrTooLarge].
	MaxBytes int64
}

// Pack writes src, a host file or directory, to w as a tar stream, in the
// layout [PackOptions.Name] describes, and closes the archive (not w).
//
// The stream is deterministic: entries come in sorted walk order, owned by
// uid/gid 0 with no user or group names (root in the container, as docker
// cp without -a does), with permission bits kept (setuid, setgid and sticky
// dropped, as [Extract] does) and modification times truncated to the
// second (as the Engine's own archives are). Memory stays bounded: file
// content streams through one fixed buffer, and only the listings of the
// directories on the current path are held.
//
// Nothing outside src is ever read. src itself may be a symlink (the caller
// named it), but below it symlinks are stored as links, never followed, and
// a link whose target is absolute or climbs out of the tree is refused with
// an [*UnsafeEntryError] naming it, because it could not mean the same
// thing in the container: exclude it with Skip. The rule is the one
// Extract applies, so whatever Pack writes, Extract accepts. Hard links are
// stored as separate files. Sockets, devices and fifos are left out and
// counted in [Stats.Skipped].
//
// ctx is checked between entries and while copying content. On error the
// archive is left unterminated, so pass the error on to the consumer (with
// io.Pipe's CloseWithError, say) rather than closing w cleanly: the engine
// then rejects the upload instead of unpacking a partial tree that looks
// complete.
func Pack(ctx context.Context, src string, w io.Writer, opts PackOptions) (Stats, error) {
	name, err := opts.validate()
	if err != nil {
		return Stats{}, err
	}
	at, err := openSource(src, opts.Within)
	if err != nil {
		return Stats{}, err
	}
	defer at.close()
	fi, err := at.stat()
	if err != nil {
		return Stats{}, fmt.Errorf("pack: %w", err)
	}
	p := &packer{ctx: ctx, src: src, at: at, tw: tar.NewWriter(w), opts: opts, name: name, buf: make([]byte, copyBufSize)}
	if p.opts.MaxBytes == 0 {
		p.opts.MaxBytes = DefaultMaxBytes
	}
	switch {
	case fi.IsDir():
		err = p.dir()
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("pack %s: not a regular file or directory", src)
	case name == ".":
		err = fmt.Errorf("pack %s: a file needs a non-empty PackOptions.Name", src)
	default:
		err = p.file(filepath.Base(src), name, at.open)
		if err != nil {
			err = fmt.Errorf("pack %s: %w", src, err)
		}
	}
	if err == nil {
		if err = p.tw.Close(); err != nil {
			err = fmt.Errorf("pack %s: %w", src, err)
		}
	}
	return p.stats, err
}

// validate checks the options and returns Name cleaned ("." for the root).
func (o PackOptions) validate() (string, error) {
	if o.MaxBytes < 0 {
		return "", fmt.Errorf("pack: negative MaxBytes %d", o.MaxBytes)
	}
	if o.Name == "" {
		return ".", nil
	}
	name, reason := cleanName(o.Name)
	if reason != "" {
		return "", fmt.Errorf("pack: Name %q: %s", o.Name, reason)
	}
	return name, nil
}

// packer holds the state of one Pack call.
type packer struct {
	ctx   context.Context
	src   string
	at    source
	tw    *tar.Writer
	opts  PackOptions
	name  string // cleaned Name; "." for the archive root
	buf   []byte
	stats Stats
}

// archiveName maps a source-relative path ("" for src itself) to its entry
// name.
func (p *packer) archiveName(rel string) string {
	switch {
	case rel == "":
		return p.name
	case p.name == ".":
		return rel
	}
	return path.Join(p.name, rel)
}

// header builds the fixed part of every entry: no owner names, uid/gid 0,
// whole-second times, so the same tree always packs to the same bytes.
func header(typ byte, name string, fi fs.FileInfo) *tar.Header {
	return &tar.Header{
		Typeflag: typ,
		Name:     name,
		Mode:     int64(fi.Mode().Perm()),
		ModTime:  fi.ModTime().Truncate(time.Second),
	}
}
