package mask

import (
	"bytes"
	"testing"
)

// FuzzStream checks, for arbitrary secrets, output and write sizes, that
// streaming gives exactly the one-shot result and that no secret survives
// (unless the replacement itself could form it).
func FuzzStream(f *testing.F) {
	f.Add("abcdef", "defXYZ", []byte("--abcdefXYZ--"), uint8(1))
	f.Add("hunter22", "", []byte("hunter2hunter22hunter"), uint8(3))
	f.Add("line one\nline two", "x", []byte("line one\r\nline two\n"), uint8(5))
	f.Fuzz(func(t *testing.T, s1, s2 string, data []byte, chunk uint8) {
		m := New(s1, s2)
		want := m.Bytes(bytes.Clone(data))
		var out bytes.Buffer
		w := m.Stream(&out)
		size := int(chunk%64) + 1
		for i := 0; i < len(data); i += size {
			if _, err := w.Write(data[i:min(i+size, len(data))]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("stream %q != one-shot %q", out.Bytes(), want)
		}
		for _, p := range m.patterns {
			if !bytes.Contains(p, []byte("*")) && bytes.Contains(want, p) {
				t.Fatalf("pattern %q survives in %q", p, want)
			}
		}
	})
}

func BenchmarkStream(b *testing.B) {
	m := New("ghp_0123456789abcdefghijABCDEFGHIJ012345", "hunter22", "AKIAIOSFODNN7EXAMPLE")
	line := []byte("2026-11-22T21:36:00Z INFO compiling package github.com/runjob/runjob/executor ok\n")
	chunk := bytes.Repeat(line, 32*1024/len(line))
	b.SetBytes(int64(len(chunk)))
	w := m.Stream(discard{})
	for b.Loop() {
		w.Write(chunk)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
