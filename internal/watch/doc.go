// Package watch re-runs a pipeline when what it reads changes: the
// pipeline file and its variable files, every host input, every image
// build's context and every read-only mount.
//
// Contract:
//   - A Watcher reports a change only under its roots, never under an
//     excluded directory (the run's own artifacts and records, which every
//     run writes) and never for a path the root's Skip rejects
//     (.runjobignore for inputs, .dockerignore for build contexts): what
//     runjob would not send to a container cannot change what a step does.
//   - Changes are debounced: an editor's save (write, rename, chmod) or a
//     `git checkout` of many files is one change, reported once the tree
//     has been quiet for the debounce interval.
//   - A change made while a run is in progress is not lost: the watcher is
//     armed before the run starts, and the next Wait returns it at once.
//   - Loop ends with nil when its context ends while it waits (Ctrl-C
//     between runs exits 0), and with the run's own error when the context
//     ends during a run (Ctrl-C mid-run is an interrupted run, as without
//     watch).
//
// fsnotify watches directories, not trees: the watcher adds every
// directory below a root, and each new one as it appears.
package watch
