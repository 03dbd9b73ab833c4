package main

import (
	"io"

	"github.com/runjob/runjob/mask"
)

// maskWriter masks each write whole: for writers that receive complete
// messages (log events, the summary), where nothing is split across writes.
type maskWriter struct {
	w io.Writer
	m *mask.Masker
}

func (w maskWriter) Write(p []byte) (int, error) {
	if _, err := w.w.Write(w.m.Bytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap lets terminal detection see the writer underneath.
func (w maskWriter) Unwrap() io.Writer { return w.w }
