package stepcache

import (
	"fmt"
	"os"
	"path/filepath"
)

// DefaultMaxBytes is the size bound of a store opened without one: 10 GiB.
const DefaultMaxBytes int64 = 10 << 30

// DirName is the store's directory inside runjob's cache directory.
const DirName = "reuse"

// DefaultDir is where the store lives when no cache directory is given:
// runjob/reuse in the user's cache directory ($XDG_CACHE_HOME, else
// $HOME/.cache, on Linux), beside the cache volumes' locks.
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("reuse store: %w", err)
	}
	return filepath.Join(dir, "runjob", DirName), nil
}

// DirIn is the store inside the cache directory cacheDir (the parent that
// --cache-dir and RUNJOB_CACHE_DIR name).
func DirIn(cacheDir string) string { return filepath.Join(cacheDir, DirName) }

// Options are the settings of a Store.
type Options struct {
	// MaxBytes bounds the sum of the entries' sizes; Commit evicts the
	// least recently used entries while it is exceeded. 0 means
	// DefaultMaxBytes.
	MaxBytes int64
}

// Store is an open reuse store. It is safe for concurrent use by many
// goroutines and by many processes sharing its directory.
type Store struct {
	dir      string
	maxBytes int64
	hashKey  []byte
	// onRead, if set, is called with each file TreeDigest reads the
	// content of: the tests count reads with it.
	onRead func(rel string)
	// hook, if set, is called at the named points of Begin, Commit and
	// removal: the tests kill a process there.
	hook func(point string)
}

func (s *Store) at(point string) {
	if s.hook != nil {
		s.hook(point)
	}
}

// Open opens the store in dir, creating it (mode 0700) and its hash key if
// needed, and sweeps the temps of writers that are gone.
func Open(dir string, o Options) (*Store, error) {
	if o.MaxBytes < 0 {
		return nil, fmt.Errorf("reuse store: negative MaxBytes %d", o.MaxBytes)
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	s := &Store{dir: abs, maxBytes: o.MaxBytes}
	for _, d := range []string{abs, s.path(entriesDir), s.path(tmpDir), s.path(statDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("reuse store: %w", err)
		}
	}
	unlock, err := s.lock(exclusive)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if s.hashKey, err = s.loadHashKey(); err != nil {
		return nil, err
	}
	s.sweep()
	return s, nil
}

// Dir is the store's directory, absolute.
func (s *Store) Dir() string { return s.dir }

// MaxBytes is the store's size bound.
func (s *Store) MaxBytes() int64 { return s.maxBytes }

// HashKey is the store's secret: 32 random bytes made once per store (mode
// 0600). The executor hashes secret values and the whole step key with it
// (HMAC), so nothing in the store can be brute-forced to a secret without
// it; the store seals its meta and stat cache files with it. The caller
// must not modify the slice.
func (s *Store) HashKey() []byte { return s.hashKey }

const (
	entriesDir = "entries"
	tmpDir     = "tmp"
	statDir    = "stat"
	lockFile   = "lock"
	indexFile  = "index"
	keyFile    = "hashkey"
)

func (s *Store) path(elem ...string) string {
	return filepath.Join(append([]string{s.dir}, elem...)...)
}
