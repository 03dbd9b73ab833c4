package console

import (
	"io"
	"sync"
	"time"
)

// A chatty step prints millions of lines; one write system call per line
// would cost runjob more CPU than demultiplexing them (on a 2-core machine,
// CPU the engine needs). So the plain and JSON views write through a
// batcher: stdout and stderr collect lines and go out in blocks, at the
// latest batchDelay after the first unwritten byte, so a quiet step's line
// is still seen at once by a human.
//
// Order across the two streams is kept: before one stream takes bytes, the
// other's are written out. When stdout and stderr are the same file (2>&1
// in CI), lines land in the order runjob produced them.
const (
	batchDelay = 50 * time.Millisecond
	batchSize  = 64 << 10
)

// batcher owns the pending bytes of stdout and stderr.
type batcher struct {
	mu    sync.Mutex
	out   [2]io.Writer
	buf   [2][]byte
	timer *time.Timer // armed while bytes wait
}

// newBatcher returns the batched stdout and stderr, and flush, which
// writes out what waits; call it before the process exits.
func newBatcher(stdout, stderr io.Writer) (bout, berr io.Writer, flush func()) {
	b := &batcher{out: [2]io.Writer{stdout, stderr}}
	b.timer = time.AfterFunc(time.Hour, b.flush)
	b.timer.Stop()
	return batchStream{b, 0}, batchStream{b, 1}, b.flush
}

func (b *batcher) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.timer.Stop()
	b.flushLocked(0)
	b.flushLocked(1)
}

func (b *batcher) flushLocked(i int) {
	if len(b.buf[i]) > 0 {
		_, _ = b.out[i].Write(b.buf[i])
		b.buf[i] = b.buf[i][:0]
	}
}

func (b *batcher) write(i int, p []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked(1 - i) // keeps the order across streams
	if len(b.buf[i]) == 0 {
		b.timer.Reset(batchDelay)
	}
	b.buf[i] = append(b.buf[i], p...)
	if len(b.buf[i]) >= batchSize {
		b.flushLocked(i)
	}
}

// batchStream is one of the batcher's two streams.
type batchStream struct {
	b *batcher
	i int
}

// Write never fails: a broken stdout must not stop the run, whose record
// keeps everything.
func (s batchStream) Write(p []byte) (int, error) {
	s.b.write(s.i, p)
	return len(p), nil
}

// Unwrap lets isTerminal and colorful see the file underneath.
func (s batchStream) Unwrap() io.Writer { return s.b.out[s.i] }
