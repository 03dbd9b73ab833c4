package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

func testGraph(t testing.TB, names ...string) *pipeline.Graph {
	t.Helper()
	p := &pipeline.Pipeline{Name: "p"}
	for _, n := range names {
		p.Steps = append(p.Steps, &pipeline.Step{Name: n, Image: "busybox:latest"})
	}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func finishedResult(runID string, names ...string) *executor.Result {
	now := time.Now()
	res := &executor.Result{RunID: runID, Pipeline: "p", Started: now, Finished: now.Add(time.Second)}
	for _, n := range names {
		res.Steps = append(res.Steps, &executor.StepResult{Name: n, Status: executor.StatusOK, ExitCode: 0, Started: now, Finished: now})
	}
	return res
}

// Twenty steps print 10,000 lines each on both streams, in odd-sized
// chunks, concurrently: every byte lands in the raw files, every line is
// one intact record of the combined log, in order per stream.
func TestRecorderConcurrentSteps(t *testing.T) {
	const steps, lines = 20, 10000
	var names []string
	for i := range steps {
		names = append(names, fmt.Sprintf("step[%d]", i))
	}
	root := t.TempDir()
	rec, err := NewRecorder(root, "run-1", testGraph(t, names...))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2][]byte{}
	var wg sync.WaitGroup
	var closers []io.Closer
	for i, name := range names {
		var out, errb bytes.Buffer
		for n := range lines {
			fmt.Fprintf(&out, "%s out line %d %s\n", name, n, strings.Repeat("x", n%97))
			fmt.Fprintf(&errb, "%s err line %d\n", name, n)
		}
		want[name] = [2][]byte{out.Bytes(), errb.Bytes()}
		stdout, stderr := rec.Open(name)
		for k, w := range []io.Writer{stdout, stderr} {
			data := want[name][k]
			wg.Go(func() {
				for chunk := 1 + i + k*7; len(data) > 0; chunk = chunk*3%4093 + 1 {
					c := min(chunk, len(data))
					if _, err := w.Write(data[:c]); err != nil {
						t.Error(err)
					}
					data = data[c:]
				}
			})
		}
		closers = append(closers, stdout, stderr)
	}
	wg.Wait()
	closeAll(t, closers...)
	rep, err := rec.Finish(finishedResult("run-1", names...))
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		s := rep.Steps[i]
		if s.Log == nil || s.Log.Lines != 2*lines {
			t.Fatalf("%s: log %+v, want %d lines", name, s.Log, 2*lines)
		}
		for k, path := range []string{s.Log.Stdout, s.Log.Stderr} {
			got, err := os.ReadFile(filepath.Join(rep.Dir, path))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want[name][k]) {
				t.Errorf("%s: %s differs from what was written (%d bytes, want %d)", name, path, len(got), len(want[name][k]))
			}
		}
		if s.Log.StdoutBytes != int64(len(want[name][0])) || s.Log.StderrBytes != int64(len(want[name][1])) {
			t.Errorf("%s: byte counts %d/%d, want %d/%d", name, s.Log.StdoutBytes, s.Log.StderrBytes, len(want[name][0]), len(want[name][1]))
		}
		tail, err := rep.ReadLogTail(&rep.Steps[i], 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		next := map[string]int{}
		for _, l := range tail.Lines {
			var n int
			tag := map[string]string{"stdout": "out", "stderr": "err"}[l.Stream]
			if _, err := fmt.Sscanf(l.Text, name+" "+tag+" line %d", &n); err != nil || n != next[l.Stream] {
				t.Fatalf("%s: record %q: want %s line %d (%v)", name, l.Text, l.Stream, next[l.Stream], err)
			}
			next[l.Stream]++
		}
	}
}

// Raw files keep bytes exactly (no newline at the end, binary, CR, a line
// longer than the split bound); the combined log gets one record per line,
// long lines split.
func TestRecorderExactBytes(t *testing.T) {
	long := strings.Repeat("y", executor.DefaultMaxLine+10)
	stdout := "plain\r\nbin\x00\xff\xfe\n" + long + "\nno newline at end"
	root := t.TempDir()
	rec, err := NewRecorder(root, "run-2", testGraph(t, "a/b"))
	if err != nil {
		t.Fatal(err)
	}
	o, e := rec.Open("a/b")
	_, _ = o.Write([]byte(stdout))
	closeAll(t, o, e)
	rep, err := rec.Finish(finishedResult("run-2", "a/b"))
	if err != nil {
		t.Fatal(err)
	}
	s := &rep.Steps[0]
	if s.Log.Index != "logs/a%2Fb.idx" || s.Log.Stdout != "logs/a%2Fb.stdout" {
		t.Errorf("log index %q, stdout %q, want logs/a%%2Fb.idx and .stdout", s.Log.Index, s.Log.Stdout)
	}
	got, _ := os.ReadFile(filepath.Join(rep.Dir, s.Log.Stdout))
	if string(got) != stdout {
		t.Errorf("raw stdout differs: %d bytes, want %d", len(got), len(stdout))
	}
	if fi, err := os.Stat(filepath.Join(rep.Dir, s.Log.Stderr)); err != nil || fi.Size() != 0 {
		t.Errorf("raw stderr: want an empty file, got %v %v", fi, err)
	}
	tail, _ := rep.ReadLogTail(s, 1<<30)
	var texts []string
	for _, l := range tail.Lines {
		texts = append(texts, l.Text)
	}
	want := []string{"plain\r", "bin\x00\xff\xfe", long[:executor.DefaultMaxLine], long[executor.DefaultMaxLine:], "no newline at end"}
	if fmt.Sprintf("%q", texts) != fmt.Sprintf("%q", want) || s.Log.Lines != int64(len(want)) {
		t.Errorf("records %.200q (count %d), want %.200q", texts, s.Log.Lines, want)
	}
}

