package stepcache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
)

// Entry is a hit: its meta and its open blobs. Close it when done.
type Entry struct {
	s     *Store
	key   string
	here  fs.FileInfo // its directory, to tell it from a later commit of the key
	meta  Meta
	blobs []openBlob
}

type openBlob struct {
	blobRecord
	f *os.File
}

// Meta is what the entry says of itself; Used is the time of this Lookup.
func (e *Entry) Meta() Meta { return e.meta }

// Blobs names the entry's blobs in the order they were created.
func (e *Entry) Blobs() []string {
	names := make([]string, len(e.blobs))
	for i, b := range e.blobs {
		names[i] = b.Name
	}
	return names
}

// Blob opens a named blob (an unknown name is an fs.ErrNotExist error).
// The reader verifies the content against the sha256 recorded at Commit
// and returns a *TamperedError at the end instead of io.EOF when it
// differs (the entry is then removed): a tampered blob is never taken for
// a good one, so write what it gives somewhere provisional and keep it
// only when the read ends in io.EOF. A blob may be opened many times, also
// concurrently. The caller closes the reader.
func (e *Entry) Blob(name string) (io.ReadCloser, error) {
	for i := range e.blobs {
		if b := &e.blobs[i]; b.Name == name {
			return &blobReader{e: e, b: b, r: io.NewSectionReader(b.f, 0, b.Size), h: sha256.New()}, nil
		}
	}
	return nil, fmt.Errorf("reuse entry %s: blob %q: %w", shortKey(e.key), name, fs.ErrNotExist)
}

// Close closes the entry's blobs; readers from Blob stop working.
func (e *Entry) Close() error {
	for _, b := range e.blobs {
		b.f.Close()
	}
	e.blobs = nil
	return nil
}

type blobReader struct {
	e   *Entry
	b   *openBlob
	r   *io.SectionReader
	h   hash.Hash
	err error
}

func (r *blobReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(r.h.Sum(nil)) != r.b.SHA256 {
		err = &TamperedError{Key: r.e.key, Reason: fmt.Sprintf("blob %q does not have the content that was stored", r.b.Name)}
		r.e.s.discard(r.e.key, r.e.here)
	}
	if err != nil {
		r.err = err
	}
	return n, err
}

func (r *blobReader) Close() error {
	if r.err == nil {
		r.err = fs.ErrClosed
	}
	return nil
}
