package report

import (
	"time"
)

// readTail derives the tail of a schema 2 log: one pass over the index
// for the output's size, then a replay of only its last maxBytes.
func readTail(runDir string, l *Log, maxBytes int64) (LogTail, error) {
	total, err := indexedBytes(runDir, l)
	if err != nil {
		return LogTail{}, err
	}
	r, err := openLog(runDir, l)
	if err != nil {
		return LogTail{}, err
	}
	defer r.close()
	t := &tailer{from: max(0, total-maxBytes)}
	t.s = newSplitter(t.record)
	var pos int64 // output bytes before the entry, both streams
	for {
		e, off, ok, err := r.next()
		if err != nil {
			return LogTail{}, err
		}
		if !ok || e.kind == idxEnd {
			break
		}
		if err := t.entry(r, e, off, pos); err != nil {
			return LogTail{}, err
		}
		if e.output() {
			pos += e.n
		}
	}
	t.s.piece(Piece{Stream: "stdout", Closed: true, Time: time.UnixMilli(t.s.ms)})
	t.s.piece(Piece{Stream: "stderr", Closed: true, Time: time.UnixMilli(t.s.ms)})
	return t.result(maxBytes, total), nil
}

// indexedBytes is the output the index accounts for.
func indexedBytes(runDir string, l *Log) (int64, error) {
	r, err := openLog(runDir, l)
	if err != nil {
		return 0, err
	}
	defer r.close()
	var n int64
	for {
		e, _, ok, err := r.next()
		if err != nil || !ok || e.kind == idxEnd {
			return n, err
		}
		if e.output() {
			n += e.n
		}
	}
}

// tailer collects the records of the replayed window.
type tailer struct {
	from    int64 // the window's first output byte, counting both streams
	s       *splitter
	started [2]bool // the stream has output in the window
	skip    [2]bool // its first record in the window is cut at its start
	closed  [2]bool // the stream's last entry before the window ended it
	lines   []LogLine
	size    int64 // of lines, as combined log records
}

func (t *tailer) entry(r *logReader, e entry, off, pos int64) error {
	i := e.stream()
	if !e.output() {
		if pos >= t.from {
			t.s.piece(pieceOf(e))
		} else if e.close() {
			t.closed[i] = true
		}
		return nil
	}
	end := pos + e.n
	if end <= t.from {
		t.closed[i] = false
		return nil
	}
	start := max(pos, t.from)
	off += start - pos
	if !t.started[i] {
		t.started[i] = true
		cut, err := t.cutAt(r, i, off, start > pos || !t.closed[i])
		if err != nil {
			return err
		}
		t.skip[i] = cut
	}
	p := Piece{Time: time.UnixMilli(e.ms), Stream: streamNames[i]}
	return r.data(i, off, end-start, func(b []byte) error {
		p.Data = b
		t.s.piece(p)
		return nil
	})
}

// cutAt says whether the stream's window, starting at off, starts inside
// a record: mid-entry or after a stream that did not end, unless the byte
// before it is a newline.
func (t *tailer) cutAt(r *logReader, stream int, off int64, maybe bool) (bool, error) {
	if off == 0 || !maybe {
		return false, nil
	}
	var prev []byte
	err := r.data(stream, off-1, 1, func(b []byte) error { prev = append(prev, b...); return nil })
	return err == nil && prev[0] != '\n', err
}

func pieceOf(e entry) Piece {
	p := Piece{Time: time.UnixMilli(e.ms), Stream: streamNames[e.stream()]}
	if e.kind == idxAttempt {
		p.Stream, p.Attempt = "", int(e.n)
	}
	p.Closed = e.close()
	return p
}

func (t *tailer) record(ms int64, tag string, line []byte) {
	ll := LogLine{Time: time.UnixMilli(ms).UTC(), Text: string(line)}
	switch tag {
	case tagStdout:
		ll.Stream = "stdout"
	case tagStderr:
		ll.Stream = "stderr"
	}
	if i := streamIndex(ll.Stream); ll.Stream != "" && t.skip[i] {
		t.skip[i] = false
		return
	}
	t.lines = append(t.lines, ll)
	t.size += int64(prefixWidth + len(line) + 1)
}

// result drops the oldest records until the rest fit in maxBytes.
func (t *tailer) result(maxBytes, total int64) LogTail {
	tail := LogTail{Size: total, Truncated: t.from > 0}
	lines := t.lines
	for len(lines) > 0 && t.size > maxBytes {
		t.size -= int64(prefixWidth + len(lines[0].Text) + 1)
		lines, tail.Truncated = lines[1:], true
	}
	if len(lines) > 0 {
		tail.Lines = lines
	}
	return tail
}
