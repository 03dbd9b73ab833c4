package docker

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"github.com/moby/moby/api/pkg/stdcopy"
)

// BenchmarkDemux demultiplexes an attach stream of 32 KiB frames, alternating
// stdout and stderr, as Run does for every container.
func BenchmarkDemux(b *testing.B) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 2048)
	var stream bytes.Buffer
	for i := range 64 {
		// The engine's frame: stream id, three zero bytes, big-endian length.
		header := [8]byte{byte(stdcopy.Stdout)}
		if i%2 == 1 {
			header[0] = byte(stdcopy.Stderr)
		}
		binary.BigEndian.PutUint32(header[4:], uint32(len(payload)))
		stream.Write(header[:])
		stream.Write(payload)
	}
	data := stream.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := stdcopy.StdCopy(io.Discard, io.Discard, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
