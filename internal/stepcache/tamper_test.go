package stepcache

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// stored is a store holding entry k with blobs "out" (0) and "log" (1).
func stored(t *testing.T) *Store {
	t.Helper()
	s := openStore(t, t.TempDir(), Options{})
	put(t, s, "k", Meta{Step: "build"}, blob{"out", "the output"}, blob{"log", "line\n"})
	return s
}

// After a tampered-with entry is reported, it is gone: the next Lookup is
// a plain miss, and the store does not list it.
func assertDiscarded(t *testing.T, s *Store) {
	t.Helper()
	if e, err := s.Lookup("k"); e != nil || err != nil {
		t.Fatalf("after the report: %v, %v; want a plain miss", e, err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), entriesDir, "k")); !os.IsNotExist(err) {
		t.Errorf("the entry is still there: %v", err)
	}
	if l, err := s.List(); err != nil || len(l) != 0 {
		t.Errorf("List = %v, %v", l, err)
	}
}

func TestTamperedMetaIsAMissWithAReason(t *testing.T) {
	for name, edit := range map[string]func(b []byte) []byte{
		"a byte of the body": func(b []byte) []byte { b[len(b)-3] ^= 1; return b },
		"the checksum":       func(b []byte) []byte { b[len(metaMagic)] ^= 1; return b },
		"truncated":          func(b []byte) []byte { return b[:len(b)/2] },
		"empty":              func([]byte) []byte { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			s := stored(t)
			p := filepath.Join(s.Dir(), entriesDir, "k", "meta")
			b, _ := os.ReadFile(p)
			if err := os.WriteFile(p, edit(b), 0o600); err != nil {
				t.Fatal(err)
			}
			e, err := s.Lookup("k")
			if e != nil {
				t.Fatal("a tampered meta was a hit")
			}
			tampered(t, err, "meta file")
			assertDiscarded(t, s)
		})
	}
}

// A blob whose size changed is caught at Lookup; a missing one too; a
// meta file moved to another key's directory names the wrong key.
func TestBrokenEntriesAreMisses(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(s *Store)
		want string
	}{
		"truncated blob": {func(s *Store) { os.Truncate(blobPath(s, "k", 0), 3) }, `blob "out" has 3 bytes, 10 were stored`},
		"missing blob":   {func(s *Store) { os.Remove(blobPath(s, "k", 1)) }, `blob "log" is missing`},
		"missing meta":   {func(s *Store) { os.Remove(filepath.Join(s.Dir(), entriesDir, "k", "meta")) }, "meta file is missing"},
		"another key's meta": {func(s *Store) {
			put(t, s, "other", Meta{})
			os.Rename(filepath.Join(s.Dir(), entriesDir, "other", "meta"), filepath.Join(s.Dir(), entriesDir, "k", "meta"))
			os.RemoveAll(filepath.Join(s.Dir(), entriesDir, "other"))
		}, `is of key "other"`},
		"a new hash key": {func(s *Store) {
			os.WriteFile(filepath.Join(s.Dir(), keyFile), []byte("short"), 0o600)
			*s = *openStore(t, s.Dir(), Options{}) // replaced: the old seals no longer verify
		}, "checksum mismatch"},
	} {
		t.Run(name, func(t *testing.T) {
			s := stored(t)
			c.edit(s)
			e, err := s.Lookup("k")
			if e != nil {
				t.Fatal("hit")
			}
			tampered(t, err, c.want)
			assertDiscarded(t, s)
		})
	}
}

// A blob whose content changed but not its size reads to the end with a
// *TamperedError instead of io.EOF, and the entry is removed.
func TestTamperedBlobFailsAtTheEnd(t *testing.T) {
	s := stored(t)
	if err := os.WriteFile(blobPath(s, "k", 0), []byte("THE output"), 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := s.Lookup("k")
	if err != nil || e == nil {
		t.Fatalf("Lookup = %v, %v: the size is right, so only reading can tell", e, err)
	}
	defer e.Close()
	r, _ := e.Blob("out")
	b, err := io.ReadAll(r)
	tampered(t, err, `blob "out" does not have the content`)
	if string(b) != "THE output" {
		t.Errorf("read %q", b)
	}
	if _, err := r.Read(make([]byte, 1)); err == nil || err == io.EOF {
		t.Errorf("a read after the report = %v", err)
	}
	// The good blob of the same entry still reads, from the open file.
	r2, _ := e.Blob("log")
	if b, err := io.ReadAll(r2); err != nil || string(b) != "line\n" {
		t.Errorf("log = %q, %v", b, err)
	}
	assertDiscarded(t, s)
}

// An entry removed while a hit reads it is read whole, from the files
// Lookup opened.
func TestAHitSurvivesRemoval(t *testing.T) {
	s := stored(t)
	e, err := s.Lookup("k")
	if err != nil || e == nil {
		t.Fatal(e, err)
	}
	defer e.Close()
	if _, err := s.Prune(PruneOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if got, err := readAll(e); err != nil || got["out"] != "the output" || got["log"] != "line\n" {
		t.Errorf("read after prune: %q, %v", got, err)
	}
	if got := get(t, s, "k"); got != nil {
		t.Error("pruned entry still found")
	}
}
