package executor

import (
	"bytes"
	"io"
	"sync"
)

// DefaultMaxLine bounds a line before it is split, so a step printing
// megabytes without a newline cannot make runjob buffer without limit.
const DefaultMaxLine = 64 << 10

// LineWriter splits a byte stream into lines and hands each one, without its
// newline, to emit. A line longer than the bound is emitted in pieces of the
// bound. Close emits a final line that lacked a newline. The slice passed to
// emit is only valid during the call. Not safe for concurrent use.
type LineWriter struct {
	emit func(line []byte)
	max  int
	buf  []byte
	// cut says the pending line has already emitted pieces of the bound,
	// so a newline right after one ends it without an extra empty line.
	cut bool
}

// NewLineWriter returns a LineWriter with the given bound (DefaultMaxLine if
// max <= 0).
func NewLineWriter(max int, emit func(line []byte)) *LineWriter {
	if max <= 0 {
		max = DefaultMaxLine
	}
	return &LineWriter{emit: emit, max: max}
}

// Write implements io.Writer. It never fails.
func (w *LineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.buf = append(w.buf, p...)
			rest := w.buf
			for len(rest) >= w.max {
				w.emit(rest[:w.max])
				rest = rest[w.max:]
				w.cut = true
			}
			// One move of the remainder, not one per piece: a long write
			// without a newline stays linear, whatever the bound.
			w.buf = append(w.buf[:0], rest...)
			break
		}
		switch {
		case len(w.buf) == 0 && w.cut && i == 0:
			// The line was a multiple of the bound, all emitted already.
		case len(w.buf) == 0:
			// The common case: a whole line inside p, emitted without copying.
			w.emitBounded(p[:i])
		default:
			w.buf = append(w.buf, p[:i]...)
			w.emitBounded(w.buf)
			w.buf = w.buf[:0]
		}
		w.cut = false
		p = p[i+1:]
	}
	return n, nil
}

func (w *LineWriter) emitBounded(line []byte) {
	for len(line) > w.max {
		w.emit(line[:w.max])
		line = line[w.max:]
	}
	w.emit(line)
}

// Close emits the pending partial line, if any.
func (w *LineWriter) Close() error {
	if len(w.buf) > 0 {
		w.emit(w.buf)
		w.buf = w.buf[:0]
	}
	w.cut = false
	return nil
}

// LineFunc receives one line of a step's output.
type LineFunc func(step string, stream Stream, line []byte)

// NewLineOutput returns an Output that splits every stream into lines and
// calls fn for each, one call at a time across all steps, so lines from
// parallel steps never mix mid-line.
func NewLineOutput(maxLine int, fn LineFunc) Output {
	return &lineOutput{max: maxLine, fn: fn}
}

type lineOutput struct {
	mu  sync.Mutex
	max int
	fn  LineFunc
}

func (o *lineOutput) Open(step string) (io.WriteCloser, io.WriteCloser) {
	open := func(stream Stream) io.WriteCloser {
		return NewLineWriter(o.max, func(line []byte) {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.fn(step, stream, line)
		})
	}
	return open(Stdout), open(Stderr)
}
