package watch

import (
	"os"

	"github.com/fsnotify/fsnotify"
)

// relevant records ev when it is a change to something a run reads, and
// watches a directory that appeared under a root, with what is below it.
// A mode change counts: the mode is part of what a step is given.
func (w *Watcher) relevant(ev fsnotify.Event) bool {
	if w.appeared(ev.Name) {
		return true
	}
	r, ok := w.rootOf(ev.Name)
	if !ok || w.excluded(ev.Name) {
		return false
	}
	fi, err := os.Lstat(ev.Name)
	isDir := err == nil && fi.IsDir()
	if skipped(r, ev.Name, isDir) {
		return false
	}
	if isDir && ev.Has(fsnotify.Create) {
		// Best effort: a directory that cannot be watched still counts
		// as a change now; only its later contents go unseen.
		_ = w.addTree(r, ev.Name, true)
	}
	w.pending[ev.Name] = true
	return true
}

// rootOf returns the root a path belongs to: a file root is exactly that
// path (the other files of its directory are not ours), a directory root
// (or one not created yet) everything below it.
func (w *Watcher) rootOf(p string) (Root, bool) {
	for _, r := range w.roots {
		if p == r.Path || !w.files[r.Path] && within(p, r.Path) {
			return r, true
		}
	}
	return Root{}, false
}

// appeared handles a path on the way to a root that did not exist: the
// watch moves down to it, and the root's creation is a change.
func (w *Watcher) appeared(p string) bool {
	for _, r := range w.roots {
		if !w.missing[r.Path] || !within(r.Path, p) {
			continue
		}
		if err := w.arm(r); err == nil && !w.missing[r.Path] {
			w.pending[r.Path] = true
			return true
		}
	}
	return false
}
