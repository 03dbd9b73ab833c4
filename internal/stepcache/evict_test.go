package stepcache

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func keys(ms []Meta) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Key)
	}
	return out
}

func listKeys(t *testing.T, s *Store) []string {
	t.Helper()
	l, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	return keys(l)
}

// entrySize is the size of an entry put with one 1000-byte blob.
func entrySize(t *testing.T) int64 {
	s := openStore(t, t.TempDir(), Options{})
	put(t, s, "a", Meta{}, blob{"b", strings.Repeat("x", 1000)})
	l, _ := s.List()
	return l[0].Size
}

// Committing past the bound evicts the least recently used entries: a
// lookup makes an entry recent.
func TestEvictionIsLRU(t *testing.T) {
	size := entrySize(t)
	s := openStore(t, t.TempDir(), Options{MaxBytes: 3*size + size/2})
	kb := blob{"b", strings.Repeat("x", 1000)}
	for _, k := range []string{"a", "b", "c"} {
		put(t, s, k, Meta{}, kb)
	}
	if got := listKeys(t, s); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("before: %q", got)
	}
	get(t, s, "a") // b is now the least recently used
	put(t, s, "d", Meta{}, kb)
	if got := listKeys(t, s); !slices.Equal(got, []string{"c", "a", "d"}) {
		t.Fatalf("after d: %q, want c a d (b evicted)", got)
	}
	put(t, s, "e", Meta{}, blob{"b", strings.Repeat("y", 2100)}) // two entries' worth
	if got := listKeys(t, s); !slices.Equal(got, []string{"d", "e"}) {
		t.Fatalf("after e: %q, want d e", got)
	}
	if get(t, s, "b") != nil || get(t, s, "c") != nil {
		t.Error("an evicted entry is found")
	}
	// An entry larger than the bound does not stay.
	put(t, s, "huge", Meta{}, blob{"b", strings.Repeat("z", int(4*size))})
	if got := listKeys(t, s); slices.Contains(got, "huge") {
		t.Errorf("after huge: %q", got)
	}
}

// A peek reads an entry whole but does not make it recent: reading the
// newest entry of a step to say why it missed must not keep that entry
// from eviction.
func TestPeekDoesNotMakeAnEntryRecent(t *testing.T) {
	size := entrySize(t)
	s := openStore(t, t.TempDir(), Options{MaxBytes: 2*size + size/2})
	kb := blob{"b", strings.Repeat("x", 1000)}
	put(t, s, "a", Meta{Step: "peeked"}, kb)
	put(t, s, "b", Meta{}, kb)
	e, err := s.Peek("a")
	if err != nil || e == nil || e.Meta().Step != "peeked" {
		t.Fatalf("peek: %v, %v", e, err)
	}
	if got, err := readAll(e); err != nil || got["b"] != kb.content {
		t.Fatalf("peeked blob: %v, %v", got, err)
	}
	e.Close()
	put(t, s, "c", Meta{}, kb)
	if got := listKeys(t, s); !slices.Equal(got, []string{"b", "c"}) {
		t.Fatalf("after c: %q, want b c (a, only peeked at, evicted)", got)
	}
	if e, err := s.Peek("missing"); e != nil || err != nil {
		t.Fatalf("peek of a missing key: %v, %v", e, err)
	}
}

func TestPruneOptions(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, k := range []string{"old", "mid", "new"} {
		when := t0.Add(time.Duration(i) * 24 * time.Hour)
		put(t, s, k, Meta{Created: when, Step: k}, blob{"b", strings.Repeat("x", 1000)})
	}
	at := func(d time.Duration) func() time.Time { return func() time.Time { return t0.Add(d) } }
	removed, err := s.Prune(PruneOptions{OlderThan: 36 * time.Hour, Now: at(72 * time.Hour), DryRun: true})
	if err != nil || !slices.Equal(keys(removed), []string{"old", "mid"}) {
		t.Fatalf("dry run: %q, %v", keys(removed), err)
	}
	if got := listKeys(t, s); len(got) != 3 {
		t.Fatalf("the dry run removed: %q", got)
	}
	removed, err = s.Prune(PruneOptions{OlderThan: 60 * time.Hour, Now: at(72 * time.Hour)})
	if err != nil || !slices.Equal(keys(removed), []string{"old"}) || removed[0].Step != "old" {
		t.Fatalf("older than: %+v, %v", removed, err)
	}
	l, _ := s.List()
	removed, err = s.Prune(PruneOptions{MaxBytes: l[1].Size})
	if err != nil || !slices.Equal(keys(removed), []string{"mid"}) || !slices.Equal(listKeys(t, s), []string{"new"}) {
		t.Fatalf("max bytes: %q, %v", keys(removed), err)
	}
	if removed, err := s.Prune(PruneOptions{}); err != nil || len(removed) != 0 {
		t.Fatalf("zero options removed %q, %v", keys(removed), err)
	}
	if removed, err := s.Prune(PruneOptions{All: true}); err != nil || !slices.Equal(keys(removed), []string{"new"}) {
		t.Fatalf("all: %q, %v", keys(removed), err)
	}
	if names, _ := os.ReadDir(filepath.Join(s.Dir(), entriesDir)); len(names) != 0 || len(tmpNames(t, s)) != 0 {
		t.Errorf("left: entries %v, tmp %q", names, tmpNames(t, s))
	}
	if err := s.Remove("nothing"); err != nil {
		t.Errorf("removing a missing key: %v", err)
	}
}

// Remove takes the named entries only.
func TestRemove(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	for _, k := range []string{"a", "b", "c"} {
		put(t, s, k, Meta{})
	}
	if err := s.Remove("a", "c"); err != nil {
		t.Fatal(err)
	}
	if got := listKeys(t, s); !slices.Equal(got, []string{"b"}) {
		t.Errorf("left %q", got)
	}
	if err := s.Remove("../b"); err == nil {
		t.Error("a bad key was accepted")
	}
}

// Match limits what Prune considers, MaxBytes included.
func TestPruneMatch(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	for _, k := range []string{"a1", "b1", "a2", "b2"} {
		put(t, s, k, Meta{Pipeline: "/" + k[:1] + ".hcl"}, blob{"b", strings.Repeat("x", 1000)})
	}
	onlyA := func(m Meta) bool { return m.Pipeline == "/a.hcl" }
	removed, err := s.Prune(PruneOptions{Match: onlyA, MaxBytes: 1500})
	if err != nil || !slices.Equal(keys(removed), []string{"a1"}) {
		t.Fatalf("max bytes within a: %q, %v", keys(removed), err)
	}
	removed, err = s.Prune(PruneOptions{Match: onlyA, All: true})
	if err != nil || !slices.Equal(keys(removed), []string{"a2"}) || !slices.Equal(listKeys(t, s), []string{"b1", "b2"}) {
		t.Fatalf("all of a: %q, %v; left %q", keys(removed), err, listKeys(t, s))
	}
}
