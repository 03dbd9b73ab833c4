package console

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a writer that counts its Write calls and can share one log
// between two streams, as 2>&1 does.
type recorder struct {
	mu     sync.Mutex
	log    *bytes.Buffer
	writes int
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes++
	return r.log.Write(p)
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log.String()
}

// Lines interleaved between stdout and stderr reach a shared destination in
// the order they were written, and lines of one stream are coalesced.
func TestBatcherKeepsOrderAcrossStreams(t *testing.T) {
	shared := &bytes.Buffer{}
	out, errw := &recorder{log: shared}, &recorder{log: shared}
	bout, berr, flush := newBatcher(out, errw)
	var want strings.Builder
	for i := range 100 {
		w, tag := bout, "out"
		if i%10 == 9 {
			w, tag = berr, "err"
		}
		line := tag + " " + strings.Repeat("x", i) + "\n"
		_, _ = w.Write([]byte(line))
		want.WriteString(line)
	}
	flush()
	if got := out.String(); got != want.String() {
		t.Fatalf("order lost:\n%s", got)
	}
	if out.writes > 10+1 {
		t.Errorf("stdout got %d writes for 10 runs of 9 lines, want one per run", out.writes)
	}
}

// A lone line is written by the timer without a flush: a quiet step's
// output shows up on its own. The deadline only keeps a bug from hanging.
func TestBatcherWritesALoneLineSoon(t *testing.T) {
	out := &recorder{log: &bytes.Buffer{}}
	bout, _, flush := newBatcher(out, &recorder{log: &bytes.Buffer{}})
	defer flush()
	_, _ = bout.Write([]byte("hello\n"))
	for deadline := time.Now().Add(time.Minute); out.String() == ""; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a lone line was never written")
		}
	}
	if got := out.String(); got != "hello\n" {
		t.Fatalf("got %q", got)
	}
}

// Large output goes out in blocks of about batchSize, never held whole.
func TestBatcherWritesFullBlocks(t *testing.T) {
	out := &recorder{log: &bytes.Buffer{}}
	bout, _, flush := newBatcher(out, &recorder{log: &bytes.Buffer{}})
	line := []byte(strings.Repeat("y", 99) + "\n")
	for range 10000 {
		_, _ = bout.Write(line)
	}
	out.mu.Lock()
	before := out.writes // the timer may be writing too
	out.mu.Unlock()
	flush()
	if got := out.log.Len(); got != 10000*len(line) {
		t.Fatalf("wrote %d bytes, want %d", got, 10000*len(line))
	}
	if want := 10000 * len(line) / batchSize; before < want {
		t.Errorf("%d block writes before the flush, want at least %d", before, want)
	}
}
