package stepcache

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A writer killed -9 at each point of writing an entry leaves no half
// entry: the key is whole or absent (whole once renamed, even though its
// index record was never written), and the next Open sweeps its temp.
func TestKilledWriterLeavesNoHalfEntry(t *testing.T) {
	for _, c := range []struct {
		point string
		whole bool // the entry is there after the kill
	}{{"begin", false}, {"mid-blob", false}, {"meta", false}, {"renamed", true}} {
		t.Run(c.point, func(t *testing.T) {
			dir := t.TempDir()
			s := openStore(t, dir, Options{})
			put(t, s, "before", Meta{}, content("before")...)
			for range 3 {
				cmd, out := child(t, dir, "commit", "STEPCACHE_KEYS=k7", "STEPCACHE_PAUSE="+c.point)
				kill9(t, cmd, out, "at "+c.point)
				if c.point != "renamed" && len(tmpNames(t, s)) == 0 {
					t.Fatal("the killed writer left no temp: the test does not test the sweep")
				}
				s = openStore(t, dir, Options{})
				if names := tmpNames(t, s); len(names) != 0 {
					t.Fatalf("after Open, tmp/ holds %q", names)
				}
				if got := listKeys(t, s); slices.Contains(got, "k7") != c.whole || !slices.Contains(got, "before") {
					t.Fatalf("entries %q", got)
				}
				verifyAll(t, s)
				s.Remove("k7")
			}
		})
	}
}

// A process killed -9 between moving entries out and deleting them loses
// them whole (they were being removed), and its trash is swept.
func TestKilledPruneIsSwept(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{})
	for _, k := range keyList("p", 3) {
		put(t, s, k, Meta{}, content(k)...)
	}
	cmd, out := child(t, dir, "prune", "STEPCACHE_PAUSE=trashed")
	kill9(t, cmd, out, "at trashed")
	if names := tmpNames(t, s); len(names) != 3 || !strings.HasPrefix(names[0], "x-") {
		t.Fatalf("tmp/ holds %q, want the three entries being removed", names)
	}
	if _, err := s.Prune(PruneOptions{}); err != nil {
		t.Fatal(err)
	}
	if names := tmpNames(t, s); len(names) != 0 {
		t.Errorf("after Prune, tmp/ holds %q", names)
	}
	if n := verifyAll(t, s); n != 0 {
		t.Errorf("%d entries left", n)
	}
}

// A writer killed -9 at a random moment of committing, evicting and
// pruning, many times over: no half entry is ever read, and nothing is
// left in tmp/ once the store is opened again. The delay only picks where
// the kill lands; nothing is asserted about time.
func TestKilledAtRandomMoments(t *testing.T) {
	dir := t.TempDir()
	rounds := 40
	if testing.Short() {
		rounds = 10
	}
	swept := 0
	for i := range rounds {
		cmd, out := child(t, dir, "churn", "STEPCACHE_MAX=400000")
		if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("helper: %q, %v", line, err)
		}
		time.Sleep(time.Duration(rand.IntN(40_000)) * time.Microsecond)
		cmd.Process.Kill()
		cmd.Wait()
		if ns, _ := os.ReadDir(filepath.Join(dir, tmpDir)); len(ns) > 0 {
			swept++
		}
		s := openStore(t, dir, Options{MaxBytes: 400000})
		if names := tmpNames(t, s); len(names) != 0 {
			t.Fatalf("round %d: after Open, tmp/ holds %q", i, names)
		}
		verifyAll(t, s)
	}
	// Writing is most of what the helper does, so most kills land in it.
	if swept < rounds/4 {
		t.Errorf("only %d of %d kills left a temp to sweep: the kills miss the writes", swept, rounds)
	}
	t.Logf("%d of %d kills left a temp", swept, rounds)
}
