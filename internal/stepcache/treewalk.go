package stepcache

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// dir walks a directory as artifacts.Pack does: through an os.Root, each
// directory in sorted order, symlinks described and never followed.
func (w *walker) dir(abs string) error {
	root, err := os.OpenRoot(abs)
	if err != nil {
		return err
	}
	w.root = root // closed by TreeDigest once the files are hashed
	return fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if rel != "." && w.skip != nil && w.skip(rel, d.IsDir()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		fi, err := d.Info() // lstat
		if err != nil {
			return err
		}
		switch mode := fi.Mode(); {
		case mode.IsDir():
			w.nodes = append(w.nodes, &node{kind: 'd', rel: rel, perm: mode.Perm()})
		case mode&fs.ModeSymlink != 0:
			target, err := root.Readlink(filepath.FromSlash(rel))
			if err != nil {
				return err
			}
			w.nodes = append(w.nodes, &node{kind: 'l', rel: rel, perm: mode.Perm(), target: target})
		case mode.IsRegular():
			w.file(rel, fi, func() (*os.File, error) { return root.Open(filepath.FromSlash(rel)) })
		}
		return nil
	})
}

// hashAll reads the files the cache could not vouch for, on every CPU.
func (w *walker) hashAll() error {
	todo := make(chan *node)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for range min(runtime.GOMAXPROCS(0), 8) {
		wg.Go(func() {
			buf := make([]byte, 256<<10)
			for n := range todo {
				if err := w.hash(n, buf); err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, n := range w.nodes {
		if n.open != nil {
			todo <- n
		}
	}
	close(todo)
	wg.Wait()
	return first
}

// hash reads one file. If its stat changed while it was read, the sum is
// of whatever was read, and it is not cached.
func (w *walker) hash(n *node, buf []byte) error {
	f, err := n.open()
	if err != nil {
		return err
	}
	defer f.Close()
	if w.s.onRead != nil {
		w.s.onRead(n.rel)
	}
	h := sha256.New()
	size, err := io.CopyBuffer(h, struct{ io.Reader }{f}, buf)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return errors.New(n.rel + " is no longer a regular file")
	}
	n.size, n.stable = size, statKeyOf(fi) == n.stat
	h.Sum(n.sum[:0])
	n.open = nil
	return nil
}
