package mask

import (
	"bytes"
	"io"
	"slices"
)

// span is a half-open byte range [start, end) to replace.
type span struct{ start, end int }

// find returns the ranges of b covered by any pattern, merged where they
// overlap, in order. Merging means two overlapping secrets become one "***"
// instead of leaking the part where they differ.
func (m *Masker) find(b []byte) []span {
	var spans []span
	for _, p := range m.patterns {
		for off := 0; off <= len(b)-len(p); {
			i := bytes.Index(b[off:], p)
			if i < 0 {
				break
			}
			spans = append(spans, span{off + i, off + i + len(p)})
			off += i + 1
		}
	}
	if len(spans) < 2 {
		return spans
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	merged := spans[:1]
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if s.start < last.end {
			last.end = max(last.end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// replace appends b[:limit] to dst with every span inside it replaced.
func (m *Masker) replace(dst, b []byte, spans []span, limit int) []byte {
	prev := 0
	for _, s := range spans {
		if s.start >= limit {
			break
		}
		dst = append(dst, b[prev:s.start]...)
		dst = append(dst, m.repl...)
		prev = s.end
	}
	return append(dst, b[prev:limit]...)
}

// Stream returns a writer that masks what passes through it to w. When the
// input ends with what could be the beginning of a secret, it holds those
// bytes back (fewer than the longest pattern) until more input shows whether
// a secret is being written; everything else passes at once, so live output
// stays live. Close flushes the rest (and closes nothing else). Not safe for
// concurrent use.
func (m *Masker) Stream(w io.Writer) io.WriteCloser {
	return &stream{m: m, w: w}
}

type stream struct {
	m   *Masker
	w   io.Writer
	buf []byte // input not yet written, unmasked
	out []byte // scratch for the masked bytes
}

// Write masks and forwards everything in buf+p that can no longer be the
// start of a secret. It reports len(p) on success, as writers must.
func (s *stream) Write(p []byte) (int, error) {
	if s.m.Empty() {
		return s.w.Write(p)
	}
	s.buf = append(s.buf, p...)
	spans := s.m.find(s.buf)
	// Everything before cut is final: the tail after it could still be the
	// start of a secret. A match straddling cut waits too, since the secret
	// starting in the tail may overlap it and must be merged with it.
	cut := len(s.buf) - s.m.pending(s.buf)
	for _, sp := range spans {
		if sp.start < cut && sp.end > cut {
			cut = sp.start
		}
	}
	if err := s.flush(spans, cut); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (s *stream) flush(spans []span, cut int) error {
	if cut == 0 {
		return nil
	}
	s.out = s.m.replace(s.out[:0], s.buf, spans, cut)
	// Keep the unflushed tail at the front of buf, reusing its memory.
	s.buf = s.buf[:copy(s.buf, s.buf[cut:])]
	if len(s.out) == 0 {
		return nil
	}
	_, err := s.w.Write(s.out)
	return err
}

// pending returns the length of the longest tail of b that is a proper
// prefix of some pattern: the bytes that must wait for more input.
func (m *Masker) pending(b []byte) int {
	from := max(0, len(b)-(m.maxLen-1))
	for i := from; i < len(b); i++ {
		tail := b[i:]
		for _, p := range m.patterns {
			if len(p) > len(tail) && p[0] == tail[0] && bytes.HasPrefix(p, tail) {
				return len(tail)
			}
		}
	}
	return 0
}

// Close masks and writes whatever is still held back.
func (s *stream) Close() error {
	if s.m.Empty() || len(s.buf) == 0 {
		return nil
	}
	return s.flush(s.m.find(s.buf), len(s.buf))
}
