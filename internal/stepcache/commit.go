package stepcache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Commit makes the entry visible, atomically: its meta file is written
// and fsynced beside the blobs, then the whole directory is renamed into
// place. m gives Pipeline, Step, RunID and Data; Key and Size are set
// here, Created is now when zero and Used is Created when zero.
//
// When another run committed the same key first, its entry is kept (a key
// names what a step does, so both are the same) and Commit succeeds; one
// found corrupt is replaced. Commit then evicts the least recently used
// entries while the store is over its bound (this one too, last, if it
// alone exceeds it).
func (p *Pending) Commit(m Meta) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.done:
		return errors.New("reuse store: Commit after Commit or Abort")
	case len(p.open) > 0:
		return errors.New("reuse store: Commit with a blob writer still open")
	case p.failed != nil:
		return fmt.Errorf("reuse store: a blob failed to write: %w", p.failed)
	}
	defer p.finish()
	meta, err := p.writeMeta(m)
	won := false
	if err == nil {
		p.s.at("meta")
		won, err = p.publish()
	}
	if err != nil || !won {
		os.RemoveAll(p.dir)
		return err
	}
	p.s.at("renamed")
	if _, err := p.s.appendRecord(added(meta)); err != nil {
		return err
	}
	return p.s.evict()
}

// writeMeta completes m and writes it sealed, durable with the blobs.
func (p *Pending) writeMeta(m Meta) (Meta, error) {
	m.Key = p.key
	if m.Created.IsZero() {
		m.Created = time.Now()
	}
	if m.Used.IsZero() {
		m.Used = m.Created
	}
	var blobBytes int64
	for _, b := range p.blobs {
		blobBytes += b.Size
	}
	mf := &metaFile{Meta: m, Blobs: p.blobs}
	body, err := sealMeta(p.s.hashKey, mf, blobBytes)
	if err != nil {
		return m, err
	}
	f, err := os.OpenFile(filepath.Join(p.dir, "meta"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return m, fmt.Errorf("reuse store: %w", err)
	}
	_, err = f.Write(body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(filepath.Join(p.dir, "blobs"))
	}
	if err == nil {
		err = syncDir(p.dir)
	}
	if err != nil {
		return m, fmt.Errorf("reuse store: %w", err)
	}
	return mf.Meta, nil
}

// publish renames the temp into entries/ and reports whether it did. A
// directory already there is another run's commit of the key: kept when
// whole (publish then reports false, and the temp is the caller's to
// remove), else replaced.
func (p *Pending) publish() (bool, error) {
	to := p.s.path(entriesDir, p.key)
	for range 3 {
		err := os.Rename(p.dir, to)
		if err == nil {
			return true, syncDir(p.s.path(entriesDir))
		}
		if !errors.Is(err, syscall.EEXIST) && !errors.Is(err, syscall.ENOTEMPTY) {
			return false, fmt.Errorf("reuse store: %w", err)
		}
		here, whole := p.s.whole(p.key)
		if whole {
			return false, nil
		}
		if here != nil {
			p.s.discard(p.key, here)
		}
	}
	return false, fmt.Errorf("reuse store: entry %s keeps being replaced", shortKey(p.key))
}
