package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
)

// Replaying a record gives back each stream byte for byte and the order
// of the writes across streams; an index merges writes only within a
// millisecond, so it stays small against the output.
func TestReplayExactAndOrdered(t *testing.T) {
	ms := int64(0)
	clock := func() time.Time { ms++; return time.UnixMilli(1767366245000 + ms/3) }
	rec, err := NewRecorder(t.TempDir(), "run-r", testGraph(t, "s"), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	o, e := rec.Open("s")
	var want [2]bytes.Buffer
	var order []string
	for i := range 3000 {
		w, k := o, 0
		if i%7 == 3 {
			w, k = e, 1
		}
		chunk := fmt.Sprintf("%d:%s", i, strings.Repeat("z", i%50))
		if i%5 != 0 {
			chunk += "\n"
		}
		_, _ = w.Write([]byte(chunk))
		want[k].WriteString(chunk)
		order = append(order, fmt.Sprint(k))
	}
	closeAll(t, o, e)
	rep, err := rec.Finish(finishedResult("run-r", "s"))
	if err != nil {
		t.Fatal(err)
	}
	var got [2]bytes.Buffer
	var gotOrder []string
	err = ReplayLog(context.Background(), rep.Dir, rep.Steps[0].Log, ReplayOptions{}, func(p Piece) error {
		if len(p.Data) > 0 {
			k := streamIndex(p.Stream)
			got[k].Write(p.Data)
			if n := len(gotOrder); n == 0 || gotOrder[n-1] != fmt.Sprint(k) {
				gotOrder = append(gotOrder, fmt.Sprint(k))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k := range got {
		if !bytes.Equal(got[k].Bytes(), want[k].Bytes()) {
			t.Errorf("stream %d: replay differs (%d bytes, want %d)", k, got[k].Len(), want[k].Len())
		}
	}
	if squeeze(order) != strings.Join(gotOrder, "") {
		t.Errorf("stream order differs:\n got %.80s\nwant %.80s", strings.Join(gotOrder, ""), squeeze(order))
	}
	st, _ := os.Stat(filepath.Join(rep.Dir, rep.Steps[0].Log.Index))
	if out := want[0].Len() + want[1].Len(); st.Size() > int64(out)/4 {
		t.Errorf("index of %d bytes for %d bytes of output", st.Size(), out)
	}
}

// squeeze drops repeats: consecutive writes to one stream read back as
// one run.
func squeeze(s []string) string {
	var b strings.Builder
	for i, x := range s {
		if i == 0 || s[i-1] != x {
			b.WriteString(x)
		}
	}
	return b.String()
}

// A follower gets lines while they are written, within the flush bound,
// and ends when the step is finished.
func TestReplayFollowLive(t *testing.T) {
	rec, err := NewRecorder(t.TempDir(), "run-f", testGraph(t, "s"))
	if err != nil {
		t.Fatal(err)
	}
	o, e := rec.Open("s")
	l := &Log{Index: "logs/s.idx", Stdout: "logs/s.stdout", Stderr: "logs/s.stderr"}
	got := make(chan string, 100)
	done := make(chan error, 1)
	go func() {
		done <- ReplayLog(context.Background(), rec.Dir(), l, ReplayOptions{Follow: true, Poll: 10 * time.Millisecond},
			func(p Piece) error {
				if len(p.Data) > 0 {
					got <- string(p.Data)
				}
				return nil
			})
	}()
	for i := range 3 {
		line := fmt.Sprintf("line %d\n", i)
		_, _ = o.Write([]byte(line))
		select {
		case g := <-got:
			if g != line {
				t.Fatalf("follower got %q, want %q", g, line)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("line %d did not reach the follower while the step ran", i)
		}
	}
	closeAll(t, o, e)
	select {
	case err := <-done:
		t.Fatalf("follower ended before the step finished: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	rec.Event(executorFinished("s"))
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("follower did not end when the step finished")
	}
	if _, err := rec.Finish(finishedResult("run-f", "s")); err != nil {
		t.Fatal(err)
	}
}

// The tail of a large log reads only its end, and starts at a whole line.
func TestReadLogTailLarge(t *testing.T) {
	rec, err := NewRecorder(t.TempDir(), "run-t", testGraph(t, "s"))
	if err != nil {
		t.Fatal(err)
	}
	o, e := rec.Open("s")
	for i := range 200000 {
		fmt.Fprintf(o, "line %d of the big log\n", i)
		if i%1000 == 0 {
			fmt.Fprintf(e, "progress %d\n", i)
		}
	}
	closeAll(t, o, e)
	rep, err := rec.Finish(finishedResult("run-t", "s"))
	if err != nil {
		t.Fatal(err)
	}
	tail, err := rep.ReadLogTail(&rep.Steps[0], 4096)
	if err != nil {
		t.Fatal(err)
	}
	if !tail.Truncated || len(tail.Lines) == 0 || tail.Size != rep.Steps[0].Log.StdoutBytes+rep.Steps[0].Log.StderrBytes {
		t.Fatalf("tail: truncated %v, %d lines, size %d", tail.Truncated, len(tail.Lines), tail.Size)
	}
	var size int
	for _, l := range tail.Lines {
		size += prefixWidth + len(l.Text) + 1
		if !strings.HasPrefix(l.Text, "line ") && !strings.HasPrefix(l.Text, "progress ") {
			t.Errorf("cut record %q", l.Text)
		}
	}
	if last := tail.Lines[len(tail.Lines)-1].Text; last != "line 199999 of the big log" || size > 4096 {
		t.Errorf("last %q, %d bytes", last, size)
	}
}

func executorFinished(step string) executor.Event {
	return executor.Event{Kind: executor.EventStepFinished, Step: step}
}
