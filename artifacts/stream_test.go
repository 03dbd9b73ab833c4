package artifacts

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var streamSize = flag.Int64("stream-size", 64<<20,
	"bytes streamed by TestStreamingMemory; -stream-size=1073741824 gives the 1 GiB figures")

// allocBound is what one Pack or Extract may allocate in total, whatever
// the stream's size: buffers and headers, never the content.
const allocBound = 8 << 20

// memWatch samples the heap while a stream runs: TotalAlloc counts every
// byte allocated (so holding the content even briefly would show), and
// HeapInuse is sampled for its peak. Peak RSS comes from the kernel.
type memWatch struct {
	start      runtime.MemStats
	peakInuse  uint64
	stop, done chan struct{}
}

func watchMem() *memWatch {
	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM; best effort
	w := &memWatch{stop: make(chan struct{}), done: make(chan struct{})}
	runtime.ReadMemStats(&w.start)
	w.peakInuse = w.start.HeapInuse
	go func() {
		defer close(w.done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-w.stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				w.peakInuse = max(w.peakInuse, ms.HeapInuse)
			}
		}
	}()
	return w
}

// report stops sampling, logs the figures and checks the allocation bound.
func (w *memWatch) report(t *testing.T, what string, n int64) {
	close(w.stop)
	<-w.done
	var end runtime.MemStats
	runtime.ReadMemStats(&end)
	alloc := end.TotalAlloc - w.start.TotalAlloc
	t.Logf("%s %d MiB: TotalAlloc %.2f MiB, HeapInuse %.2f -> peak %.2f MiB, peak RSS %s",
		what, n>>20, mib(alloc), mib(w.start.HeapInuse), mib(w.peakInuse), peakRSS())
	if alloc > allocBound {
		t.Errorf("%s allocated %.1f MiB for a %d MiB stream, want under %d MiB", what, mib(alloc), n>>20, allocBound>>20)
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// peakRSS reads VmHWM, the process's peak resident set since clear_refs.
func peakRSS() string {
	b, _ := os.ReadFile("/proc/self/status")
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// pattern is an endless non-zero byte stream, so extraction really writes.
type pattern struct{ i byte }

func (p *pattern) Read(b []byte) (int, error) {
	for k := range b {
		b[k], p.i = p.i|1, p.i+1
	}
	return len(b), nil
}

// TestStreamingMemory packs a sparse file of -stream-size bytes and
// extracts a generated archive holding one file of that size, checking that
// neither allocates more than allocBound: memory does not grow with the
// stream.
func TestStreamingMemory(t *testing.T) {
	n := *streamSize
	t.Run("pack", func(t *testing.T) {
		src := filepath.Join(t.TempDir(), "big")
		f, err := os.Create(src)
		mustDo(t, err)
		mustDo(t, f.Truncate(n)) // sparse: no disk used, reads return zeros
		mustDo(t, f.Close())
		cw := &countWriter{}
		w := watchMem()
		st, err := Pack(context.Background(), src, cw, PackOptions{Name: "big"})
		w.report(t, "Pack", n)
		mustDo(t, err)
		if st.Bytes != n || cw.n < n {
			t.Errorf("packed %d content bytes, %d archive bytes; want %d", st.Bytes, cw.n, n)
		}
	})
	t.Run("extract", func(t *testing.T) {
		pr, pw := io.Pipe()
		sums := make(chan string, 1)
		go func() { // the generator hashes what it sends, for comparison
			h := sha256.New()
			tw := tar.NewWriter(pw)
			err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "big", Size: n, Mode: 0o644})
			if err == nil {
				_, err = io.CopyN(io.MultiWriter(tw, h), &pattern{}, n)
			}
			if err == nil {
				err = tw.Close()
			}
			sums <- hex.EncodeToString(h.Sum(nil))
			pw.CloseWithError(err)
		}()
		w := watchMem()
		st, err := Extract(context.Background(), pr, t.TempDir(), Options{StripRoot: "big", Manifest: true})
		w.report(t, "Extract with manifest", n)
		mustDo(t, err)
		if want := <-sums; st.Bytes != n || len(st.Manifest) != 1 || st.Manifest[0].SHA256 != want {
			t.Errorf("extracted %d bytes, manifest %v; want %d bytes with sha256 %s", st.Bytes, st.Manifest, n, want)
		}
	})
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// TestExtractMaxEntries feeds an endless stream of empty files: the entry
// cap must stop it with an error naming the first entry past the cap and
// the cap itself, after writing exactly that many files.
func TestExtractMaxEntries(t *testing.T) {
	pr, pw := io.Pipe()
	defer pr.Close() // stops the generator
	go func() {
		tw := tar.NewWriter(pw)
		for i := 0; ; i++ {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: fmt.Sprintf("f%d", i), Mode: 0o644}); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
	}()
	s := newSandbox(t)
	st, err := Extract(context.Background(), pr, s.dest, Options{MaxEntries: 500})
	if !errors.Is(err, ErrTooManyEntries) || !strings.Contains(err.Error(), `"f500"`) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err = %v, want ErrTooManyEntries naming f500 and the limit", err)
	}
	if st.Files != 500 {
		t.Errorf("wrote %d files, want 500", st.Files)
	}
	s.check(t)
}
