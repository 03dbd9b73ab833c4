package housekeeping

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/runjob/runjob/executor"
)

// cacheLockPoll is how often a busy cache's lock is tried again.
const cacheLockPoll = 100 * time.Millisecond

// StateDir is where the cache locks of this host's user live: the user's
// cache directory (the temporary one when there is none), runjob/caches.
func StateDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "runjob", "caches")
}

// CacheLocks are the host-wide locks of cache volumes: one file per volume
// in Dir. The lock serializes the steps that use a cache across every
// runjob process of this host; the file's modification time is the cache's
// last use, which the engine does not record. The zero value uses
// StateDir().
type CacheLocks struct {
	Dir string
}

// LockCache locks a volume in StateDir(): the executor.CacheLock of runjob
// runs.
func LockCache(ctx context.Context, volume string) (func(), error) {
	return CacheLocks{}.Lock(ctx, volume)
}

var _ executor.CacheLock = LockCache

func (l CacheLocks) dir() string {
	if l.Dir == "" {
		return StateDir()
	}
	return l.Dir
}

func (l CacheLocks) path(volume string) string { return filepath.Join(l.dir(), volume+".lock") }

// Lock takes the lock of a cache volume (flock, so it is released if
// runjob dies), waiting while another step holds it, until ctx ends. Taking
// and releasing it both count as a use.
func (l CacheLocks) Lock(ctx context.Context, volume string) (func(), error) {
	if err := os.MkdirAll(l.dir(), 0o755); err != nil {
		return nil, err
	}
	path := l.path(volume)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, err
		}
		select {
		case <-time.After(cacheLockPoll):
		case <-ctx.Done():
			f.Close()
			return nil, context.Cause(ctx)
		}
	}
	touch(path)
	return func() {
		touch(path)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

func touch(path string) {
	now := time.Now()
	_ = os.Chtimes(path, now, now)
}

// LastUse is when a cache volume was last used by this host's runjob, or
// the zero time when never.
func (l CacheLocks) LastUse(volume string) time.Time {
	fi, err := os.Stat(l.path(volume))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// forget drops the lock file of a removed volume.
func (l CacheLocks) forget(volume string) { _ = os.Remove(l.path(volume)) }