// A second container for the same step (a retry) appends after a marker.
func TestRecorderRetryAppends(t *testing.T) {
	rec, err := NewRecorder(t.TempDir(), "run-3", testGraph(t, "s"))
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 1; attempt <= 2; attempt++ {
		o, e := rec.Open("s")
		fmt.Fprintf(o, "attempt %d says hi\n", attempt)
		closeAll(t, o, e)
	}
	rep, err := rec.Finish(finishedResult("run-3", "s"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(rep.Dir, rep.Steps[0].Log.Stdout))
	if string(raw) != "attempt 1 says hi\nattempt 2 says hi\n" {
		t.Errorf("raw stdout %q", raw)
	}
	tail, _ := rep.ReadLogTail(&rep.Steps[0], 1<<20)
	if len(tail.Lines) != 3 || tail.Lines[1].Stream != "" || tail.Lines[1].Text != "attempt 2" {
		t.Errorf("records %+v, want output, an attempt 2 marker, output", tail.Lines)
	}
	if rep.Steps[0].Log.Lines != 2 {
		t.Errorf("lines = %d, want 2 (markers are not output)", rep.Steps[0].Log.Lines)
	}
}

// Finish writes report.json, report.html and latest; latest never moves
// back to an older run; a run directory is never reused.
func TestRecorderFinishFiles(t *testing.T) {
	root := t.TempDir()
	for _, id := range []string{"20260102-000000-bbbbbb", "20260101-000000-aaaaaa"} {
		rec, err := NewRecorder(root, id, testGraph(t, "s"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rec.Finish(finishedResult(id, "s")); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{JSONFile, HTMLFile} {
			if _, err := os.Stat(filepath.Join(root, id, f)); err != nil {
				t.Error(err)
			}
		}
	}
	if target, err := os.Readlink(filepath.Join(root, LatestLink)); err != nil || target != "20260102-000000-bbbbbb" {
		t.Errorf("latest -> %q (%v), want the newer run", target, err)
	}
	rep, err := ReadFile(filepath.Join(root, LatestLink, JSONFile))
	if err != nil || rep.RunID != "20260102-000000-bbbbbb" {
		t.Errorf("read latest/report.json: %v %+v", err, rep)
	}
	if _, err := NewRecorder(root, "20260101-000000-aaaaaa", nil); err == nil {
		t.Error("NewRecorder reused an existing run directory")
	}
	for _, bad := range []string{"", "..", "a/b", LatestLink} {
		if _, err := NewRecorder(root, bad, nil); err == nil {
			t.Errorf("NewRecorder accepted run ID %q", bad)
		}
	}
}

// A log file that cannot be created costs the record, never the step: the
// writers still accept everything, and Finish reports the problem.
func TestRecorderOpenFailure(t *testing.T) {
	rec, err := NewRecorder(t.TempDir(), "run-4", testGraph(t, "s"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(rec.Dir(), "logs")); err != nil {
		t.Fatal(err)
	}
	o, e := rec.Open("s")
	if n, err := o.Write([]byte("lost\n")); n != 5 || err != nil {
		t.Errorf("Write = %d, %v; want 5, nil", n, err)
	}
	closeAll(t, o, e)
	rep, err := rec.Finish(finishedResult("run-4", "s"))
	if err == nil || !strings.Contains(err.Error(), `step "s"`) {
		t.Errorf("Finish error %v, want one naming step \"s\"", err)
	}
	if rep == nil || rep.Steps[0].Status != "ok" {
		t.Errorf("Finish must still return the report, got %+v", rep)
	}
}

// Writers of an earlier container that were never closed cannot write
// into, or close, the files of the next one.
func TestRecorderStaleWriters(t *testing.T) {
	rec, err := NewRecorder(t.TempDir(), "run-5", testGraph(t, "s"))
	if err != nil {
		t.Fatal(err)
	}
	o1, e1 := rec.Open("s")
	fmt.Fprintln(o1, "first")
	o2, e2 := rec.Open("s")
	fmt.Fprintln(o1, "stale")
	closeAll(t, o1, e1)
	fmt.Fprintln(o2, "second")
	closeAll(t, o2, e2)
	rep, err := rec.Finish(finishedResult("run-5", "s"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(rep.Dir, rep.Steps[0].Log.Stdout))
	if string(raw) != "first\nsecond\n" {
		t.Errorf("raw stdout %q, want first and second only", raw)
	}
}
