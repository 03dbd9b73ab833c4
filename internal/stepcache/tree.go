package stepcache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// TreeDigest returns a digest of what packing root (a directory or a file,
// followed if it is a symlink) into a container would copy, as
// artifacts.Pack does for an input: every path in walk order with its
// type, permission bits, and a file's size and content sha256 or a link's
// target; not owners or times, which Pack does not keep either (times it
// truncates). skip is Pack's Skip (nil skips nothing): a skipped directory
// is not read. Sockets, devices and fifos are left out, as Pack leaves
// them out.
//
// A regular file's content is read only when its stat (size, mtime ns,
// inode, ctime ns, mode) differs from what the root's stat cache holds, as
// git's index does. A file whose mtime is within two seconds of the
// walk's start is not cached (git's racy-git problem: a change in the same
// clock tick as the read would leave the stat unchanged), so it is read
// again next time. The cache is per root, in the store, written by
// rename; runs hashing the same root at once may each write it, and the
// last one wins.
func (s *Store) TreeDigest(root string, skip func(rel string, isDir bool) bool) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", root, err)
	}
	start := time.Now()
	w := &walker{s: s, skip: skip, old: s.loadStat(abs)}
	defer w.close()
	fi, err := os.Stat(abs)
	switch {
	case err != nil:
	case fi.IsDir():
		err = w.dir(abs)
	case fi.Mode().IsRegular():
		w.file("", fi, func() (*os.File, error) { return os.Open(abs) })
	default:
		err = fmt.Errorf("not a regular file or directory")
	}
	if err == nil {
		err = w.hashAll()
	}
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", root, err)
	}
	s.saveStat(abs, w.old, w.cached(), start)
	return w.digest(), nil
}

func (w *walker) close() {
	if w.root != nil {
		w.root.Close()
	}
}

// node is one path of the tree.
type node struct {
	kind   byte // 'd', 'f', 'l'
	rel    string
	perm   fs.FileMode
	size   int64
	target string
	sum    [sha256.Size]byte
	stat   statKey
	open   func() (*os.File, error) // set while the content must be read
	stable bool                     // the file's stat did not change while it was read
}

type walker struct {
	s     *Store
	skip  func(string, bool) bool
	old   map[string]statEntry
	root  *os.Root
	nodes []*node
}

// file adds a regular file, with its sum from the cache when its stat is
// unchanged, else with how to open it.
func (w *walker) file(rel string, fi fs.FileInfo, open func() (*os.File, error)) {
	n := &node{kind: 'f', rel: rel, perm: fi.Mode().Perm(), size: fi.Size(), stat: statKeyOf(fi), stable: true}
	if e, ok := w.old[rel]; ok && e.key == n.stat {
		n.sum = e.sum
	} else {
		n.open = open
	}
	w.nodes = append(w.nodes, n)
}

// cached is the new stat cache: every file whose sum is known good.
func (w *walker) cached() map[string]statEntry {
	files := make(map[string]statEntry, len(w.nodes))
	for _, n := range w.nodes {
		if n.kind == 'f' && n.stable {
			files[n.rel] = statEntry{key: n.stat, sum: n.sum}
		}
	}
	return files
}

// digest hashes the nodes, one quoted, unambiguous line each.
func (w *walker) digest() string {
	h := sha256.New()
	h.Write([]byte("runjob-tree 1\n"))
	var line []byte
	for _, n := range w.nodes {
		line = append(line[:0], n.kind, ' ')
		line = strconv.AppendUint(line, uint64(n.perm), 8)
		switch n.kind {
		case 'f':
			line = fmt.Appendf(line, " %d %x", n.size, n.sum)
		case 'l':
			line = strconv.AppendQuote(append(line, ' '), n.target)
		}
		line = append(strconv.AppendQuote(append(line, ' '), n.rel), '\n')
		h.Write(line)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
