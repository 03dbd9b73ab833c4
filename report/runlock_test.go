package report

import (
	"errors"
	"os"
	"testing"
)

// run.lock is held from NewRecorder to Finish, names the steps' logs,
// and is gone afterwards; a lock nobody holds (a run that died) reads as
// not held.
func TestRunLock(t *testing.T) {
	rec, err := NewRecorder(t.TempDir(), "run-l", testGraph(t, "a/b"))
	if err != nil {
		t.Fatal(err)
	}
	lock, held, err := ReadRunLock(rec.Dir())
	if err != nil || !held || !Running(rec.Dir()) {
		t.Fatalf("lock %+v held %v: %v", lock, held, err)
	}
	if l := lock.StepLog("a/b"); l == nil || l.Index != "logs/a%2Fb.idx" || lock.Pipeline != "p" || lock.PID != os.Getpid() {
		t.Errorf("lock %+v: step log %+v", lock, l)
	}
	if _, err := rec.Finish(finishedResult("run-l", "a/b")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadRunLock(rec.Dir()); !errors.Is(err, os.ErrNotExist) || Running(rec.Dir()) {
		t.Errorf("after Finish: %v", err)
	}
	if err := os.WriteFile(rec.Dir()+"/"+LockFile, []byte(`{"pid":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, held, err := ReadRunLock(rec.Dir()); held || err != nil {
		t.Errorf("an unheld lock reads as held=%v, %v", held, err)
	}
}
