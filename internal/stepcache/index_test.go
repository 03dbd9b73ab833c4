package stepcache

import (
	"bytes"
	"os"
	"slices"
	"testing"
	"time"
)

// indexed is a store with entries a, b, c, used in the order c, a (so b is
// least recently used, then c, then a).
func indexed(t *testing.T) *Store {
	t.Helper()
	s := openStore(t, t.TempDir(), Options{})
	for _, k := range []string{"a", "b", "c"} {
		put(t, s, k, Meta{Step: "step " + k, Pipeline: "/p/ci.hcl", RunID: "r1"}, blob{"x", k})
	}
	get(t, s, "c")
	get(t, s, "a")
	return s
}

// However the index is broken, every entry is still listed, with its
// meta, and a lookup still finds it; the index is rewritten clean.
func TestACorruptIndexLosesNoEntry(t *testing.T) {
	for name, edit := range map[string]func([]byte) []byte{
		"garbage":        func([]byte) []byte { return []byte("\x00\xffnot an index\n") },
		"removed":        nil,
		"no header":      func(b []byte) []byte { return b[len(indexMagic):] },
		"torn last line": func(b []byte) []byte { return b[:len(b)-7] },
		"a flipped bit":  func(b []byte) []byte { b[len(indexMagic)+20] ^= 4; return b },
		"crc of nothing": func(b []byte) []byte { return append(b, "00000000 \n"...) },
		"a huge line":    func(b []byte) []byte { return append(b, bytes.Repeat([]byte("a"), maxIndexLine+1)...) },
	} {
		t.Run(name, func(t *testing.T) {
			s := indexed(t)
			p := s.path(indexFile)
			b, _ := os.ReadFile(p)
			if edit == nil {
				os.Remove(p)
			} else if err := os.WriteFile(p, edit(b), 0o600); err != nil {
				t.Fatal(err)
			}
			l, err := s.List()
			if err != nil {
				t.Fatal(err)
			}
			if got := keys(l); len(got) != 3 || !slices.Contains(got, "a") || !slices.Contains(got, "b") || !slices.Contains(got, "c") {
				t.Fatalf("listed %q", got)
			}
			for _, m := range l {
				if m.Step != "step "+m.Key || m.Pipeline != "/p/ci.hcl" || m.RunID != "r1" || m.Size == 0 {
					t.Errorf("rebuilt row %+v", m)
				}
			}
			if ix := parseIndex(mustRead(t, p)); ix.bad != 0 || len(ix.rows) != 3 {
				t.Errorf("the index was not rewritten: %d bad, %d rows", ix.bad, len(ix.rows))
			}
			if get(t, s, "b") == nil {
				t.Error("b is not found")
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The journal keeps the order of use; a compacted one keeps it too.
func TestIndexKeepsUseOrder(t *testing.T) {
	s := indexed(t)
	if got := listKeys(t, s); !slices.Equal(got, []string{"b", "c", "a"}) {
		t.Fatalf("LRU order %q, want b c a", got)
	}
	rows := parseIndex(mustRead(t, s.path(indexFile))).rows
	if err := s.writeIndex(rows); err != nil {
		t.Fatal(err)
	}
	if got := listKeys(t, s); !slices.Equal(got, []string{"b", "c", "a"}) {
		t.Fatalf("after compaction %q", got)
	}
}

// A row for an entry that is gone is dropped; an entry whose "+" record
// was lost (its writer died after the rename) is listed from its meta,
// with the uses recorded for it.
func TestIndexIsReconciledWithTheEntries(t *testing.T) {
	s := indexed(t)
	if err := os.RemoveAll(s.path(entriesDir, "a")); err != nil {
		t.Fatal(err)
	}
	ix := parseIndex(mustRead(t, s.path(indexFile)))
	delete(ix.rows, "b")
	if err := s.writeIndex(ix.rows); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if _, err := s.appendRecord(record{Op: "u", Key: "b", Used: later.UnixNano()}); err != nil {
		t.Fatal(err)
	}
	l, err := s.List()
	if err != nil || !slices.Equal(keys(l), []string{"c", "b"}) || !l[1].Used.Equal(later) {
		t.Fatalf("listed %+v, %v", l, err)
	}
}

// Encoding then parsing gives the rows back exactly.
func TestIndexRoundTrip(t *testing.T) {
	t0 := time.Unix(0, 1700000000123456789)
	rows := map[string]Meta{
		"k1": {Key: "k1", Pipeline: "/a b/ci.hcl", Step: "x\ny", RunID: "r", Size: 7, Created: t0, Used: t0.Add(time.Second)},
		"k2": {Key: "k2", Size: 0, Created: t0, Used: t0},
	}
	ix := parseIndex(encodeIndex(rows))
	if ix.bad != 0 || len(ix.rows) != 2 {
		t.Fatalf("%d bad, %d rows", ix.bad, len(ix.rows))
	}
	for k, m := range rows {
		g := ix.rows[k]
		if g.Key != m.Key || g.Pipeline != m.Pipeline || g.Step != m.Step || g.Size != m.Size || !g.Created.Equal(m.Created) || !g.Used.Equal(m.Used) {
			t.Errorf("%s: %+v, want %+v", k, g, m)
		}
	}
}
