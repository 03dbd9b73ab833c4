package artifacts

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"maps"
	"slices"
)

// asyncHashMin is the size from which a file is hashed on the hasher's
// goroutine. Below it, handing chunks over costs more in wake-ups than
// hashing inline (measured on the mixed BenchmarkExtractManifest archive).
const asyncHashMin = 1 << 20

// manifestBuilder collects entries as a tree is written or walked. A later
// entry for the same path replaces the earlier one, as the file on disk
// does. Small files are hashed inline; large ones by a hasher, and their
// digests are filled in by manifest. All methods are no-ops on a nil
// builder, so the extractor calls them unconditionally and pays nothing
// when no manifest was asked for.
type manifestBuilder struct {
	entries map[string]ManifestEntry
	ids     map[string]int // path of a large file -> hasher id
	h       *hasher
	d       hash.Hash // inline digest of a small file
	cur     int       // hasher id of the current file; -1 when inline
	sum     string    // digest of the last inline file
	tw      teeWriter // reused per file, so a file costs no allocation here
}

func newManifestBuilder() *manifestBuilder {
	return &manifestBuilder{
		entries: map[string]ManifestEntry{}, ids: map[string]int{},
		h: newHasher(), d: sha256.New(),
	}
}

// add records a directory or symlink.
func (b *manifestBuilder) add(e ManifestEntry) {
	if b != nil {
		b.entries[e.Path] = e
		delete(b.ids, e.Path)
	}
}

// addFile records the file whose content went through the last tee.
func (b *manifestBuilder) addFile(e ManifestEntry) {
	if b == nil {
		return
	}
	if b.cur < 0 {
		e.SHA256 = b.sum
		delete(b.ids, e.Path)
	} else {
		b.ids[e.Path] = b.cur
	}
	b.entries[e.Path] = e
}

func (b *manifestBuilder) remove(rel string) {
	if b != nil {
		delete(b.entries, rel)
		delete(b.ids, rel)
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
	if id, ok := b.ids[target]; ok {
		b.ids[rel] = id
	} else {
		delete(b.ids, rel)
	}
}

// tee starts a file of the given size and returns the writer its content
// goes through: w alone, or w and a digest. The result never implements
// io.ReaderFrom, so io.CopyBuffer really uses the caller's buffer. Every
// tee must be followed by endFile, whether the copy succeeded or not.
func (b *manifestBuilder) tee(w io.Writer, size int64) io.Writer {
	if b == nil {
		return struct{ io.Writer }{w}
	}
	if size >= asyncHashMin {
		b.cur = b.h.start()
		b.tw = teeWriter{w: w, h: b.h}
	} else {
		b.cur = -1
		b.d.Reset()
		b.tw = teeWriter{w: w, h: b.d}
	}
	return &b.tw
}

// endFile closes the file started by the last tee.
func (b *manifestBuilder) endFile() {
	switch {
	case b == nil:
	case b.cur < 0:
		b.sum = hex.EncodeToString(b.d.Sum(nil))
	default:
		b.h.end()
	}
}

// manifest waits for the hasher, fills in the digests and returns the
// entries sorted by path, or nil for a nil builder. It must be called
// exactly once per builder: it stops the hasher's goroutine.
func (b *manifestBuilder) manifest() Manifest {
	if b == nil {
		return nil
	}
	b.h.close()
	for p, id := range b.ids {
		e := b.entries[p]
		e.SHA256 = b.h.sum(id)
		b.entries[p] = e
	}
	m := slices.SortedFunc(maps.Values(b.entries), byPath)
	if m == nil {
		m = Manifest{}
	}
	return m
}

// teeWriter writes to w, then queues what w accepted for hashing.
type teeWriter struct {
	w io.Writer
	h io.Writer
}

func (t *teeWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.h.Write(p[:n])
	return n, err
}
