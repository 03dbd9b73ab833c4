package stepcache

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// TamperedError is the reason a Lookup or a blob read found an entry
// corrupt or tampered with: its meta file does not verify, a blob is
// missing, or a blob's size or sha256 is not what Commit recorded. The
// entry has been removed; to the caller it is a miss to log.
type TamperedError struct {
	Key    string
	Reason string
}

func (e *TamperedError) Error() string {
	return fmt.Sprintf("reuse entry %s is corrupt or was tampered with (%s); removed", shortKey(e.Key), e.Reason)
}

// Lookup returns the entry of key, or (nil, nil) on a miss. An entry that
// is corrupt or was tampered with is a miss with a reason: (nil,
// *TamperedError), and it is removed so it is not read again. Other errors
// are the store's trouble (permissions, I/O). A hit marks the entry used.
//
// The hit is whole: every blob is opened here, so the Entry reads the
// same content even if the entry is evicted or pruned meanwhile. Close it.
func (s *Store) Lookup(key string) (*Entry, error) { return s.lookup(key, true) }

// Peek is Lookup without marking the entry used: for reading an entry
// that is not being reused (to say why another step missed, or to see
// whether a step will hit), which must not keep it from eviction.
func (s *Store) Peek(key string) (*Entry, error) { return s.lookup(key, false) }

func (s *Store) lookup(key string, use bool) (*Entry, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(s.path(entriesDir, key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	defer root.Close()
	here, err := root.Stat(".")
	if err != nil {
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	e := &Entry{s: s, key: key, here: here}
	reason, err := e.open(root)
	if err != nil || reason != "" {
		e.Close()
	}
	switch {
	case err != nil:
		return nil, err
	case reason != "" && !s.stillThere(key, here):
		return nil, nil // removed while being opened: a plain miss
	case reason != "":
		s.discard(key, here)
		return nil, &TamperedError{Key: key, Reason: reason}
	}
	if !use {
		return e, nil
	}
	e.meta.Used = time.Now()
	if size, err := s.appendRecord(record{Op: "u", Key: key, Used: e.meta.Used.UnixNano()}); err == nil && size > compactAt {
		s.compact()
	}
	return e, nil
}

// open reads the meta file and opens every blob through root. A reason
// says the entry is not what it should be; an error, that it could not be
// read.
func (e *Entry) open(root *os.Root) (reason string, err error) {
	m, reason, err := readMetaIn(root, e.s.hashKey, e.key)
	if reason != "" || err != nil {
		return reason, err
	}
	e.meta = m.Meta
	for i, b := range m.Blobs {
		f, err := root.Open(filepath.Join("blobs", strconv.Itoa(i)))
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Sprintf("blob %q is missing", b.Name), nil
		}
		if err != nil {
			return "", fmt.Errorf("reuse store: %w", err)
		}
		e.blobs = append(e.blobs, openBlob{blobRecord: b, f: f})
		fi, err := f.Stat()
		if err != nil {
			return "", fmt.Errorf("reuse store: %w", err)
		}
		if !fi.Mode().IsRegular() || fi.Size() != b.Size {
			return fmt.Sprintf("blob %q has %d bytes, %d were stored", b.Name, fi.Size(), b.Size), nil
		}
	}
	return "", nil
}

// readMetaIn reads and verifies the meta file in an entry's directory.
func readMetaIn(root *os.Root, hashKey []byte, key string) (*metaFile, string, error) {
	f, err := root.Open("meta")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "meta file is missing", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("reuse store: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMetaBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("reuse store: %w", err)
	}
	if len(b) > maxMetaBytes {
		return nil, "meta file is too large", nil
	}
	m, err := parseMeta(hashKey, key, b)
	if err != nil {
		return nil, err.Error(), nil
	}
	return m, "", nil
}

// readMeta reads an entry's meta file; any failure is an error.
func (s *Store) readMeta(key string) (*metaFile, error) {
	root, err := os.OpenRoot(s.path(entriesDir, key))
	if err != nil {
		return nil, err
	}
	defer root.Close()
	m, reason, err := readMetaIn(root, s.hashKey, key)
	if err == nil && reason != "" {
		err = errors.New(reason)
	}
	return m, err
}

// stillThere reports whether entries/key is still the directory here.
func (s *Store) stillThere(key string, here fs.FileInfo) bool {
	fi, err := os.Lstat(s.path(entriesDir, key))
	return err == nil && os.SameFile(fi, here)
}

// discard removes a bad entry, unless it has been replaced meanwhile
// (another run committed the key again: that one is not known bad).
func (s *Store) discard(key string, here fs.FileInfo) {
	unlock, err := s.lock(exclusive)
	if err != nil {
		return
	}
	var gone string
	if s.stillThere(key, here) {
		gone = s.trash(key)
	}
	unlock()
	s.removeTrash(gone)
}

// compact rewrites a long journal, unless someone holds the lock: then
// they will.
func (s *Store) compact() {
	if unlock, ok := s.tryLock(exclusive); ok {
		_, _ = s.load()
		unlock()
	}
}

// whole reports whether the entry of key verifies as Lookup would check
// it (without reading blob content), and which directory it checked.
func (s *Store) whole(key string) (fs.FileInfo, bool) {
	root, err := os.OpenRoot(s.path(entriesDir, key))
	if err != nil {
		return nil, false
	}
	defer root.Close()
	here, err := root.Stat(".")
	if err != nil {
		return nil, false
	}
	e := &Entry{s: s, key: key, here: here}
	reason, err := e.open(root)
	e.Close()
	return here, err == nil && reason == ""
}
