package report

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkRecorderWrite measures recording one step's output: 80-byte
// lines written in 32 KiB chunks, as the engine's demultiplexer delivers
// them, to the combined log and the raw file.
func BenchmarkRecorderWrite(b *testing.B) {
	var chunk bytes.Buffer
	for chunk.Len() < 32<<10-80 {
		fmt.Fprintf(&chunk, "%079d\n", chunk.Len())
	}
	rec, err := NewRecorder(b.TempDir(), "bench", testGraph(b, "s"))
	if err != nil {
		b.Fatal(err)
	}
	o, e := rec.Open("s")
	b.SetBytes(int64(chunk.Len()))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = o.Write(chunk.Bytes())
	}
	closeAll(b, o, e)
}
