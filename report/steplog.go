package report

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/runjob/runjob/executor"
)

// Log record layout: "2006-01-02T15:04:05.000Z out text", fixed-width up
// to the text, so `cut -c30-` strips the prefix.
const (
	recordTime   = "2006-01-02T15:04:05.000Z07:00"
	timeWidth    = len("2006-01-02T15:04:05.000Z")
	prefixWidth  = timeWidth + len(" out ")
	tagStdout    = "out"
	tagStderr    = "err"
	tagMarker    = "---"
	logBufSize   = 32 << 10
	rawBufSize   = 16 << 10
	fileMode     = 0o644
	attemptMarks = "attempt %d"
)

// stepLog holds one step's three log files while its container runs. The
// step's stdout and stderr writers share it, under mu, so records from the
// two streams never mix within a line. Write errors are kept, not returned:
// a full disk must not fail the step whose output is being recorded.
type stepLog struct {
	mu       sync.Mutex
	clock    func() time.Time
	files    []*os.File
	combined *bufio.Writer
	raw      [2]*bufio.Writer
	lines    [2]*executor.LineWriter
	bytes    [2]int64
	records  int64
	open     int
	gen      int // counts containers; writers of an earlier one are inert
	err      error
	scratch  []byte
	now      time.Time // when the data being recorded arrived
	stamp    []byte    // the last record's formatted time
	stampMs  int64     // and its Unix millisecond
}

// open (re)opens the step's files for one container run. attempt > 1
// appends to what earlier attempts wrote, after a marker record.
func (l *stepLog) openFiles(dir, base string, attempt int) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if attempt > 1 {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	l.files = l.files[:0]
	for _, ext := range []string{".log", ".stdout", ".stderr"} {
		f, err := os.OpenFile(filepath.Join(dir, base+ext), flag, fileMode)
		if err != nil {
			l.closeFiles()
			return fmt.Errorf("open step log: %w", err)
		}
		l.files = append(l.files, f)
	}
	l.combined = bufio.NewWriterSize(l.files[0], logBufSize)
	l.raw[0] = bufio.NewWriterSize(l.files[1], rawBufSize)
	l.raw[1] = bufio.NewWriterSize(l.files[2], rawBufSize)
	for i, tag := range []string{tagStdout, tagStderr} {
		l.lines[i] = executor.NewLineWriter(0, func(line []byte) { l.record(tag, line) })
	}
	l.open = 2
	l.gen++
	if attempt > 1 {
		l.now = l.clock()
		l.record(tagMarker, fmt.Appendf(nil, attemptMarks, attempt))
		l.records-- // a marker is not output
	}
	return nil
}

// record appends one record to the combined log. Called with mu held.
func (l *stepLog) record(tag string, line []byte) {
	// Reading the clock and formatting it would dominate the cost of a
	// record: the lines of one write share the time it arrived, and the
	// stamp is reused while the millisecond holds.
	if ms := l.now.UnixMilli(); ms != l.stampMs || len(l.stamp) == 0 {
		l.stamp, l.stampMs = l.now.UTC().AppendFormat(l.stamp[:0], recordTime), ms
	}
	b := append(l.scratch[:0], l.stamp...)
	b = append(b, ' ')
	b = append(b, tag...)
	b = append(b, ' ')
	b = append(b, line...)
	b = append(b, '\n')
	l.scratch = b[:0]
	l.records++
	if _, err := l.combined.Write(b); err != nil {
		l.fail(err)
	}
}

func (l *stepLog) fail(err error) {
	if l.err == nil {
		l.err = err
	}
}

func (l *stepLog) write(gen, stream int, p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open == 0 || l.gen != gen || l.err != nil {
		return
	}
	l.now = l.clock()
	l.bytes[stream] += int64(len(p))
	if _, err := l.raw[stream].Write(p); err != nil {
		l.fail(err)
	}
	_, _ = l.lines[stream].Write(p)
}

// closeStream ends one stream; the files close with the second.
func (l *stepLog) closeStream(gen, stream int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open == 0 || l.gen != gen {
		return
	}
	l.now = l.clock()
	_ = l.lines[stream].Close()
	if l.open--; l.open == 0 {
		l.flushClose()
	}
}

// forceClose ends whatever is still open (a run that ended abnormally).
func (l *stepLog) forceClose() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open > 0 {
		l.endLocked()
	}
}

// endLocked delivers both streams' partial lines and closes the files.
// Called with mu held and files open.
func (l *stepLog) endLocked() {
	l.now = l.clock()
	_ = l.lines[0].Close()
	_ = l.lines[1].Close()
	l.open = 0
	l.flushClose()
}

// flushClose flushes and closes the files, and lets go of the buffers: a
// finished step keeps only its counters, so memory follows the number of
// running steps, not of steps.
func (l *stepLog) flushClose() {
	for _, w := range []*bufio.Writer{l.combined, l.raw[0], l.raw[1]} {
		if w == nil {
			continue
		}
		if err := w.Flush(); err != nil {
			l.fail(err)
		}
	}
	l.closeFiles()
	l.combined, l.raw, l.lines, l.scratch = nil, [2]*bufio.Writer{}, [2]*executor.LineWriter{}, nil
}

func (l *stepLog) closeFiles() {
	for _, f := range l.files {
		if err := f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			l.fail(err)
		}
	}
	l.files = l.files[:0]
}

// streamWriter is the io.WriteCloser the executor gets for one stream.
type streamWriter struct {
	l           *stepLog
	gen, stream int
	once        sync.Once
}

// Write never fails: see stepLog.
func (w *streamWriter) Write(p []byte) (int, error) {
	w.l.write(w.gen, w.stream, p)
	return len(p), nil
}

func (w *streamWriter) Close() error {
	w.once.Do(func() { w.l.closeStream(w.gen, w.stream) })
	return nil
}
