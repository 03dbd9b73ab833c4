package stepcache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// Pending is an entry being written. Nothing of it is visible to Lookup
// until Commit. Its methods are safe for concurrent use; its blob writers
// may be written concurrently, each by one goroutine.
type Pending struct {
	s    *Store
	key  string
	dir  string   // tmp/w-ID: becomes entries/KEY
	lock *os.File // tmp/w-ID.lock, flock'ed while the Pending lives

	mu     sync.Mutex
	blobs  []blobRecord
	open   map[int]bool // blobs whose writer is not closed
	failed error        // the first write error: Commit refuses
	done   bool
}

// Begin starts writing the entry of key. Call Commit or Abort; a process
// that dies first leaves a temp that the next Open or Prune removes.
func (s *Store) Begin(key string) (*Pending, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	// The shared lock makes creating the temp and locking it one step as
	// far as the sweep (which holds the exclusive lock) can tell.
	unlock, err := s.lock(shared)
	if err != nil {
		return nil, err
	}
	defer unlock()
	dir := s.path(tmpDir, "w-"+randomID())
	f, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	p := &Pending{s: s, key: key, dir: dir, lock: f, open: map[int]bool{}}
	s.at("begin")
	if err = flock(f, syscall.LOCK_EX); err == nil {
		err = os.MkdirAll(filepath.Join(dir, "blobs"), 0o700)
	}
	if err != nil {
		p.finish()
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	return p, nil
}

// Create starts a blob named name (any UTF-8 of 1 to 1024 bytes, unique
// in the entry); the writer hashes what it is given. Close it before
// Commit: Close makes the content durable.
func (p *Pending) Create(name string) (io.WriteCloser, error) {
	if err := checkBlobName(name); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return nil, errors.New("reuse store: Create after Commit or Abort")
	}
	for _, b := range p.blobs {
		if b.Name == name {
			return nil, fmt.Errorf("reuse store: blob %q created twice", name)
		}
	}
	i := len(p.blobs)
	f, err := os.OpenFile(filepath.Join(p.dir, "blobs", strconv.Itoa(i)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	p.blobs = append(p.blobs, blobRecord{Name: name})
	p.open[i] = true
	return &blobWriter{p: p, i: i, f: f, h: sha256.New()}, nil
}

// Abort drops the entry. It is a no-op after Commit or Abort.
func (p *Pending) Abort() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return nil
	}
	err := os.RemoveAll(p.dir)
	p.finish()
	if err != nil {
		return fmt.Errorf("reuse store: %w", err)
	}
	return nil
}

// finish releases the temp's lock; its directory is gone or committed.
func (p *Pending) finish() {
	p.done = true
	os.Remove(p.lock.Name())
	p.lock.Close()
}

type blobWriter struct {
	p      *Pending
	i      int
	f      *os.File
	h      hash.Hash
	n      int64
	closed bool
}

func (w *blobWriter) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	w.h.Write(b[:n])
	w.n += int64(n)
	if err != nil {
		w.p.fail(err)
	}
	return n, err
}

// Close fsyncs the blob and records its size and sha256.
func (w *blobWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	delete(w.p.open, w.i)
	w.p.blobs[w.i].Size, w.p.blobs[w.i].SHA256 = w.n, hex.EncodeToString(w.h.Sum(nil))
	if err != nil && w.p.failed == nil {
		w.p.failed = err
	}
	return err
}

func (p *Pending) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failed == nil {
		p.failed = err
	}
}
