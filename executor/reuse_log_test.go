package executor

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

type closeBuffer struct{ bytes.Buffer }

func (*closeBuffer) Close() error { return nil }

// The capture keeps lines in the order they ended, masked whole even when
// written in pieces, a last line without its newline, and replays the two
// streams apart.
func TestLogCaptureMasksAndReplays(t *testing.T) {
	c := &logCapture{redact: func(s string) string { return strings.ReplaceAll(s, "s3cret", "***") }}
	var out, errw closeBuffer
	stdout, stderr := c.tee('o', &out), c.tee('e', &errw)
	io.WriteString(stdout, "token s3")
	io.WriteString(stderr, "warn\n")
	io.WriteString(stdout, "cret here\nlast")
	stdout.Close()
	stderr.Close()
	if out.String() != "token s3cret here\nlast" {
		t.Fatalf("the tee changed what passes: %q", out.String())
	}
	log, err := c.result()
	if err != nil || bytes.Contains(log, []byte("s3cret")) {
		t.Fatalf("captured %q, %v", log, err)
	}
	var o, e bytes.Buffer
	if err := replayLog(log, &o, &e); err != nil || o.String() != "token *** here\nlast" || e.String() != "warn\n" {
		t.Fatalf("replayed %q and %q, %v", o.String(), e.String(), err)
	}
	if checkLog(log[:len(log)-1]) == nil || checkLog(append([]byte{'x'}, log...)) == nil {
		t.Error("a damaged log passes the check")
	}
}

func TestLogCaptureBounds(t *testing.T) {
	c := &logCapture{redact: func(s string) string { return s }}
	w := c.tee('o', &closeBuffer{})
	io.WriteString(w, strings.Repeat("x", maxReuseLine+1))
	if _, err := c.result(); err != errLogTooLong {
		t.Errorf("a line over the bound: %v", err)
	}
	c = &logCapture{redact: func(s string) string { return s }}
	w = c.tee('o', &closeBuffer{})
	line := strings.Repeat("y", 1<<20-1) + "\n"
	for range maxReuseLog>>20 + 1 {
		io.WriteString(w, line)
	}
	if _, err := c.result(); err != errLogTooLong {
		t.Errorf("output over the bound: %v", err)
	}
}
