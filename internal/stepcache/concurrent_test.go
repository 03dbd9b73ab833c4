package stepcache

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// verifyAll checks that every entry in the store is whole, holds its
// content and is listed, and returns how many there are.
func verifyAll(t *testing.T, s *Store) int {
	t.Helper()
	names, err := s.entryNames()
	if err != nil {
		t.Fatal(err)
	}
	listed := listKeys(t, s)
	slices.Sort(names)
	slices.Sort(listed)
	if !slices.Equal(names, listed) {
		t.Errorf("entries %q, listed %q", names, listed)
	}
	for _, k := range names {
		e, err := s.Lookup(k)
		if err != nil || e == nil {
			t.Errorf("%s: Lookup = %v, %v: a half entry?", k, e, err)
			continue
		}
		if err := commitOrCheck(s, k); err != nil {
			t.Error(err)
		}
		e.Close()
	}
	return len(names)
}

func keyList(prefix string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}

// Goroutines, on one Store and on their own, commit the same keys and
// their own, and read each other's: every commit succeeds, every hit is
// whole.
func TestConcurrentCommitsInOneProcess(t *testing.T) {
	dir := t.TempDir()
	one := openStore(t, dir, Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 8 {
		s := one
		if g%2 == 1 {
			s = openStore(t, dir, Options{})
		}
		keys := append(keyList("same", 6), keyList(fmt.Sprintf("own%d-", g), 3)...)
		wg.Go(func() {
			for range 3 {
				for _, k := range keys {
					if err := commitOrCheck(s, k); err != nil {
						errs <- err
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := verifyAll(t, one); n != 6+8*3 {
		t.Errorf("%d entries, want %d", n, 6+8*3)
	}
	if names := tmpNames(t, one); len(names) != 0 {
		t.Errorf("tmp/ holds %q", names)
	}
}

// Processes do the same on one store, with a bound small enough that they
// evict each other's entries all the time, while this one reads.
func TestConcurrentCommitsAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{})
	var cmds []func() error
	for p := range 4 {
		keys := append(keyList("same", 5), keyList(fmt.Sprintf("own%d-", p), 5)...)
		cmd, _ := child(t, dir, "commit", "STEPCACHE_KEYS="+strings.Join(keys, ","), "STEPCACHE_MAX=600000")
		cmds = append(cmds, cmd.Wait)
	}
	done := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(readErr)
		for {
			select {
			case <-done:
				return
			default:
			}
			for _, k := range keyList("same", 5) {
				if e, err := s.Lookup(k); err != nil {
					readErr <- err
					return
				} else if e != nil {
					_, err := readAll(e)
					e.Close()
					if err != nil {
						readErr <- fmt.Errorf("%s: %w", k, err)
						return
					}
				}
			}
		}
	}()
	for i, wait := range cmds {
		if err := wait(); err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	close(done)
	if err := <-readErr; err != nil {
		t.Error(err)
	}
	verifyAll(t, s)
	var total int64
	l, _ := s.List()
	for _, m := range l {
		total += m.Size
	}
	if total > 600000 {
		t.Errorf("%d bytes stored, bound 600000", total)
	}
}
