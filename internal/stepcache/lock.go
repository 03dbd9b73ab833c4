package stepcache

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"syscall"
)

type lockMode int

const (
	shared    lockMode = syscall.LOCK_SH
	exclusive lockMode = syscall.LOCK_EX
)

// lock takes the store's lock. Each call opens its own file description,
// so goroutines of one process exclude each other as processes do; the
// kernel drops the lock of a process that dies.
func (s *Store) lock(mode lockMode) (func(), error) {
	f, err := os.OpenFile(s.path(lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	if err := flock(f, int(mode)); err != nil {
		f.Close()
		return nil, fmt.Errorf("reuse store: lock: %w", err)
	}
	return func() { f.Close() }, nil // closing the last descriptor unlocks
}

// tryLock is lock without waiting: ok is false when another holds it.
func (s *Store) tryLock(mode lockMode) (unlock func(), ok bool) {
	f, err := os.OpenFile(s.path(lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false
	}
	if syscall.Flock(int(f.Fd()), int(mode)|syscall.LOCK_NB) != nil {
		f.Close()
		return nil, false
	}
	return func() { f.Close() }, true
}

// flock waits for a lock, retrying when a signal interrupts the wait.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// randomID names a temp: unique across processes without coordination.
func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
