package report

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/runjob/runjob/executor"
)

// Record layout of the combined view: "2006-01-02T15:04:05.000Z out text",
// fixed-width up to the text, so `cut -c30-` strips the prefix.
const (
	recordTime   = "2006-01-02T15:04:05.000Z07:00"
	timeWidth    = len("2006-01-02T15:04:05.000Z")
	prefixWidth  = timeWidth + len(" out ")
	tagStdout    = "out"
	tagStderr    = "err"
	tagMarker    = "---"
	attemptMarks = "attempt %d"
)

var streamTags = [2]string{tagStdout, tagStderr}

// splitter cuts replayed pieces into the combined view's records, as the
// recorder's line counting did while they were written: a record per
// line, lines over 64 KiB in pieces, a partial line ending with its
// stream. emit's line is only valid during the call.
type splitter struct {
	lines [2]*executor.LineWriter
	ms    int64
	emit  func(ms int64, tag string, line []byte)
}

func newSplitter(emit func(ms int64, tag string, line []byte)) *splitter {
	s := &splitter{emit: emit}
	for i, tag := range streamTags {
		s.lines[i] = executor.NewLineWriter(0, func(line []byte) { s.emit(s.ms, tag, line) })
	}
	return s
}

// piece feeds one replayed piece.
func (s *splitter) piece(p Piece) {
	s.ms = p.Time.UnixMilli()
	i := streamIndex(p.Stream)
	switch {
	case p.Attempt > 0:
		s.emit(s.ms, tagMarker, fmt.Appendf(nil, attemptMarks, p.Attempt))
	case p.Closed:
		_ = s.lines[i].Close()
	default:
		_, _ = s.lines[i].Write(p.Data)
	}
}

func streamIndex(name string) int {
	if name == "stderr" {
		return 1
	}
	return 0
}

// RecordWriter writes replayed pieces as the combined log's records
// ("TIME TAG TEXT" lines, see the package doc): what `runjob logs
// --timestamps` prints. Call Flush at the end.
type RecordWriter struct {
	w       *bufio.Writer
	s       *splitter
	err     error
	stamp   []byte
	stampMs int64
	scratch []byte
}

// NewRecordWriter returns a RecordWriter writing to w.
func NewRecordWriter(w io.Writer) *RecordWriter {
	rw := &RecordWriter{w: bufio.NewWriterSize(w, readChunk), stampMs: -1 << 62}
	rw.s = newSplitter(rw.record)
	return rw
}

// Piece adds one piece (pass it as ReplayLog's function).
func (rw *RecordWriter) Piece(p Piece) error {
	rw.s.piece(p)
	return rw.err
}

// Flush writes what is buffered; a follower calls it whenever it has
// caught up.
func (rw *RecordWriter) Flush() error {
	if err := rw.w.Flush(); rw.err == nil {
		rw.err = err
	}
	return rw.err
}

func (rw *RecordWriter) record(ms int64, tag string, line []byte) {
	// Formatting the time would dominate the cost of a record: it is
	// reused while the millisecond holds.
	if ms != rw.stampMs {
		rw.stamp, rw.stampMs = time.UnixMilli(ms).UTC().AppendFormat(rw.stamp[:0], recordTime), ms
	}
	b := append(rw.scratch[:0], rw.stamp...)
	b = append(b, ' ')
	b = append(b, tag...)
	b = append(b, ' ')
	b = append(b, line...)
	b = append(b, '\n')
	rw.scratch = b[:0]
	if _, err := rw.w.Write(b); err != nil && rw.err == nil {
		rw.err = err
	}
}
