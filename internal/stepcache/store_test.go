package stepcache

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// A committed entry is found with its meta and blobs; another key misses.
func TestHitAndMiss(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	if got := get(t, s, "k1"); got != nil {
		t.Fatalf("empty store hit: %v", got)
	}
	m := Meta{Pipeline: "/src/ci.hcl", Step: "build", RunID: "20240506-070809-abcdef", Data: data(map[string]int{"exit": 0})}
	put(t, s, "k1", m, blob{"stdout", "hello\n"}, blob{"artifact dist", "tar bytes"}, blob{"empty", ""})
	e, err := s.Lookup("k1")
	if err != nil || e == nil {
		t.Fatalf("Lookup = %v, %v", e, err)
	}
	defer e.Close()
	got := e.Meta()
	if got.Key != "k1" || got.Pipeline != m.Pipeline || got.Step != "build" || got.RunID != m.RunID || got.Created.IsZero() || got.Used.Before(got.Created) {
		t.Errorf("meta = %+v", got)
	}
	var d map[string]int
	if err := json.Unmarshal(got.Data, &d); err != nil || d["exit"] != 0 || len(d) != 1 {
		t.Errorf("data = %s (%v)", got.Data, err)
	}
	if names := e.Blobs(); len(names) != 3 || names[0] != "stdout" || names[1] != "artifact dist" {
		t.Errorf("blobs = %q", names)
	}
	blobs, err := readAll(e)
	if err != nil || blobs["stdout"] != "hello\n" || blobs["artifact dist"] != "tar bytes" || blobs["empty"] != "" {
		t.Errorf("blobs = %q, %v", blobs, err)
	}
	if _, err := e.Blob("nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("unknown blob: %v", err)
	}
	if got := get(t, s, "k2"); got != nil {
		t.Errorf("k2 hit: %v", got)
	}
	// Size counts the blobs and the meta file, and only them.
	fi, err := os.Stat(filepath.Join(s.Dir(), entriesDir, "k1", "meta"))
	if err != nil || got.Size != fi.Size()+int64(len("hello\n")+len("tar bytes")) {
		t.Errorf("size %d, meta file %v", got.Size, fi.Size())
	}
}

// A blob may be read many times and concurrently; nothing is visible
// before Commit, nothing after Abort, and nothing is left in tmp/.
func TestPendingIsInvisibleUntilCommit(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	p, err := s.Begin("k")
	if err != nil {
		t.Fatal(err)
	}
	w, _ := p.Create("out")
	io.WriteString(w, "x")
	w.Close()
	if got := get(t, s, "k"); got != nil {
		t.Fatal("a pending entry is visible")
	}
	if err := p.Commit(Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(Meta{}); err == nil {
		t.Error("a second Commit succeeded")
	}
	p2, _ := s.Begin("k2")
	p2.Create("a")
	if err := p2.Commit(Meta{}); err == nil {
		t.Error("Commit with an open blob writer succeeded")
	}
	p2.Abort()
	if got := get(t, s, "k2"); got != nil {
		t.Error("an aborted entry is visible")
	}
	if names := tmpNames(t, s); len(names) != 0 {
		t.Errorf("tmp/ holds %q", names)
	}
	e, _ := s.Lookup("k")
	defer e.Close()
	r1, _ := e.Blob("out")
	r2, _ := e.Blob("out")
	b1, _ := io.ReadAll(r1)
	b2, _ := io.ReadAll(r2)
	if string(b1) != "x" || !bytes.Equal(b1, b2) {
		t.Errorf("reads %q %q", b1, b2)
	}
}

// Bad keys and blob names are refused before anything is written.
func TestNamesAreChecked(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	for _, k := range []string{"", "../x", "a/b", ".", "k\x00", string(make([]byte, 129))} {
		if _, err := s.Begin(k); err == nil {
			t.Errorf("Begin(%q) succeeded", k)
		}
		if _, err := s.Lookup(k); err == nil {
			t.Errorf("Lookup(%q) succeeded", k)
		}
	}
	p, _ := s.Begin("k")
	defer p.Abort()
	if _, err := p.Create("a"); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"", "a", "\xff"} {
		if _, err := p.Create(n); err == nil {
			t.Errorf("Create(%q) succeeded", n)
		}
	}
}

// The hash key is 32 bytes, private, and the same for every Open.
func TestHashKeyIsStable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runjob", "reuse")
	a, b := openStore(t, dir, Options{}), openStore(t, dir, Options{})
	if len(a.HashKey()) != 32 || !bytes.Equal(a.HashKey(), b.HashKey()) {
		t.Fatalf("keys %x %x", a.HashKey(), b.HashKey())
	}
	fi, err := os.Stat(filepath.Join(dir, keyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("hashkey: %v %v", fi.Mode(), err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("store dir mode %v", fi.Mode())
	}
	if c := openStore(t, t.TempDir(), Options{}); bytes.Equal(c.HashKey(), a.HashKey()) {
		t.Error("two stores share a key")
	}
}

// Two commits of one key both succeed; the first stays, whole, and the
// index says the same as the entry. A corrupt entry is replaced.
func TestSameKeyTwice(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	p1, _ := s.Begin("k")
	p2, _ := s.Begin("k")
	for _, p := range []*Pending{p1, p2} {
		w, _ := p.Create("out")
		io.WriteString(w, "same")
		w.Close()
	}
	if err := p1.Commit(Meta{RunID: "first"}); err != nil {
		t.Fatal(err)
	}
	if err := p2.Commit(Meta{RunID: "second"}); err != nil {
		t.Fatal(err)
	}
	e, err := s.Lookup("k")
	if err != nil || e == nil || e.Meta().RunID != "first" {
		t.Fatalf("Lookup = %+v, %v", e, err)
	}
	e.Close()
	if l, _ := s.List(); len(l) != 1 || l[0].RunID != "first" {
		t.Errorf("List = %+v", l)
	}
	if names := tmpNames(t, s); len(names) != 0 {
		t.Errorf("tmp/ holds %q", names)
	}
	os.Remove(blobPath(s, "k", 0))
	put(t, s, "k", Meta{RunID: "third"}, blob{"out", "new"})
	if got := get(t, s, "k"); got["out"] != "new" {
		t.Errorf("the corrupt entry was not replaced: %q", got)
	}
}

// The default store is runjob/reuse in $XDG_CACHE_HOME, else in
// ~/.cache.
func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/x/cache")
	if d, err := DefaultDir(); err != nil || d != "/x/cache/runjob/reuse" {
		t.Errorf("with XDG_CACHE_HOME: %q, %v", d, err)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, err := DefaultDir(); err != nil || d != "/home/u/.cache/runjob/reuse" {
		t.Errorf("with HOME: %q, %v", d, err)
	}
	if DirIn("/c") != "/c/reuse" {
		t.Error(DirIn("/c"))
	}
}
