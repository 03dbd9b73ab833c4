package artifacts

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"maps"
	"slices"
)

// manifestBuilder collects entries as a tree is written or walked. A later
// entry for the same path replaces the earlier one, as the file on disk
// does. All methods are no-ops on a nil builder, so the extractor calls them
// unconditionally and pays nothing when no manifest was asked for.
type manifestBuilder struct {
	entries map[string]ManifestEntry
	hash    hash.Hash
	sum     [sha256.Size]byte
	tw      teeWriter // reused per file, so a file costs no allocation here
}

func newManifestBuilder() *manifestBuilder {
	return &manifestBuilder{entries: map[string]ManifestEntry{}, hash: sha256.New()}
}

func (b *manifestBuilder) add(e ManifestEntry) {
	if b != nil {
		b.entries[e.Path] = e
	}
}

func (b *manifestBuilder) remove(rel string) {
	if b != nil {
		delete(b.entries, rel)
	}
}

// link records rel as another name for the file already recorded at target.
func (b *manifestBuilder) link(rel, target string) {
	if b == nil {
		return
	}
	e := b.entries[target]
	e.Path = rel
	b.entries[rel] = e
}

// tee returns the writer a file's content goes through: w alone, or w and
// the (reset) hash. The result never implements io.ReaderFrom, so
// io.CopyBuffer really uses the caller's buffer.
func (b *manifestBuilder) tee(w io.Writer) io.Writer {
	if b == nil {
		return struct{ io.Writer }{w}
	}
	b.hash.Reset()
	b.tw = teeWriter{w: w, h: b.hash}
	return &b.tw
}

// teeWriter writes to w, then hashes what w accepted.
type teeWriter struct {
	w io.Writer
	h hash.Hash
}

func (t *teeWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.h.Write(p[:n])
	return n, err
}

// digest is the hex sha256 of what went through the last tee.
func (b *manifestBuilder) digest() string {
	if b == nil {
		return ""
	}
	return hex.EncodeToString(b.hash.Sum(b.sum[:0]))
}

// manifest returns the entries sorted by path, or nil for a nil builder.
func (b *manifestBuilder) manifest() Manifest {
	if b == nil {
		return nil
	}
	m := slices.SortedFunc(maps.Values(b.entries), byPath)
	if m == nil {
		m = Manifest{}
	}
	return m
}
