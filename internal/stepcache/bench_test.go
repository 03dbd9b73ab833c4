package stepcache

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// benchTree writes 10,000 files of 1 GiB in total (107,374 bytes each, of
// random content) in 100 directories, dated an hour ago so that the stat
// cache keeps them all.
func benchTree(b *testing.B) (string, int64) {
	const files, total = 10000, 1 << 30
	dir := b.TempDir()
	buf := make([]byte, total/files)
	rng := rand.NewChaCha8([32]byte{1})
	for i := range files {
		rng.Read(buf)
		p := filepath.Join(dir, fmt.Sprintf("d%02d", i%100), fmt.Sprintf("f%05d", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	age(b, dir)
	return dir, int64(files * len(buf))
}

// BenchmarkTreeDigest hashes a 1 GiB, 10,000-file tree without a stat
// cache (cold: every file is read; the content is in the page cache after
// the first round, so this is the hashing cost, not the disk's) and with
// it (warm: the tree is only walked and stat'ed).
//
//	go test ./internal/stepcache -run '^$' -bench TreeDigest -benchtime 5x
func BenchmarkTreeDigest(b *testing.B) {
	dir, size := benchTree(b)
	s := openStore(b, b.TempDir(), Options{})
	var reads atomic.Int64
	s.onRead = func(string) { reads.Add(1) }
	want := digest(b, s, dir, nil)
	b.Run("cold", func(b *testing.B) {
		b.SetBytes(size)
		reads.Store(0)
		for b.Loop() {
			os.Remove(s.statPath(dir))
			if digest(b, s, dir, nil) != want {
				b.Fatal("the digest changed")
			}
		}
		b.ReportMetric(float64(reads.Load())/float64(b.N), "reads/op")
	})
	b.Run("warm", func(b *testing.B) {
		digest(b, s, dir, nil)
		b.SetBytes(size)
		reads.Store(0)
		for b.Loop() {
			if digest(b, s, dir, nil) != want {
				b.Fatal("the digest changed")
			}
		}
		b.ReportMetric(float64(reads.Load())/float64(b.N), "reads/op")
	})
}

// BenchmarkLookup is a hit on an entry of three blobs: open, verify the
// meta, open the blobs, mark it used.
func BenchmarkLookup(b *testing.B) {
	s := openStore(b, b.TempDir(), Options{})
	put(b, s, "k", Meta{Step: "build", Data: data(map[string]string{"out": "x"})}, blob{"stdout", "out"}, blob{"stderr", ""}, blob{"artifact", "tar"})
	for b.Loop() {
		e, err := s.Lookup("k")
		if err != nil || e == nil {
			b.Fatal(e, err)
		}
		e.Close()
	}
}
