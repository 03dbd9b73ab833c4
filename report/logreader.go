package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

const readChunk = 32 << 10

// logReader reads a step's record back: the index's entries in order, and
// the stream bytes each output entry names. It reads a growing record as
// well as a finished one: at the end of what is written, next reports
// nothing, and a later call sees what was added since.
type logReader struct {
	idx     *os.File
	streams [2]*os.File
	buf     []byte // index bytes read and not yet decoded
	header  bool
	lastMs  int64
	off     [2]int64 // where the next output entry of each stream starts
	chunk   []byte
}

// openLog opens the files of a step's log under runDir.
func openLog(runDir string, l *Log) (*logReader, error) {
	r := &logReader{}
	for i, p := range []string{l.Index, l.Stdout, l.Stderr} {
		f, err := os.Open(filepath.Join(runDir, filepath.FromSlash(p)))
		if err != nil {
			r.close()
			return nil, err
		}
		if i == 0 {
			r.idx = f
		} else {
			r.streams[i-1] = f
		}
	}
	return r, nil
}

func (r *logReader) close() {
	for _, f := range []*os.File{r.idx, r.streams[0], r.streams[1]} {
		if f != nil {
			_ = f.Close()
		}
	}
}

// next returns the next entry and, for output, where its bytes start in
// their stream. ok is false when no complete entry is there (yet).
func (r *logReader) next() (e entry, off int64, ok bool, err error) {
	for {
		if r.header {
			e, size, ok, err := decodeEntry(r.buf, r.lastMs)
			if err != nil {
				return entry{}, 0, false, err
			}
			if ok {
				r.buf, r.lastMs = r.buf[size:], e.ms
				if e.output() {
					off = r.off[e.stream()]
					r.off[e.stream()] += e.n
				}
				return e, off, true, nil
			}
		} else if len(r.buf) >= len(indexHeader) {
			if !bytes.HasPrefix(r.buf, []byte(indexHeader)) {
				return entry{}, 0, false, errIndex
			}
			r.buf, r.header = r.buf[len(indexHeader):], true
			continue
		}
		if more, err := r.fill(); err != nil || !more {
			return entry{}, 0, false, err
		}
	}
}

// fill reads more of the index; false at its current end.
func (r *logReader) fill() (bool, error) {
	if cap(r.chunk) < readChunk {
		r.chunk = make([]byte, readChunk)
	}
	n, err := r.idx.Read(r.chunk[:readChunk])
	// Compact first: buf only ever holds part of one entry between reads.
	r.buf = append(append(make([]byte, 0, len(r.buf)+n), r.buf...), r.chunk[:n]...)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return n > 0, err
}

// data calls fn with the n bytes at off of a stream, in pieces of at most
// readChunk; the slice is only valid during the call.
func (r *logReader) data(stream int, off, n int64, fn func([]byte) error) error {
	if cap(r.chunk) < readChunk {
		r.chunk = make([]byte, readChunk)
	}
	for n > 0 {
		b := r.chunk[:min(n, readChunk)]
		k, err := r.streams[stream].ReadAt(b, off)
		if k < len(b) {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("read %s: %w", filepath.Base(r.streams[stream].Name()), err)
		}
		if err := fn(b); err != nil {
			return err
		}
		off, n = off+int64(k), n-int64(k)
	}
	return nil
}
