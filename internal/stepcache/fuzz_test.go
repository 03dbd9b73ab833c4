package stepcache

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"hash/crc32"
	"os"
	"slices"
	"testing"
	"time"
)

// withCRCs turns lines of JSON into a journal, so the fuzzer explores the
// records rather than the checksums random bytes never pass.
func withCRCs(lines []byte) []byte {
	out := []byte(indexMagic)
	for line := range bytes.Lines(lines) {
		js := bytes.TrimSuffix(line, []byte("\n"))
		out = fmt.Appendf(out, "%08x %s\n", crc32.ChecksumIEEE(js), js)
	}
	return out
}

func sameRows(a, b map[string]Meta) bool {
	if len(a) != len(b) {
		return false
	}
	for k, m := range a {
		n, ok := b[k]
		if !ok || n.Key != m.Key || n.Pipeline != m.Pipeline || n.Step != m.Step || n.RunID != m.RunID ||
			n.Size != m.Size || n.Created.UnixNano() != m.Created.UnixNano() || n.Used.UnixNano() != m.Used.UnixNano() {
			return false
		}
	}
	return true
}

// FuzzIndex feeds the index reader arbitrary journals (crc true: lines of
// JSON given their checksums). It must not panic; what it accepts is made
// of valid keys and sizes, and survives compaction unchanged.
func FuzzIndex(f *testing.F) {
	t0 := time.Unix(0, 1700000000000000000)
	rows := map[string]Meta{"k1": {Key: "k1", Pipeline: "/p/ci.hcl", Step: "build", RunID: "r", Size: 10, Created: t0, Used: t0}}
	good := append(encodeIndex(rows), encodeRecord(record{Op: "u", Key: "k1", Used: t0.Add(time.Hour).UnixNano()})...)
	f.Add(good, false)
	f.Add(good[:len(good)-4], false)
	f.Add([]byte(indexMagic), false)
	f.Add([]byte(`{"op":"+","key":"a","size":3,"created":5,"used":6,"pipeline":"p","step":"s","run":"r"}
{"op":"u","key":"a","used":9}
{"op":"u","key":"b","used":9}
{"op":"-","key":"a"}
{"op":"+","key":"b","size":-1}
{"op":"x","key":"c"}`), true)
	f.Fuzz(func(t *testing.T, data []byte, crc bool) {
		if crc {
			data = withCRCs(data)
		}
		ix := parseIndex(data)
		for k, m := range ix.rows {
			if checkKey(k) != nil || m.Key != k || m.Size < 0 {
				t.Fatalf("accepted row %q: %+v", k, m)
			}
		}
		again := parseIndex(encodeIndex(ix.rows))
		if again.bad != 0 || !sameRows(ix.rows, again.rows) {
			t.Fatalf("compaction changed the rows:\n%+v\n%+v", ix.rows, again.rows)
		}
	})
}

