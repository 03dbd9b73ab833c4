package stepcache

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// counting is a store that records which files TreeDigest reads.
func counting(t *testing.T) (*Store, func() []string) {
	s := openStore(t, t.TempDir(), Options{})
	var mu sync.Mutex
	var reads []string
	s.onRead = func(rel string) { mu.Lock(); reads = append(reads, rel); mu.Unlock() }
	return s, func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := reads
		reads = nil
		slices.Sort(out)
		return out
	}
}

// The second digest of an unchanged tree reads no file; a changed file is
// read again, and only it, whichever part of its stat changed.
func TestStatCacheAvoidsRereading(t *testing.T) {
	s, reads := counting(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a": "1", "b": "2", "sub/c": "3", "l": "-> a"})
	d1 := digest(t, s, dir, nil)
	if got := reads(); !slices.Equal(got, []string{"a", "b", "sub/c"}) {
		t.Fatalf("cold reads %q", got)
	}
	if d := digest(t, s, dir, nil); d != d1 || len(reads()) != 0 {
		t.Fatalf("warm: %s (was %s), read %q", d, d1, reads())
	}
	for name, change := range map[string]func(){
		"content, same size and mtime": func() { os.WriteFile(filepath.Join(dir, "b"), []byte("X"), 0o644) },
		"mode":                         func() { os.Chmod(filepath.Join(dir, "b"), 0o600) },
		"inode":                        func() { os.WriteFile(dir+"/b.new", []byte("X"), 0o600); os.Rename(dir+"/b.new", dir+"/b") },
	} {
		change()
		os.Chtimes(filepath.Join(dir, "b"), past, past)
		digest(t, s, dir, nil)
		if got := reads(); !slices.Equal(got, []string{"b"}) {
			t.Errorf("%s: read %q, want b only", name, got)
		}
	}
	if digest(t, s, dir, nil); len(reads()) != 0 {
		t.Error("the cache was not updated")
	}
}

// A file modified too close to the walk (here: dated in the future) is
// read every time, however unchanged its stat: the racy-git guard.
func TestStatCacheDistrustsRecentFiles(t *testing.T) {
	s, reads := counting(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"old": "1", "new": "2"})
	soon := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "new"), soon, soon)
	for i := range 3 {
		digest(t, s, dir, nil)
		want := []string{"new"}
		if i == 0 {
			want = []string{"new", "old"}
		}
		if got := reads(); !slices.Equal(got, want) {
			t.Fatalf("digest %d read %q, want %q", i, got, want)
		}
	}
}

// A corrupt, torn, foreign or missing stat cache costs a re-read, never a
// wrong digest.
func TestStatCacheCorruptIsIgnored(t *testing.T) {
	s, reads := counting(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a": "1", "b": "2"})
	want := digest(t, s, dir, nil)
	p := s.statPath(dir)
	good, _ := os.ReadFile(p)
	other := t.TempDir()
	writeTree(t, other, map[string]string{"a": "other"})
	digest(t, s, other, nil)
	foreign, _ := os.ReadFile(s.statPath(other))
	forged := append([]byte(nil), good...)
	forged[len(forged)-10] ^= 1 // a byte of the last recorded path
	for name, b := range map[string][]byte{"torn": good[:len(good)-5], "garbage": []byte("xyz"), "forged": forged, "another root's": foreign} {
		reads()
		os.WriteFile(p, b, 0o600)
		if got := digest(t, s, dir, nil); got != want || len(reads()) != 2 {
			t.Errorf("%s: digest %s (want %s)", name, got, want)
		}
	}
}

// Stat caches unused for long are dropped, and at most statKeep are kept.
func TestStatCacheIsBounded(t *testing.T) {
	s, _ := counting(t)
	old := time.Now().Add(-statUnused - time.Hour)
	for i := range statKeep + 10 {
		p := s.path(statDir, fmt.Sprintf("f%04d", i))
		os.WriteFile(p, nil, 0o600)
		when := time.Now().Add(-time.Duration(i) * time.Minute)
		if i < 5 {
			when = old
		}
		os.Chtimes(p, when, when)
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a": "1"})
	digest(t, s, dir, nil)
	es, _ := os.ReadDir(s.path(statDir))
	names := make([]string, 0, len(es))
	for _, e := range es {
		names = append(names, e.Name())
	}
	if len(names) != statKeep || slices.Contains(names, "f0000") || !slices.Contains(names, filepath.Base(s.statPath(dir))) {
		t.Errorf("%d stat caches kept; f0000 (old) kept: %v", len(names), slices.Contains(names, "f0000"))
	}
	if slices.Contains(names, fmt.Sprintf("f%04d", statKeep+9)) {
		t.Error("the least recently used is kept")
	}
}

// Runs hashing one tree at once agree, and leave a sound cache.
func TestStatCacheConcurrent(t *testing.T) {
	s, reads := counting(t)
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 200 {
		files[fmt.Sprintf("d%d/f%d", i%7, i)] = fmt.Sprint(i)
	}
	writeTree(t, dir, files)
	want := digest(t, openStore(t, t.TempDir(), Options{}), dir, nil)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if got := digest(t, s, dir, nil); got != want {
				t.Errorf("digest %s, want %s", got, want)
			}
		})
	}
	wg.Wait()
	reads()
	if digest(t, s, dir, nil) != want || len(reads()) != 0 {
		t.Error("the cache left by concurrent runs is not sound")
	}
}
