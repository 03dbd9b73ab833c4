package mask

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestWriterMasksEachWriteWhole(t *testing.T) {
	var b bytes.Buffer
	w := NewWithReplacement("(sensitive)", "hunter22").Writer(&b)
	in := []byte("pass hunter22 and hunter22\n")
	n, err := w.Write(in)
	if err != nil || n != len(in) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(in))
	}
	if got, want := b.String(), "pass (sensitive) and (sensitive)\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if string(in) != "pass hunter22 and hunter22\n" {
		t.Fatalf("the input was changed: %q", in)
	}
}

func TestWriterUnwrapsToTheWriterUnderneath(t *testing.T) {
	var b bytes.Buffer
	u, ok := New("hunter22").Writer(&b).(interface{ Unwrap() io.Writer })
	if !ok || u.Unwrap() != &b {
		t.Fatalf("Unwrap = %v, %v; want the buffer", u, ok)
	}
}

func TestWriterNilMaskerPassesThrough(t *testing.T) {
	var b bytes.Buffer
	var m *Masker
	if _, err := m.Writer(&b).Write([]byte("hunter22")); err != nil || b.String() != "hunter22" {
		t.Fatalf("got %q, %v", b.String(), err)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterReportsErrors(t *testing.T) {
	n, err := New("hunter22").Writer(failing{}).Write([]byte("x hunter22"))
	if n != 0 || err == nil || err.Error() != "disk full" {
		t.Fatalf("Write = %d, %v; want 0, disk full", n, err)
	}
}
