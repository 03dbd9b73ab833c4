package stepcache

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"maps"
	"os"
	"slices"
	"time"
)

const (
	// racyWindow is how close to the start of a walk a file's mtime may be
	// and still be cached: a file written in the same tick of the file
	// system's clock as it was read could change without changing its
	// stat (git's "racy git"), so it is hashed again next time. Two
	// seconds covers coarse clocks and FAT's 2 s mtimes.
	racyWindow = 2 * time.Second
	// statUnused is how long a root's stat cache is kept without use, and
	// statKeep how many roots' caches are kept at most.
	statUnused = 30 * 24 * time.Hour
	statKeep   = 512
	// maxStatBytes bounds what is read of one stat cache file.
	maxStatBytes = 512 << 20
)

// statPath is the stat cache file of an absolute root.
func (s *Store) statPath(root string) string {
	sum := sha256.Sum256([]byte(root))
	return s.path(statDir, hex.EncodeToString(sum[:16]))
}

// loadStat returns root's stat cache, empty when there is none or it is
// not sound.
func (s *Store) loadStat(root string) map[string]statEntry {
	f, err := os.Open(s.statPath(root))
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStatBytes+1))
	if err != nil || len(b) > maxStatBytes {
		return nil
	}
	files, _ := parseStat(s.hashKey, root, b)
	return files
}

// saveStat replaces root's stat cache with files, leaving out the racy
// ones (modified too close to start, when the walk began). Unchanged, the
// file is only touched: its mtime is its last use. Concurrent runs on one
// root: the last writer wins, and the rename means no one reads a torn file.
func (s *Store) saveStat(root string, old, files map[string]statEntry, start time.Time) {
	limit := start.Add(-racyWindow).UnixNano()
	maps.DeleteFunc(files, func(_ string, e statEntry) bool { return e.key.mtime >= limit })
	path := s.statPath(root)
	if maps.Equal(old, files) && old != nil {
		now := time.Now()
		_ = os.Chtimes(path, now, now)
		return
	}
	unlock, err := s.lock(shared) // the sweep leaves our temp alone
	if err != nil {
		return
	}
	defer unlock()
	tmp, err := s.writeTemp(encodeStat(s.hashKey, root, files))
	if err != nil {
		return
	}
	if os.Rename(tmp, path) != nil {
		os.Remove(tmp)
	}
	s.trimStat()
}

// trimStat drops the stat caches of roots unused for statUnused, and the
// least recently used beyond statKeep.
func (s *Store) trimStat() {
	es, err := os.ReadDir(s.path(statDir))
	if err != nil {
		return
	}
	type file struct {
		name string
		used time.Time
	}
	var fs []file
	for _, e := range es {
		if fi, err := e.Info(); err == nil {
			fs = append(fs, file{e.Name(), fi.ModTime()})
		}
	}
	slices.SortFunc(fs, func(a, b file) int { return cmp.Compare(b.used.UnixNano(), a.used.UnixNano()) })
	for i, f := range fs {
		if i >= statKeep || time.Since(f.used) > statUnused {
			_ = os.Remove(s.path(statDir, f.name))
		}
	}
}
