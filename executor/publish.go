package executor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/runjob/runjob/artifacts"
)

// publish makes the artifact extracted complete into the staging path
// private visible at dest, with its manifest m at manifestFile, replacing
// what was there. The tree is swapped in by one rename, so a reader of
// dest sees the old artifact or the new one, never a half or a mix, and a
// kill at any point leaves dest complete (the debris stays in staging).
// Publishers on this host take turns on a lock of the artifacts
// directory, so the manifest beside dest always ends up describing it: of
// two runs, the one that publishes last wins both.
//
// An artifact that a step of this run takes as input keeps its private
// copy, hard-linked to the published one (no data is copied), so that a
// later publish by another run cannot change what this run's steps read.
func (st *stage) publish(step, artifact, private, dest, manifestFile string, m artifacts.Manifest) error {
	tree := private
	if st.consumed[stageKey(step, artifact)] {
		tree = private + ".publish"
		if err := linkTree(private, tree); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		st.keep(step, artifact, private)
	}
	staged := private + ".manifest.json"
	if err := artifacts.WriteManifest(staged, m); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	unlock, err := lockPath(st.artifactsDir)
	if err != nil {
		return fmt.Errorf("publish: lock %s: %w", st.artifactsDir, err)
	}
	old, err := swapIn(tree, dest, private+".old")
	if err == nil {
		err = os.Rename(staged, manifestFile)
	}
	unlock()
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if old != "" {
		_ = os.RemoveAll(old) // else the run's end removes it with the rest
	}
	return nil
}

// lockPath holds the lock of directory dir until the returned func.
func lockPath(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := lockDir(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// swapIn renames the tree src to dest. What dest held moves out of the way
// in the same step (an exchange), or where the filesystem cannot exchange,
// to aside just before; old is where it ended up ("" when there was
// nothing), for the caller to remove.
func swapIn(src, dest, aside string) (old string, err error) {
	err = exchange(src, dest)
	switch {
	case err == nil:
		return src, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", os.Rename(src, dest) // nothing to replace
	}
	return swapAside(src, dest, aside)
}

// swapAside is swapIn without an exchange: dest is absent for an instant
// between two renames, never partial.
func swapAside(src, dest, aside string) (old string, err error) {
	if err := os.Rename(dest, aside); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		aside = ""
	}
	return aside, os.Rename(src, dest)
}

// linkTree recreates the directories of src at dst and hard-links every
// other entry (files and symlinks alike: link(2) does not follow a link),
// keeping the directories' modes and modification times.
func linkTree(src, dst string) error {
	type dirMeta struct {
		path  string
		mode  fs.FileMode
		mtime time.Time
	}
	var dirs []dirMeta
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if !d.IsDir() {
			return os.Link(p, to)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		dirs = append(dirs, dirMeta{to, info.Mode().Perm(), info.ModTime()})
		return os.Mkdir(to, 0o700)
	})
	if err != nil {
		return err
	}
	// Children first: filling a directory changes its modification time.
	for i := len(dirs) - 1; i >= 0; i-- {
		d := dirs[i]
		if err := os.Chmod(d.path, d.mode); err != nil {
			return err
		}
		if err := os.Chtimes(d.path, time.Time{}, d.mtime); err != nil {
			return err
		}
	}
	return nil
}
