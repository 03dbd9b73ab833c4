package executor_test

import (
	"bytes"
	"testing"

	"github.com/runjob/runjob/executor"
)

// BenchmarkLineWriter splits 32 KiB chunks of 100-byte lines, the shape of
// a chatty step's output as it arrives from the engine.
func BenchmarkLineWriter(b *testing.B) {
	chunk := bytes.Repeat(append(bytes.Repeat([]byte("x"), 99), '\n'), 32*1024/100)
	lines := 0
	w := executor.NewLineWriter(0, func([]byte) { lines++ })
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		_, _ = w.Write(chunk)
	}
	_ = w.Close()
	if lines == 0 {
		b.Fatal("no lines")
	}
}
