//go:build !linux

package stepcache

import "io/fs"

// statKeyOf is what the stat cache compares: without Linux's stat, only
// size, mtime and mode.
func statKeyOf(fi fs.FileInfo) statKey {
	return statKey{size: fi.Size(), mtime: fi.ModTime().UnixNano(), mode: uint32(fi.Mode())}
}
