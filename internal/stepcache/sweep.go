package stepcache

import (
	"os"
	"strings"
	"syscall"
)

// sweep removes from tmp/ what no live process is using: the temps of
// writers that died (their flock is free), directories of entries being
// removed by a process that died (x-), and half-written files (f-). The
// caller holds the exclusive lock, so no writer is between creating its
// temp and locking it, and no file is being written.
func (s *Store) sweep() {
	d, err := os.Open(s.path(tmpDir))
	if err != nil {
		return
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return
	}
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	for _, n := range names {
		p := s.path(tmpDir, n)
		switch {
		case strings.HasPrefix(n, "w-") && strings.HasSuffix(n, ".lock"):
			s.sweepWriter(strings.TrimSuffix(p, ".lock"))
		case strings.HasPrefix(n, "w-") && !have[n+".lock"]:
			_ = os.RemoveAll(p) // its writer had released it: committed or aborted, then died
		case strings.HasPrefix(n, "x-"):
			_ = os.RemoveAll(p)
		case strings.HasPrefix(n, "f-"):
			_ = os.Remove(p)
		}
	}
}

// sweepWriter removes a writer's temp if the writer is gone.
func (s *Store) sweepWriter(dir string) {
	f, err := os.OpenFile(dir+".lock", os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return // alive
	}
	if os.RemoveAll(dir) == nil {
		_ = os.Remove(dir + ".lock")
	}
}
