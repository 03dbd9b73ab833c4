package artifacts

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// DefaultMaxBytes is the content cap used when [Options.MaxBytes] is zero.
const DefaultMaxBytes int64 = 10 << 30 // 10 GiB

// DefaultMaxEntries is the entry cap used when [Options.MaxEntries] is zero:
// far beyond a build output, well short of exhausting a filesystem's inodes.
const DefaultMaxEntries = 1_000_000

// copyBufSize is the one buffer every file is streamed through; large enough
// to amortise syscalls, small enough that memory use does not depend on the
// archive.
const copyBufSize = 256 << 10

// Options bound an extraction.
type Options struct {
	// StripRoot is the archive endpoint's root entry name, the base name of
	// the source path ("out" for /out). When set, entries under "<root>/"
	// land directly in dest, a lone non-directory named <root> lands as
	// dest/<root>, and any other entry is refused as unsafe. Leave it empty
	// for archives without a common root, such as a container export.
	StripRoot string
	// MaxBytes caps the total bytes of file content written; 0 means
	// [DefaultMaxBytes]. Exceeding it fails with [ErrTooLarge].
	MaxBytes int64
	// MaxEntries caps the number of archive entries read, of any type; 0
	// means [DefaultMaxEntries]. Exceeding it fails with [ErrTooManyEntries].
	MaxEntries int
	// KeepEscapingLinks stores symlinks whose target is absolute or leaves
	// dest as links instead of refusing the archive. They stay inert: the
	// extractor never follows a link nor creates anything below one. A
	// container's filesystem or a virtualenv is full of such links.
	KeepEscapingLinks bool
	// Manifest asks for [Stats.Manifest]. Each file's sha256 is computed
	// from the bytes as they stream to disk; nothing is read back.
	Manifest bool
}

// Stats counts what an extraction wrote.
type Stats struct {
	// Files counts regular files and hard links.
	Files int
	// Dirs counts directories created, including implicit parents.
	Dirs int
	// Symlinks counts symbolic links created.
	Symlinks int
	// Bytes is the total regular-file content written.
	Bytes int64
	// Skipped counts sockets, devices and fifos that [Pack] left out.
	// Extract refuses such entries instead, so it never counts any.
	Skipped int
	// Manifest lists what Extract wrote, sorted by path, when
	// [Options.Manifest] is set; nil otherwise. It holds one entry per
	// path, so its memory is bounded by [Options.MaxEntries].
	Manifest Manifest
}

// Extract reads a tar stream from r and recreates it under dest, which is
// created (0o755) if missing. See the package documentation for the safety
// rules. On error the returned Stats describe what was written before the
// failure; the partial tree is left for the caller to inspect or remove.
//
// ctx is checked between entries and while copying content. A Read blocked
// on r is not interrupted, so r should itself honour ctx (as an HTTP body of
// a request made with ctx does).
func Extract(ctx context.Context, r io.Reader, dest string, opts Options) (Stats, error) {
	if err := opts.validate(); err != nil {
		return Stats{}, err
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return Stats{}, fmt.Errorf("extract: %w", err)
	}
	root, err := os.OpenRoot(dest)
	if err != nil {
		return Stats{}, fmt.Errorf("extract: %w", err)
	}
	defer root.Close()

	x := &extractor{
		ctx:   ctx,
		root:  root,
		opts:  opts,
		buf:   make([]byte, copyBufSize),
		dirs:  map[string]bool{".": true},
		files: map[string]bool{},
	}
	if x.opts.MaxBytes == 0 {
		x.opts.MaxBytes = DefaultMaxBytes
	}
	if x.opts.MaxEntries == 0 {
		x.opts.MaxEntries = DefaultMaxEntries
	}
	if opts.Manifest {
		x.man = newManifestBuilder()
	}
	err = x.all(tar.NewReader(r))
	x.stats.Manifest = x.man.manifest()
	return x.stats, err
}

// all extracts every entry, then applies directory times.
func (x *extractor) all(tr *tar.Reader) error {
	for entries := 0; ; entries++ {
		if err := x.ctx.Err(); err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("extract: read archive: %w", err)
		}
		if entries == x.opts.MaxEntries {
			return fmt.Errorf("extract %q: %w (limit %d)", hdr.Name, ErrTooManyEntries, x.opts.MaxEntries)
		}
		if err := x.entry(hdr, tr); err != nil {
			return err
		}
	}
	return x.finish()
}

// validate rejects options that are caller bugs rather than hostile input.
func (o Options) validate() error {
	r := o.StripRoot
	if r != "" && (r == "." || r == ".." || strings.ContainsAny(r, "/\x00")) {
		return fmt.Errorf("extract: StripRoot %q is not a single path element", r)
	}
	if o.MaxBytes < 0 {
		return fmt.Errorf("extract: negative MaxBytes %d", o.MaxBytes)
	}
	if o.MaxEntries < 0 {
		return fmt.Errorf("extract: negative MaxEntries %d", o.MaxEntries)
	}
	return nil
}

// extractor holds the state of one Extract call.
type extractor struct {
	ctx   context.Context
	root  *os.Root
	opts  Options
	buf   []byte
	stats Stats
	// dirs holds dest-relative paths known to be real directories, so each
	// parent is checked for symlinks once rather than per entry.
	dirs map[string]bool
	// files holds regular files this extraction wrote: the only valid hard
	// link targets.
	files map[string]bool
	// dirTimes is applied last, because creating children bumps a
	// directory's mtime.
	dirTimes []dirTime
	// man records what was written when a manifest was asked for; nil
	// otherwise (its methods are no-ops on nil).
	man *manifestBuilder
}

type dirTime struct {
	rel          string
	atime, mtime time.Time
}

// finish applies the deferred directory times.
func (x *extractor) finish() error {
	for _, d := range x.dirTimes {
		if err := x.root.Chtimes(d.rel, d.atime, d.mtime); err != nil {
			return fmt.Errorf("extract: %w", err)
		}
	}
	return nil
}
