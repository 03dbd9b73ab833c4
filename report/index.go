package report

import (
	"encoding/binary"
	"errors"
)

// The index (logs/<name>.idx) says in which order, and when, a step's
// output reached the two stream files, so the interleaved, timestamped
// view is derived from them instead of being stored a second time. It is
// a header line, then entries of a kind byte and varints:
//
//	'o' | 'e'   Δms n        n bytes appended to .stdout | .stderr
//	'O' | 'E'   Δms          stdout | stderr closed (a partial line ends)
//	'a'         Δms attempt  the step's container started again
//	'z'         Δms          the step is finished: nothing more will come
//
// Δms is a zigzag varint: the entry's Unix millisecond minus the previous
// entry's (0 before the first), so a clock stepping back costs nothing.
// Consecutive writes to one stream within one millisecond share an entry:
// they would share a timestamp and cannot interleave with the other
// stream, so the derived view is the same.
const (
	indexHeader = "runjob-log-index 1\n"
	idxStdout   = 'o'
	idxStderr   = 'e'
	idxCloseOut = 'O'
	idxCloseErr = 'E'
	idxAttempt  = 'a'
	idxEnd      = 'z'
)

// errIndex is a malformed index.
var errIndex = errors.New("malformed log index")

// entry is one decoded index entry.
type entry struct {
	kind byte
	ms   int64 // Unix milliseconds
	n    int64 // bytes written, or the attempt number
}

// stream is the stream an output or close entry is about (0 stdout, 1 stderr).
func (e entry) stream() int {
	if e.kind == idxStderr || e.kind == idxCloseErr {
		return 1
	}
	return 0
}

func (e entry) output() bool { return e.kind == idxStdout || e.kind == idxStderr }
func (e entry) close() bool  { return e.kind == idxCloseOut || e.kind == idxCloseErr }

// appendEntry encodes e after an entry at prevMs.
func appendEntry(b []byte, e entry, prevMs int64) []byte {
	b = append(b, e.kind)
	b = binary.AppendVarint(b, e.ms-prevMs)
	if e.output() || e.kind == idxAttempt {
		b = binary.AppendUvarint(b, uint64(e.n))
	}
	return b
}

// decodeEntry decodes the entry at the start of b, which follows an entry
// at prevMs. ok is false when b holds only part of an entry (a reader
// racing the writer): read more and try again.
func decodeEntry(b []byte, prevMs int64) (e entry, size int, ok bool, err error) {
	if len(b) == 0 {
		return entry{}, 0, false, nil
	}
	e.kind = b[0]
	switch e.kind {
	case idxStdout, idxStderr, idxCloseOut, idxCloseErr, idxAttempt, idxEnd:
	default:
		return entry{}, 0, false, errIndex
	}
	d, k := binary.Varint(b[1:])
	if k <= 0 {
		return entry{}, 0, false, partial(k)
	}
	e.ms, size = prevMs+d, 1+k
	if e.output() || e.kind == idxAttempt {
		n, k := binary.Uvarint(b[size:])
		if k <= 0 {
			return entry{}, 0, false, partial(k)
		}
		e.n, size = int64(n), size+k
	}
	return e, size, true, nil
}

// partial turns a varint decoder's failure into "need more bytes" (0) or
// an error (an overflow).
func partial(k int) error {
	if k < 0 {
		return errIndex
	}
	return nil
}
