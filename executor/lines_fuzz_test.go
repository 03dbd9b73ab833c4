package executor_test

import (
	"bytes"
	"testing"

	"github.com/runjob/runjob/executor"
)

// FuzzLineWriter writes data to a LineWriter in chunks whose sizes come from
// cuts, with a bound of 1 to 64 bytes, and compares what it emits with
// splitLines, a direct statement of the contract. The result must not depend
// on how the engine happened to chunk the stream.
func FuzzLineWriter(f *testing.F) {
	f.Add([]byte("a\nbb\n\nccc"), uint8(2), []byte{1, 3})
	f.Add([]byte("abcd\nabcd"), uint8(3), []byte{4, 1})
	f.Add([]byte("\n\n\n"), uint8(0), []byte{})
	f.Add(bytes.Repeat([]byte("x"), 200), uint8(63), []byte{7, 0, 255})
	f.Fuzz(func(t *testing.T, data []byte, bound uint8, cuts []byte) {
		max := int(bound)%64 + 1
		var got [][]byte
		w := executor.NewLineWriter(max, func(line []byte) {
			got = append(got, bytes.Clone(line))
		})
		input := bytes.Clone(data)
		for p, i := data, 0; len(p) > 0; i++ {
			n := len(p)
			if i < len(cuts) {
				n = min(n, int(cuts[i])) // a cut of 0 is an empty Write
			}
			if k, err := w.Write(p[:n]); k != n || err != nil {
				t.Fatalf("Write(%d bytes) = %d, %v", n, k, err)
			}
			p = p[n:]
			if i > len(data)+len(cuts) {
				t.Fatal("chunking does not end") // a test bug, not the writer's
			}
		}
		if !bytes.Equal(data, input) {
			t.Fatal("Write changed its argument")
		}
		beforeClose := len(got)
		if err := w.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if len(got)-beforeClose > 1 {
			t.Fatalf("Close emitted %d pieces, want at most 1", len(got)-beforeClose)
		}
		if err := w.Close(); err != nil || len(got)-beforeClose > 1 {
			t.Fatalf("a second Close emitted again (err %v)", err)
		}

		want, ends := splitLines(data, max)
		if len(got) != len(want) {
			t.Fatalf("max %d, cuts %v: %d pieces %q, want %d %q", max, cuts, len(got), got, len(want), want)
		}
		var joined []byte
		for i := range got {
			if len(got[i]) > max {
				t.Fatalf("piece %d has %d bytes, over the bound %d", i, len(got[i]), max)
			}
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("max %d, cuts %v: piece %d = %q, want %q", max, cuts, i, got[i], want[i])
			}
			joined = append(joined, got[i]...)
			if ends[i] {
				joined = append(joined, '\n')
			}
		}
		if !bytes.Equal(joined, data) {
			t.Fatalf("pieces and their newlines give %q, want the input %q", joined, data)
		}
	})
}

// splitLines is the contract, written for clarity rather than speed: each
// newline ends a line (an empty one included); a line is cut into pieces of
// max bytes with a shorter (never empty) last piece; a final line without a
// newline is emitted only if it is not empty. ends[i] says whether piece i
// is the last of a newline-terminated line.
func splitLines(data []byte, max int) (pieces [][]byte, ends []bool) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, l := range lines {
		terminated := bytes.HasSuffix(l, []byte("\n"))
		l = bytes.TrimSuffix(l, []byte("\n"))
		if len(l) == 0 && terminated {
			pieces, ends = append(pieces, l), append(ends, true)
			continue
		}
		for len(l) > 0 {
			n := min(len(l), max)
			pieces, ends = append(pieces, l[:n]), append(ends, terminated && n == len(l))
			l = l[n:]
		}
	}
	return pieces, ends
}
