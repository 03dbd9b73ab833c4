package stepcache

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

const hashKeyLen = 32

// loadHashKey reads the hash key, making it when there is none, or when
// the file is not 32 bytes (every entry sealed with a lost key is
// unreachable anyway: its key was computed with it). It runs under the
// exclusive lock; the key is also published atomically (written whole to
// a temp, then linked into place, which fails if one is there), so even a
// process not taking the lock could never read half a key.
func (s *Store) loadHashKey() ([]byte, error) {
	for range 3 {
		key, err := os.ReadFile(s.path(keyFile))
		if err == nil && len(key) == hashKeyLen {
			return key, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("reuse store: %w", err)
		}
		if err := s.makeHashKey(err == nil); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("reuse store: %s keeps changing", s.path(keyFile))
}

// makeHashKey writes a fresh key; replace says a bad one is there.
func (s *Store) makeHashKey(replace bool) error {
	key := make([]byte, hashKeyLen)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("reuse store: %w", err)
	}
	tmp, err := s.writeTemp(key)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if replace {
		err = os.Rename(tmp, s.path(keyFile))
	} else if err = os.Link(tmp, s.path(keyFile)); errors.Is(err, fs.ErrExist) {
		err = nil // another made it first: read theirs
	}
	if err != nil {
		return fmt.Errorf("reuse store: hash key: %w", err)
	}
	return syncDir(s.dir)
}

// writeTemp writes b to a new file in tmp/ (mode 0600), fsynced, and
// returns its path. Callers rename or link it into place while holding
// the store's lock (shared or exclusive), so the sweep never removes it
// under them.
func (s *Store) writeTemp(b []byte) (string, error) {
	f, err := os.CreateTemp(s.path(tmpDir), "f-")
	if err != nil {
		return "", fmt.Errorf("reuse store: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("reuse store: %w", err)
	}
	return f.Name(), nil
}

// syncDir makes a rename or a new name in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("reuse store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("reuse store: sync %s: %w", dir, err)
	}
	return nil
}
