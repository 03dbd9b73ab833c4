package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher reports changes under a set of roots. Not safe for concurrent
// use: one goroutine calls Wait.
type Watcher struct {
	fs       *fsnotify.Watcher
	debounce time.Duration
	roots    []Root
	exclude  []string
	watched  map[string]bool // directories handed to fsnotify
	files    map[string]bool // roots that are files
	missing  map[string]bool // roots that did not exist when armed
	pending  map[string]bool // changed paths not yet reported
}

// New arms a watcher on roots, ignoring everything under exclude (absolute
// directories). A root that does not exist yet is watched for through its
// nearest existing parent, so creating it counts as a change.
func New(roots []Root, exclude []string, debounce time.Duration) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w := &Watcher{fs: fw, debounce: debounce, roots: roots, watched: map[string]bool{}, files: map[string]bool{}, missing: map[string]bool{}, pending: map[string]bool{}}
	for _, e := range exclude {
		w.exclude = append(w.exclude, filepath.Clean(e))
	}
	for _, r := range roots {
		if err := w.arm(r); err != nil {
			_ = fw.Close()
			return nil, err
		}
	}
	return w, nil
}

// Close releases the watches.
func (w *Watcher) Close() error { return w.fs.Close() }

// Dirs is how many directories are watched (for the "watching" message).
func (w *Watcher) Dirs() int { return len(w.watched) }

// arm watches a root: a directory and every directory below it that Skip
// keeps; for a file, its directory (editors replace a file by renaming a
// new one over it, which a watch on the file itself would not survive).
func (w *Watcher) arm(r Root) error {
	fi, err := os.Stat(r.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		w.missing[r.Path] = true
		return w.add(existingParent(r.Path))
	case err != nil:
		return fmt.Errorf("watch %s: %w", r.Path, err)
	}
	delete(w.missing, r.Path)
	if !fi.IsDir() {
		w.files[r.Path] = true
		return w.add(filepath.Dir(r.Path))
	}
	return w.addTree(r, r.Path, false)
}

// addTree watches dir and the directories below it that r keeps. With
// report, what it finds is a change: a directory that just appeared may
// already hold files made before its watch was in place.
func (w *Watcher) addTree(r Root, dir string, report bool) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // gone while we walked: its removal is an event
			}
			return err
		}
		if p != r.Path && (w.excluded(p) || skipped(r, p, d.IsDir())) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if report {
			w.pending[p] = true
		}
		if !d.IsDir() {
			return nil
		}
		return w.add(p)
	})
}

func (w *Watcher) add(dir string) error {
	if w.watched[dir] {
		return nil
	}
	if err := w.fs.Add(dir); err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	w.watched[dir] = true
	return nil
}

func (w *Watcher) excluded(p string) bool {
	return slices.ContainsFunc(w.exclude, func(e string) bool { return within(p, e) })
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

func skipped(r Root, p string, isDir bool) bool {
	if r.Skip == nil {
		return false
	}
	rel, err := filepath.Rel(r.Path, p)
	return err == nil && rel != "." && r.Skip(filepath.ToSlash(rel), isDir)
}

func existingParent(p string) string {
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
			return d
		}
	}
}

// Wait blocks until something under the roots changed and then stayed
// quiet for the debounce interval, and returns the changed paths, sorted.
// It returns ctx's error when ctx ends first.
func (w *Watcher) Wait(ctx context.Context) ([]string, error) {
	var quiet <-chan time.Time
	if len(w.pending) > 0 {
		quiet = time.After(w.debounce)
	}
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-w.fs.Errors:
			return nil, fmt.Errorf("watch: %w", err)
		case ev := <-w.fs.Events:
			if w.relevant(ev) {
				quiet = time.After(w.debounce)
			}
		case <-quiet:
			changed := slices.Sorted(maps.Keys(w.pending))
			clear(w.pending)
			return changed, nil
		}
	}
}
