// Package report turns a run into a lasting record: each step's full
// output on disk while it runs, then report.json, report.html and, on
// request, JUnit XML.
//
// # Wiring
//
// A Recorder is both an executor.Output and an executor.Observer. Tee it
// with the terminal's output and observer, run, then Finish:
//
//	rec, err := report.NewRecorder(filepath.Join(p.Dir, ".runjob", "runs"), runID, g)
//	ex := executor.New(eng,
//		executor.WithOutput(report.MultiOutput(terminal, rec)),
//		executor.WithObserver(report.MultiObserver(logObserver, rec)))
//	res, err := ex.Run(ctx, g)
//	rep, err := rec.Finish(res) // writes report.json, report.html, latest
//	err = report.WriteJUnit(junitFile, rep)
//
// # The run directory
//
//	.runjob/runs/<run-id>/
//	  run.lock             while the run is in progress (see RunLock)
//	  report.json          the Report (schema below)
//	  report.html          one self-contained page: timeline, graph, logs, artifacts
//	  logs/<name>.stdout   stdout, byte for byte as the container wrote it
//	  logs/<name>.stderr   stderr, likewise
//	  logs/<name>.idx      the index: when, and in which order, the bytes came
//	.runjob/runs/latest -> <run-id>   symlink to the newest run
//
// <name> is FileName(step): characters outside [A-Za-z0-9_.-] are
// %XX-escaped (test[go1.22] -> test%5Bgo1.22%5D); report.json records each
// step's paths, so readers never need to recompute it.
//
// Each byte a step prints is stored once. The index (index.go) holds an
// entry per write, or per millisecond of writes to one stream, so it adds
// a few bytes per 32 KiB block of heavy output. Everything else is derived
// from the three files: the combined log (ReplayLog with a RecordWriter,
// what `runjob logs --timestamps` prints), the tails in report.html and
// JUnit (ReadLogTail, which reads only the tail). The files are flushed at
// least every 200ms while a step runs, streams before the index, so a
// follower (ReplayLog with Follow) reads a live record.
//
// A record of the combined log is
//
//	2026-01-02T15:04:05.123Z out text of the line
//	2026-01-02T15:04:05.124Z err text of a stderr line
//	2026-01-02T15:04:09.000Z --- attempt 2
//
// a UTC timestamp with milliseconds (24 bytes), a space, the stream tag
// ("out", "err", or "---" for a marker written when a step's container is
// started again), a space, and the line without its newline, so the text
// starts at byte 30 (`cut -c30-` strips the prefix). A line longer than
// 64 KiB is split into several records; a final line without a newline is
// still one record. Bytes are given as the container printed them,
// invalid UTF-8 and terminal escapes included; the .stdout and .stderr
// files hold the exact byte streams. (Schema 1 records stored this view
// as logs/<name>.log; ReadLogTail still reads them.)
//
// # report.json
//
// Field names are snake_case and stable; new optional fields may be added
// without changing "schema", removals or changes of meaning bump it. Times
// are RFC 3339 in UTC; durations are integer milliseconds.
//
//	schema         2 (1: before the index replaced the combined log file)
//	run_id         "20260102-150405-9f3c1a"
//	pipeline       pipeline name; file: the pipeline file, if any
//	status         ok | failed | error | cancelled (see RunStatus)
//	started, finished, duration_ms
//	counts         {total, ok, failed, failed_allowed, timeout, error,
//	                skipped, cancelled, other}: every key always present
//	steps[]        in declaration order:
//	  name, status     status: ok | failed | failed_allowed | timeout |
//	                   error | skipped | cancelled
//	  exit_code        null if the container never exited
//	  oom_killed, error (omitted when empty)
//	  image, image_digest (when known), container
//	  depends_on[]     dependency names
//	  allow_failure, timeout_ms   echo the configuration (omitted when unset)
//	  queued, started, finished   omitted when it did not happen
//	  duration_ms      finished - started
//	  attempts[]       {number, status, exit_code, oom_killed, error,
//	                   container, started, finished, duration_ms}
//	  artifacts[]      {name, path, dir, files, bytes, manifest[]}
//	    manifest[]     {path, type, size, mode, sha256, target}, when known
//	  log              {index, stdout, stderr, stdout_bytes, stderr_bytes,
//	                   lines}: paths relative to the run directory
//	                   (schema 1: path, the combined log, instead of
//	                   index); omitted for a step that printed nothing
//	                   because it never ran
//
// Arrays (steps, depends_on, attempts, artifacts) are always present,
// possibly empty, never null.
package report
