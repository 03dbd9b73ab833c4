package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

const testDebounce = 50 * time.Millisecond

func mkfile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func arm(t *testing.T, roots []Root, exclude ...string) *Watcher {
	t.Helper()
	w, err := New(roots, exclude, testDebounce)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

// next waits for the next reported change, failing after a generous bound
// (a hang guard, not a speed assertion).
func next(t *testing.T, w *Watcher) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	changed, err := w.Wait(ctx)
	if err != nil {
		t.Fatalf("no change reported: %v", err)
	}
	return changed
}

// none asserts nothing is reported within a while: the only way to show an
// event is not coming.
func none(t *testing.T, w *Watcher) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*testDebounce)
	defer cancel()
	if changed, err := w.Wait(ctx); err == nil {
		t.Fatalf("unexpected change: %v", changed)
	}
}

func TestReportsChangesBelowADirectoryRoot(t *testing.T) {
	dir := t.TempDir()
	mkfile(t, filepath.Join(dir, "src/a/b/main.c"), "int main;")
	w := arm(t, []Root{{Path: dir}})
	mkfile(t, filepath.Join(dir, "src/a/b/main.c"), "int main(void);")
	if got := next(t, w); !slices.Contains(got, filepath.Join(dir, "src/a/b/main.c")) {
		t.Fatalf("changed = %v", got)
	}
	// A directory made after arming is watched too.
	mkfile(t, filepath.Join(dir, "new/deep/x.h"), "")
	next(t, w)
	mkfile(t, filepath.Join(dir, "new/deep/x.h"), "changed")
	if got := next(t, w); !slices.Contains(got, filepath.Join(dir, "new/deep/x.h")) {
		t.Fatalf("change in a new directory not seen: %v", got)
	}
	if err := os.Chmod(filepath.Join(dir, "new/deep/x.h"), 0o755); err != nil {
		t.Fatal(err)
	}
	next(t, w) // a mode is part of what a step gets
}

func TestDebounceCoalescesABurst(t *testing.T) {
	dir := t.TempDir()
	w := arm(t, []Root{{Path: dir}})
	for i := range 20 {
		mkfile(t, filepath.Join(dir, "f", string(rune('a'+i))), "x")
	}
	got := next(t, w)
	if len(got) < 20 {
		// Some writes may land after the report only if the burst paused
		// for a whole debounce; then they are the next report.
		got = append(got, next(t, w)...)
	}
	if len(got) < 21 { // 20 files and the directory f
		t.Fatalf("burst reported as %d paths: %v", len(got), got)
	}
	none(t, w)
}

func TestIgnoredAndExcludedPathsAreNotChanges(t *testing.T) {
	dir := t.TempDir()
	mkfile(t, filepath.Join(dir, "build/out.o"), "")
	mkfile(t, filepath.Join(dir, ".runjob/artifacts/x"), "")
	skip := func(rel string, isDir bool) bool { return rel == "build" || rel == "notes.txt" }
	w := arm(t, []Root{{Path: dir, Skip: skip}}, filepath.Join(dir, ".runjob"))
	mkfile(t, filepath.Join(dir, "build/out.o"), "changed")
	mkfile(t, filepath.Join(dir, "notes.txt"), "ignored")
	mkfile(t, filepath.Join(dir, ".runjob/artifacts/x"), "a run's own write")
	mkfile(t, filepath.Join(dir, ".runjob/runs/new/report.json"), "{}")
	none(t, w)
	mkfile(t, filepath.Join(dir, "kept.c"), "")
	if got := next(t, w); !slices.Equal(got, []string{filepath.Join(dir, "kept.c")}) {
		t.Fatalf("changed = %v", got)
	}
}

func TestAFileRootSurvivesAnEditorsRenameAndIgnoresItsNeighbours(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pipeline.hcl")
	mkfile(t, file, "v1")
	w := arm(t, []Root{{Path: file}})
	mkfile(t, filepath.Join(dir, "other.txt"), "not ours")
	none(t, w)
	for i := range 2 { // twice: the watch must survive the first replace
		tmp := filepath.Join(dir, ".pipeline.hcl.swp")
		mkfile(t, tmp, "v"+string(rune('2'+i)))
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
		if got := next(t, w); !slices.Contains(got, file) {
			t.Fatalf("replace %d: changed = %v", i+1, got)
		}
	}
}

func TestAMissingRootCountsWhenItAppears(t *testing.T) {
	dir := t.TempDir()
	w := arm(t, []Root{{Path: filepath.Join(dir, "later/src")}})
	mkfile(t, filepath.Join(dir, "unrelated"), "")
	none(t, w)
	mkfile(t, filepath.Join(dir, "later/src/a.c"), "")
	next(t, w)
}
