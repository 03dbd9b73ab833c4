// Package history is the run history of a pipeline directory: the run
// records under <dir>/.runjob/runs that report.Recorder writes. It lists
// them (List, WriteRuns), keeps them bounded (Policy, Select, Prune,
// applied by the session at the end of every run) and prints a step's
// output back from a record, following a run still in progress (Logs).
//
// A run is in progress while its run.lock is held (report.ReadRunLock);
// such a run, and the run just written, are never removed. A directory
// without report.json whose lock nobody holds is a run that died: it is
// listed as "incomplete" and removed like any other.
//
// Everything it prints comes from the records, which hold masked text
// only (the session's masking boundary); it adds nothing from elsewhere.
package history
