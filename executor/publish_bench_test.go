package executor

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkPublish measures publishing an export of 1,000 small files over
// an earlier one: the swap (no step of the run takes the artifact), and
// the swap plus the hard-linked private copy (one does). Both include
// removing the earlier tree, which the export did before the swap too;
// BenchmarkRemoveOld is that removal alone.
func BenchmarkPublish(b *testing.B) {
	for _, consumed := range []bool{false, true} {
		b.Run(fmt.Sprintf("consumed=%v", consumed), func(b *testing.B) {
			artDir := b.TempDir()
			dest := filepath.Join(artDir, "gen", "out")
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				st := &stage{artifactsDir: artDir, runID: "bench", consumed: map[string]bool{},
					exported: map[string]string{}, swept: make(chan struct{})}
				close(st.swept)
				st.consumed[stageKey("gen", "out")] = consumed
				private, err := st.path("gen", "out")
				if err != nil {
					b.Fatal(err)
				}
				for f := range 1000 {
					p := filepath.Join(private, fmt.Sprintf("d%d", f%10), fmt.Sprintf("f%d", f))
					_ = os.MkdirAll(filepath.Dir(p), 0o755)
					if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				if err := st.publish("gen", "out", private, dest, dest+".manifest.json", nil); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				st.close()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkRemoveOld is what the export did before publishing existed:
// remove the earlier tree of 1,000 files in place.
func BenchmarkRemoveOld(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "out")
	for b.Loop() {
		b.StopTimer()
		for f := range 1000 {
			p := filepath.Join(dir, fmt.Sprintf("d%d", f%10), fmt.Sprintf("f%d", f))
			_ = os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
	}
}
