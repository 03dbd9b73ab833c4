package executor

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// A stored step's log is its output as records, in the order their lines
// ended: one byte for the stream ('o' stdout, 'e' stderr), the length as
// a uvarint, the bytes (a line with its newline; a last line without one
// as it was). Every line is masked before it is kept, so no secret is
// ever written to the store in clear.

// Bounds of what is kept of a step's output for the store: a step that
// prints more, or a line longer, is not stored (it runs again next time),
// rather than being stored cut short or unmasked.
const (
	maxReuseLog  = 16 << 20
	maxReuseLine = 1 << 20
)

// errLogTooLong says why a step's output was not stored.
var errLogTooLong = fmt.Errorf("its output is over %d MiB, or has a line over %d MiB", maxReuseLog>>20, maxReuseLine>>20)

// logCapture records one attempt's output for the store. Its stdout and
// stderr tees are written from two goroutines.
type logCapture struct {
	redact func(string) string
	mu     sync.Mutex
	buf    bytes.Buffer
	over   bool
}

// tee returns w, also capturing what goes through it as stream ('o' or 'e').
func (c *logCapture) tee(stream byte, w io.WriteCloser) io.WriteCloser {
	return &captureWriter{c: c, stream: stream, w: w}
}

func (c *logCapture) record(stream byte, line []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.over {
		return
	}
	masked := c.redact(string(line))
	if c.buf.Len()+len(masked)+binary.MaxVarintLen64+1 > maxReuseLog {
		c.over, c.buf = true, bytes.Buffer{}
		return
	}
	c.buf.WriteByte(stream)
	c.buf.Write(binary.AppendUvarint(nil, uint64(len(masked))))
	c.buf.WriteString(masked)
}

// result is the encoded log, or why there is none to store.
func (c *logCapture) result() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.over {
		return nil, errLogTooLong
	}
	return c.buf.Bytes(), nil
}

type captureWriter struct {
	c       *logCapture
	stream  byte
	w       io.WriteCloser
	pending []byte
}

func (cw *captureWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.pending = append(cw.pending, p...)
	for {
		i := bytes.IndexByte(cw.pending, '\n')
		if i < 0 {
			break
		}
		cw.c.record(cw.stream, cw.pending[:i+1])
		cw.pending = cw.pending[i+1:]
	}
	if len(cw.pending) > maxReuseLine {
		cw.c.mu.Lock()
		cw.c.over, cw.c.buf = true, bytes.Buffer{}
		cw.c.mu.Unlock()
		cw.pending = nil
	}
	return n, err
}

func (cw *captureWriter) Close() error {
	if len(cw.pending) > 0 {
		cw.c.record(cw.stream, cw.pending)
		cw.pending = nil
	}
	return cw.w.Close()
}

// replayLog writes a stored log to a step's writers, in its order.
func replayLog(log []byte, stdout, stderr io.Writer) error {
	r := bufio.NewReader(bytes.NewReader(log))
	for {
		stream, err := r.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil
		}
		n, err := binary.ReadUvarint(r)
		if err != nil || n > maxReuseLog || (stream != 'o' && stream != 'e') {
			return errors.New("stored log is malformed")
		}
		line := make([]byte, n)
		if _, err := io.ReadFull(r, line); err != nil {
			return errors.New("stored log is truncated")
		}
		w := stdout
		if stream == 'e' {
			w = stderr
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
}

// checkLog validates a stored log before any of it is replayed, so that a
// damaged one is a miss and not half a replay followed by a real run.
func checkLog(log []byte) error { return replayLog(log, io.Discard, io.Discard) }
