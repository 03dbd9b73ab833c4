package report

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/runjob/runjob/executor"
)

const (
	rawBufSize = 32 << 10
	fileMode   = 0o644
	// indexFlush is how much encoded index waits in memory at most.
	indexFlush = 4 << 10
	// flushEvery bounds how long recorded output waits in buffers, so
	// `runjob logs -f` sees a quiet step's last line soon after it was
	// printed.
	flushEvery = 200 * time.Millisecond
)

// Extensions of a step's files under logs/.
const (
	extStdout = ".stdout"
	extStderr = ".stderr"
	extIndex  = ".idx"
)

var outputKinds = [2]byte{idxStdout, idxStderr}

// stepLog holds one step's files while its container runs: the two
// streams, byte for byte, and the index that orders them in time. The
// step's stdout and stderr writers share it, under mu. Write errors are
// kept, not returned: a full disk must not fail the step whose output is
// being recorded.
type stepLog struct {
	mu      sync.Mutex
	clock   func() time.Time
	index   string // the index file's path, once opened
	files   []*os.File
	raw     [2]*bufio.Writer
	lines   [2]*executor.LineWriter // count records; the text is derived later
	bytes   [2]int64
	records int64
	open    int
	gen     int // counts containers; writers of an earlier one are inert
	err     error
	idx     []byte // encoded entries not yet in the file
	pending entry  // the write entry still growing (kind 0: none)
	lastMs  int64  // the time of the last encoded entry
	timer   *time.Timer
	armed   bool
	ended   bool
}

// openFiles (re)opens the step's files for one container run. attempt > 1
// appends to what earlier attempts wrote, after a marker entry.
func (l *stepLog) openFiles(dir, base string, attempt int) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if attempt > 1 {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	l.files = l.files[:0]
	for _, ext := range []string{extStdout, extStderr, extIndex} {
		f, err := os.OpenFile(filepath.Join(dir, base+ext), flag, fileMode)
		if err != nil {
			l.closeFiles()
			return fmt.Errorf("open step log: %w", err)
		}
		l.files = append(l.files, f)
	}
	l.index = l.files[2].Name()
	l.raw[0] = bufio.NewWriterSize(l.files[0], rawBufSize)
	l.raw[1] = bufio.NewWriterSize(l.files[1], rawBufSize)
	for i := range l.lines {
		l.lines[i] = executor.NewLineWriter(0, func([]byte) { l.records++ })
	}
	l.open = 2
	l.gen++
	if attempt == 1 {
		l.idx = append(l.idx[:0], indexHeader...)
	} else {
		l.note(entry{kind: idxAttempt, ms: l.clock().UnixMilli(), n: int64(attempt)})
	}
	return nil
}

// note adds an entry to the index, merging a write into the one before it
// when they share stream and millisecond. Called with mu held.
func (l *stepLog) note(e entry) {
	if p := &l.pending; e.output() && p.kind == e.kind && p.ms == e.ms {
		p.n += e.n
		return
	}
	l.encodePending()
	if e.output() {
		l.pending = e
		return
	}
	l.idx = appendEntry(l.idx, e, l.lastMs)
	l.lastMs = e.ms
}

func (l *stepLog) encodePending() {
	if l.pending.kind != 0 {
		l.idx = appendEntry(l.idx, l.pending, l.lastMs)
		l.lastMs, l.pending = l.pending.ms, entry{}
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
	ms := l.clock().UnixMilli()
	l.bytes[stream] += int64(len(p))
	if _, err := l.raw[stream].Write(p); err != nil {
		l.fail(err)
	}
	_, _ = l.lines[stream].Write(p)
	l.note(entry{kind: outputKinds[stream], ms: ms, n: int64(len(p))})
	if len(l.idx) >= indexFlush {
		l.flush()
	}
	l.arm()
}

// arm makes sure what was just written reaches the files within
// flushEvery, however long the step then stays quiet.
func (l *stepLog) arm() {
	if l.armed {
		return
	}
	l.armed = true
	if l.timer == nil {
		l.timer = time.AfterFunc(flushEvery, l.tick)
		return
	}
	l.timer.Reset(flushEvery)
}

func (l *stepLog) tick() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.armed = false
	if l.open > 0 {
		l.flush()
	}
}

// flush writes the streams, then the index, so an entry a reader finds
// always has its bytes in the stream files. Called with mu held.
func (l *stepLog) flush() {
	l.encodePending()
	for _, w := range l.raw {
		if err := w.Flush(); err != nil {
			l.fail(err)
		}
	}
	if len(l.idx) > 0 && l.err == nil {
		if _, err := l.files[2].Write(l.idx); err != nil {
			l.fail(err)
		}
	}
	l.idx = l.idx[:0]
}