// FuzzIndexFile puts arbitrary bytes in a store's index file: List must
// still give every entry with its meta, and rewrite the index sound.
func FuzzIndexFile(f *testing.F) {
	s := openStore(f, f.TempDir(), Options{})
	for _, k := range []string{"a", "b", "c"} {
		put(f, s, k, Meta{Step: k}, blob{"x", k})
	}
	want, _ := s.List()
	good, _ := os.ReadFile(s.path(indexFile))
	f.Add(good, false)
	f.Add(append(good, good[len(indexMagic):]...), false)
	f.Add([]byte(`{"op":"-","key":"a"}
{"op":"+","key":"z","size":1}`), true)
	f.Fuzz(func(t *testing.T, data []byte, crc bool) {
		if crc {
			data = withCRCs(data)
		}
		if err := os.WriteFile(s.path(indexFile), data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := s.List()
		if err != nil {
			t.Fatal(err)
		}
		if !sameKeys(got, want) {
			t.Fatalf("listed %q, want %q", keys(got), keys(want))
		}
		for _, m := range got {
			if m.Step != m.Key || m.Size == 0 {
				t.Fatalf("row %+v", m)
			}
		}
		if ix := parseIndex(mustRead(t, s.path(indexFile))); ix.bad != 0 || len(ix.rows) != 3 {
			t.Fatalf("index left with %d bad lines, %d rows", ix.bad, len(ix.rows))
		}
	})
}

func sameKeys(a, b []Meta) bool {
	ka, kb := keys(a), keys(b)
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(ka, kb)
}

var fuzzKey = bytes.Repeat([]byte{7}, 32)

func seal(key, magic []byte, body []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	return append(fmt.Appendf(nil, "%s%x\n", magic, mac.Sum(nil)), body...)
}

// FuzzMeta feeds the meta reader arbitrary files (sealed true: a body
// given a valid seal, to get past the MAC). It must not panic, and what it
// accepts is of the key, with sound blobs, and seals back to itself.
func FuzzMeta(f *testing.F) {
	m := &metaFile{Meta: Meta{Key: "k", Step: "s", Data: data(map[string]any{"a": []int{1}})},
		Blobs: []blobRecord{{Name: "out", Size: 3, SHA256: fmt.Sprintf("%x", sha256.Sum256([]byte("abc")))}}}
	good, _ := sealMeta(fuzzKey, m, 3)
	f.Add(good, false, "k")
	_, body, _ := bytes.Cut(good, []byte("\n"))
	f.Add(body, true, "k")
	f.Add([]byte(`{"meta":{"key":"k","size":-5},"blobs":[{"name":"a","size":1,"sha256":"00"},{"name":"a"}]}`), true, "k")
	f.Fuzz(func(t *testing.T, b []byte, sealed bool, key string) {
		if sealed {
			b = seal(fuzzKey, []byte(metaMagic), b)
		}
		got, err := parseMeta(fuzzKey, key, b)
		if err != nil {
			return
		}
		if got.Meta.Key != key || got.check(key) != nil {
			t.Fatalf("accepted %+v for key %q", got, key)
		}
		var blobs int64
		for _, b := range got.Blobs {
			blobs += b.Size
		}
		resealed, err := sealMeta(fuzzKey, got, blobs)
		if err != nil {
			return // a payload that does not re-encode (e.g. invalid UTF-8 repaired) is not ours to judge
		}
		if again, err := parseMeta(fuzzKey, key, resealed); err != nil || len(again.Blobs) != len(got.Blobs) {
			t.Fatalf("resealed meta does not parse: %v", err)
		}
	})
}

// FuzzStat feeds the stat cache reader arbitrary files (sealed true: a
// body given a valid seal). It must not panic, and what it accepts encodes
// back to the same entries.
func FuzzStat(f *testing.F) {
	files := map[string]statEntry{"a b": {key: statKey{size: 3, mtime: 5, ctime: 6, ino: 7, mode: 0o644}}, "": {}}
	good := encodeStat(fuzzKey, "/root", files)
	f.Add(good, false)
	_, body, _ := bytes.Cut(good, []byte("\n"))
	f.Add(body, true)
	f.Add([]byte("\"/root\"\n00 1 2 3 4 5 \"x\"\n"), true)
	f.Fuzz(func(t *testing.T, b []byte, sealed bool) {
		if sealed {
			b = seal(fuzzKey, []byte(statMagic), b)
		}
		got, err := parseStat(fuzzKey, "/root", b)
		if err != nil {
			return
		}
		again, err := parseStat(fuzzKey, "/root", encodeStat(fuzzKey, "/root", got))
		if err != nil || len(again) != len(got) {
			t.Fatalf("re-encoded: %v, %d of %d entries", err, len(again), len(got))
		}
		for rel, e := range got {
			if again[rel] != e || e.key.size < 0 {
				t.Fatalf("%q: %+v, then %+v", rel, e, again[rel])
			}
		}
	})
}
