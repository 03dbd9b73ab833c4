package artifacts

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// ManifestOf walks dir and returns its manifest, hashing every regular file.
// The walk goes through an [os.Root] and never follows a symlink: links are
// listed with their targets. A socket, device or fifo is an error, since no
// manifest can describe it.
func ManifestOf(dir string) (Manifest, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	defer root.Close()
	b, buf := newManifestBuilder(), make([]byte, copyBufSize)
	err = fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil || rel == "." {
			return err
		}
		if err := scanEntry(root, rel, d, b, buf); err != nil {
			return fmt.Errorf("%q: %w", rel, err)
		}
		return nil
	})
	m := b.manifest() // also stops the hasher, so even on error
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", dir, err)
	}
	return m, nil
}

// scanEntry records one walked path in b, hashing it if it is a file.
func scanEntry(root *os.Root, rel string, d fs.DirEntry, b *manifestBuilder, buf []byte) error {
	fi, err := d.Info()
	if err != nil {
		return err
	}
	e := ManifestEntry{Path: rel, Mode: fi.Mode().Perm()}
	switch {
	case fi.IsDir():
		e.Type = TypeDir
	case fi.Mode()&fs.ModeSymlink != 0:
		e.Type, e.Mode = TypeSymlink, 0
		if e.Target, err = root.Readlink(rel); err != nil {
			return err
		}
	case fi.Mode().IsRegular():
		e.Type = TypeFile
		if e.Size, err = hashFile(root, rel, fi.Size(), b, buf); err != nil {
			return err
		}
		b.addFile(e)
		return nil
	default:
		return fmt.Errorf("unsupported file type %v", fi.Mode().Type())
	}
	b.add(e)
	return nil
}

// hashFile streams one file to b's hasher.
func hashFile(root *os.Root, rel string, size int64, b *manifestBuilder, buf []byte) (int64, error) {
	f, err := root.Open(rel)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	defer b.endFile()
	// Hiding f's WriteTo keeps io.CopyBuffer on buf.
	return io.CopyBuffer(b.tee(io.Discard, size), struct{ io.Reader }{f}, buf)
}

// Verify re-hashes dir and checks that it holds exactly what m describes:
// every entry present with the same type, size, mode, digest and link
// target, and nothing else. Modification times are not compared. A
// mismatch wraps [ErrMismatch] and lists the first differences.
func Verify(dir string, m Manifest) error {
	got, err := ManifestOf(dir)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	diffs := diffManifests(m, got)
	if len(diffs) == 0 {
		return nil
	}
	const show = 10
	msg := strings.Join(diffs[:min(show, len(diffs))], "; ")
	if len(diffs) > show {
		msg += fmt.Sprintf("; and %d more", len(diffs)-show)
	}
	return fmt.Errorf("verify %s: %w: %s", dir, ErrMismatch, msg)
}

// diffManifests lists how got differs from want, in path order.
func diffManifests(want, got Manifest) []string {
	index := make(map[string]ManifestEntry, len(want))
	for _, e := range want {
		index[e.Path] = e
	}
	var diffs []string
	for _, g := range got {
		w, ok := index[g.Path]
		delete(index, g.Path)
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%q: unexpected %s", g.Path, g.Type))
		case w.Type != g.Type:
			diffs = append(diffs, fmt.Sprintf("%q: %s, want %s", g.Path, g.Type, w.Type))
		case w.Size != g.Size:
			diffs = append(diffs, fmt.Sprintf("%q: %d bytes, want %d", g.Path, g.Size, w.Size))
		case w.SHA256 != g.SHA256:
			diffs = append(diffs, fmt.Sprintf("%q: sha256 %s, want %s", g.Path, g.SHA256, w.SHA256))
		case w.Mode != g.Mode:
			diffs = append(diffs, fmt.Sprintf("%q: mode %04o, want %04o", g.Path, uint32(g.Mode), uint32(w.Mode)))
		case w.Target != g.Target:
			diffs = append(diffs, fmt.Sprintf("%q: links to %q, want %q", g.Path, g.Target, w.Target))
		}
	}
	for _, w := range want { // keeps path order for what is missing
		if _, ok := index[w.Path]; ok {
			diffs = append(diffs, fmt.Sprintf("%q: missing %s", w.Path, w.Type))
		}
	}
	return diffs
}
