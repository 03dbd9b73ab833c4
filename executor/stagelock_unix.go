//go:build unix

package executor

import (
	"errors"
	"os"
	"syscall"
)

// lockDir holds an exclusive flock on the open directory f; the kernel
// drops it when the process dies, however it dies.
func lockDir(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }

// tryLockDir takes the lock if no live process holds it.
func tryLockDir(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
