//go:build linux

package stepcache

import (
	"io/fs"
	"syscall"
)

// statKeyOf is what the stat cache compares, as git's index does: a file
// whose size, mtime, ctime, inode and mode are all unchanged is taken to
// have unchanged content.
func statKeyOf(fi fs.FileInfo) statKey {
	k := statKey{size: fi.Size(), mtime: fi.ModTime().UnixNano(), mode: uint32(fi.Mode())}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		k.ino, k.ctime = st.Ino, st.Ctim.Nano()
	}
	return k
}
