package report

import (
	"bufio"
	"errors"
	"os"
	"sync"

	"github.com/runjob/runjob/executor"
)

// closeStream ends one stream; the files close with the second.
func (l *stepLog) closeStream(gen, stream int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open == 0 || l.gen != gen {
		return
	}
	ms := l.clock().UnixMilli()
	_ = l.lines[stream].Close()
	l.note(entry{kind: [2]byte{idxCloseOut, idxCloseErr}[stream], ms: ms})
	if l.open--; l.open == 0 {
		l.flushClose()
	}
}

// finish ends whatever is still open (a run that ended abnormally) and
// marks the log finished.
func (l *stepLog) finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open > 0 {
		l.endLocked()
	}
	l.endIndex()
}

// endLocked ends both streams' partial lines and closes the files.
// Called with mu held and files open.
func (l *stepLog) endLocked() {
	ms := l.clock().UnixMilli()
	for i, kind := range []byte{idxCloseOut, idxCloseErr} {
		_ = l.lines[i].Close()
		l.note(entry{kind: kind, ms: ms})
	}
	l.open = 0
	l.flushClose()
}

// endIndex appends the entry that tells a follower the step will write
// no more. Called with mu held and files closed.
func (l *stepLog) endIndex() {
	if l.ended || l.index == "" || l.err != nil {
		return
	}
	l.ended = true
	f, err := os.OpenFile(l.index, os.O_WRONLY|os.O_APPEND, fileMode)
	if err != nil {
		l.fail(err)
		return
	}
	_, err = f.Write(appendEntry(nil, entry{kind: idxEnd, ms: l.lastMs}, l.lastMs))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		l.fail(err)
	}
}

// flushClose flushes and closes the files, and lets go of the buffers: a
// finished step keeps only its counters, so memory follows the number of
// running steps, not of steps.
func (l *stepLog) flushClose() {
	if l.timer != nil {
		l.timer.Stop()
		l.armed = false
	}
	if len(l.files) == 3 {
		l.flush()
	}
	l.closeFiles()
	l.raw, l.lines, l.idx = [2]*bufio.Writer{}, [2]*executor.LineWriter{}, nil
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
