package mask

import "io"

// Writer returns a writer that masks each write to w on its own, for
// writers that receive complete messages (a log event, a rendered view):
// unlike Stream it holds nothing back, so it needs no Close, but a secret
// split across two writes passes unmasked. The writer's Unwrap method
// returns w, so terminal detection can see the file underneath. It is safe
// for concurrent use when w is.
func (m *Masker) Writer(w io.Writer) io.Writer { return wholeWriter{w: w, m: m} }

type wholeWriter struct {
	w io.Writer
	m *Masker
}

// Write reports len(p) on success, not the masked length, as writers must.
func (w wholeWriter) Write(p []byte) (int, error) {
	if _, err := w.w.Write(w.m.Bytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap returns the writer underneath.
func (w wholeWriter) Unwrap() io.Writer { return w.w }
