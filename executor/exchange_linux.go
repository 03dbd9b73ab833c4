package executor

import "golang.org/x/sys/unix"

// exchange swaps the names a and b in one step (renameat2 RENAME_EXCHANGE),
// so b never stops naming a complete tree. A filesystem without it fails
// with EINVAL; one of the two missing, with ENOENT.
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
