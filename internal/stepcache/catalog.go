package stepcache

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// compactAt is the index size past which a Lookup tries to compact it, so
// a store that only ever hits does not grow its journal without end.
const compactAt = 1 << 20

// maxIndexBytes bounds what is read of the index; a larger one is taken
// as corrupt and rebuilt from the entries.
const maxIndexBytes = 256 << 20

// appendRecord adds one record to the journal under the shared lock, as
// one write, and returns the journal's size after it.
func (s *Store) appendRecord(r record) (int64, error) {
	unlock, err := s.lock(shared)
	if err != nil {
		return 0, err
	}
	defer unlock()
	line := encodeRecord(r)
	f, err := os.OpenFile(s.path(indexFile), os.O_WRONLY|os.O_APPEND, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = os.OpenFile(s.path(indexFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			line = append([]byte(indexMagic), line...)
		} else if errors.Is(err, fs.ErrExist) {
			f, err = os.OpenFile(s.path(indexFile), os.O_WRONLY|os.O_APPEND, 0o600)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("reuse store: index: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(line); err != nil {
		return 0, fmt.Errorf("reuse store: index: %w", err)
	}
	return f.Seek(0, io.SeekCurrent)
}

// load reads the index and reconciles it with entries/: rows without an
// entry are dropped, entries without a row get one from their meta file
// (an entry whose meta does not verify is removed), and a journal that
// changed, had bad lines or grew long is rewritten compacted. The caller
// holds the exclusive lock.
func (s *Store) load() (map[string]Meta, error) {
	ix := parseIndex(s.readIndex())
	names, err := s.entryNames()
	if err != nil {
		return nil, err
	}
	changed := false
	present := make(map[string]bool, len(names))
	for _, key := range names {
		present[key] = true
		if _, ok := ix.rows[key]; ok {
			continue
		}
		changed = true
		m, err := s.readMeta(key)
		if err != nil {
			s.removeTrash(s.trash(key))
			continue
		}
		row := m.Meta
		row.Data = nil
		if u := ix.uses[key]; u.After(row.Used) {
			row.Used = u
		}
		ix.rows[key] = row
	}
	for key := range ix.rows {
		if !present[key] {
			delete(ix.rows, key)
			changed = true
		}
	}
	if changed || ix.bad > 0 || ix.records > 2*len(ix.rows)+256 {
		if err := s.writeIndex(ix.rows); err != nil {
			return nil, err
		}
	}
	return ix.rows, nil
}

func (s *Store) readIndex() []byte {
	f, err := os.Open(s.path(indexFile))
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxIndexBytes+1))
	if err != nil || len(b) > maxIndexBytes {
		return []byte("unreadable") // counted bad: rebuilt from the entries
	}
	return b
}

// entryNames lists entries/, leaving out what is not a key.
func (s *Store) entryNames() ([]string, error) {
	d, err := os.Open(s.path(entriesDir))
	if err != nil {
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	keys := names[:0]
	for _, n := range names {
		if checkKey(n) == nil {
			keys = append(keys, n)
		}
	}
	return keys, nil
}

// writeIndex replaces the journal with the compacted rows (under the
// exclusive lock: no append can go to the file being replaced).
func (s *Store) writeIndex(rows map[string]Meta) error {
	tmp, err := s.writeTemp(encodeIndex(rows))
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, s.path(indexFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("reuse store: index: %w", err)
	}
	return syncDir(s.dir)
}

// trash moves an entry out of entries/ (one rename, so a Lookup sees it
// whole or not at all) and returns where it went; "" if it was not there.
func (s *Store) trash(key string) string {
	to := s.path(tmpDir, "x-"+randomID())
	if err := os.Rename(s.path(entriesDir, key), to); err != nil {
		return ""
	}
	return to
}

// removeTrash deletes what trash moved away. Open Entries keep reading
// their blobs: the files stay until closed.
func (s *Store) removeTrash(paths ...string) {
	for _, p := range paths {
		if p != "" && filepath.Dir(p) == s.path(tmpDir) {
			_ = os.RemoveAll(p)
		}
	}
}
