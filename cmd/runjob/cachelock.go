package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// cacheLockPoll is how often a busy cache's lock is tried again.
const cacheLockPoll = 100 * time.Millisecond

// cacheStateDir holds one lock file per cache volume. The lock serializes
// the steps that use a cache across every runjob process of this host; the
// file's modification time is the cache's last use, which the engine does
// not record.
func cacheStateDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "runjob", "caches")
}

// lockCache takes the host-wide lock of a cache volume (flock, so it is
// released if runjob dies), waiting while another step holds it.
func lockCache(ctx context.Context, volume string) (func(), error) {
	dir := cacheStateDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, volume+".lock")
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

// cacheLastUse is when a cache volume was last used by this host's runjob,
// or the zero time when never.
func cacheLastUse(volume string) time.Time {
	fi, err := os.Stat(filepath.Join(cacheStateDir(), volume+".lock"))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}
