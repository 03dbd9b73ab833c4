package report

import "time"

// SchemaVersion is report.json's "schema_version" field (and "schema",
// its older name, kept for readers of older records): the version of
// schema/report.schema.json it follows. It changes only when a field is
// removed, renamed or changes meaning; new optional fields keep it.
//
// 2: a step's log is its two stream files and an index (log.index); the
// combined log file (log.path) is no longer written but derived. Readers
// still read schema 1 records.
const SchemaVersion = 2

// Report is the whole record of one run, as written to report.json. Build
// one with Build (or Recorder.Finish, which also fills in log files and
// queue times); read one back with ReadFile.
type Report struct {
	Schema int `json:"schema"`
	// SchemaVersion is the same number as Schema: the name the JSON log
	// shares.
	SchemaVersion int    `json:"schema_version"`
	RunID         string `json:"run_id"`
	Pipeline      string `json:"pipeline"`
	// File is the pipeline file the run was loaded from, if any.
	File string `json:"file,omitempty"`
	// Status is the run's outcome: see RunStatus.
	Status     string    `json:"status"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished"`
	DurationMS int64     `json:"duration_ms"`
	Counts     Counts    `json:"counts"`
	// Steps in declaration order.
	Steps []Step `json:"steps"`

	// Dir is the run directory: relative log paths resolve against it. It
	// is set by Recorder.Finish and ReadFile and is not serialized.
	Dir string `json:"-"`
}

// Counts says how many steps ended with each status. Every key is always
// present, so consumers can read counts.failed without a default.
type Counts struct {
	Total         int `json:"total"`
	OK            int `json:"ok"`
	Reused        int `json:"reused"`
	Failed        int `json:"failed"`
	FailedAllowed int `json:"failed_allowed"`
	Timeout       int `json:"timeout"`
	Error         int `json:"error"`
	Skipped       int `json:"skipped"`
	Cancelled     int `json:"cancelled"`
	// Other counts statuses this version of runjob does not know (and
	// "pending", which a finished run should not have).
	Other int `json:"other"`
}

// Step is one step's record.
type Step struct {
	Name string `json:"name"`
	// Status is the executor's status string: ok, reused, failed,
	// failed_allowed, timeout, error, skipped, cancelled (new values may
	// appear).
	Status string `json:"status"`
	// ReusedFrom is the run a reused step's result was taken from.
	ReusedFrom string `json:"reused_from,omitempty"`
	// ExitCode of the last attempt's main process; nil if it never exited.
	ExitCode  *int   `json:"exit_code"`
	OOMKilled bool   `json:"oom_killed"`
	Error     string `json:"error,omitempty"`
	Image     string `json:"image,omitempty"`
	// ImageDigest is the repo digest the step ran, when the engine reports it.
	ImageDigest string `json:"image_digest,omitempty"`
	// Container is the name of the step's (last) container.
	Container string   `json:"container,omitempty"`
	DependsOn []string `json:"depends_on"`
	// AllowFailure and TimeoutMS echo the step's configuration.
	AllowFailure bool  `json:"allow_failure,omitempty"`
	TimeoutMS    int64 `json:"timeout_ms,omitempty"`
	// Queued is when the step became ready and was handed to a worker.
	Queued *time.Time `json:"queued,omitempty"`
	// Started and Finished bound the container run(s); absent if it never ran.
	Started    *time.Time `json:"started,omitempty"`
	Finished   *time.Time `json:"finished,omitempty"`
	DurationMS int64      `json:"duration_ms"`
	// Attempts lists each container run, oldest first; empty if none.
	Attempts  []Attempt  `json:"attempts"`
	Artifacts []Artifact `json:"artifacts"`
	// Outputs are the values the step wrote to $RUNJOB_OUTPUT; omitted when
	// it wrote none or did not succeed.
	Outputs map[string]string `json:"outputs,omitempty"`
	// ProcessesAtTimeout is what ran in the container when a timeout
	// stopped the step (its last attempt); omitted otherwise.
	ProcessesAtTimeout []Process `json:"processes_at_timeout,omitempty"`
	// Log names the step's log files; nil when no output was recorded.
	Log *Log `json:"log,omitempty"`
}

// Attempt is one container run of a step.
type Attempt struct {
	Number     int        `json:"number"`
	Status     string     `json:"status"`
	ExitCode   *int       `json:"exit_code"`
	OOMKilled  bool       `json:"oom_killed"`
	Error      string     `json:"error,omitempty"`
	Container  string     `json:"container,omitempty"`
	Started    *time.Time `json:"started,omitempty"`
	Finished   *time.Time `json:"finished,omitempty"`
	DurationMS int64      `json:"duration_ms"`
}

// Artifact is an exported artifact.
type Artifact struct {
	Name string `json:"name"`
	// Path inside the container.
	Path string `json:"path"`
	// Dir is the host directory it was exported to.
	Dir   string `json:"dir"`
	Files int    `json:"files"`
	Bytes int64  `json:"bytes"`
	// Manifest lists every entry, when the exporter produced one.
	Manifest []ManifestEntry `json:"manifest,omitempty"`
}

// ManifestEntry is one file, directory or link of an artifact.
type ManifestEntry struct {
	// Path is slash-separated and relative to the artifact's Dir.
	Path string `json:"path"`
	// Type is "file", "dir" or "symlink".
	Type string `json:"type,omitempty"`
	Size int64  `json:"size"`
	// Mode is the permission bits in octal, e.g. "0644".
	Mode string `json:"mode,omitempty"`
	// SHA256 is the hex digest of a file's content.
	SHA256 string `json:"sha256,omitempty"`
	// Target is a symlink's target.
	Target string `json:"target,omitempty"`
}

// Log names a step's log files, relative to the run directory, and counts
// what they hold.
type Log struct {
	// Index orders the two streams' bytes in time (schema 2): the
	// combined, timestamped view is derived from it (ReplayLog,
	// RecordWriter, ReadLogTail).
	Index string `json:"index,omitempty"`
	// Path is the combined log file of a schema 1 record: one record per
	// line, stream-tagged. Schema 2 records have none.
	Path string `json:"path,omitempty"`
	// Stdout and Stderr hold each stream's bytes exactly as printed.
	Stdout      string `json:"stdout"`
	Stderr      string `json:"stderr"`
	StdoutBytes int64  `json:"stdout_bytes"`
	StderrBytes int64  `json:"stderr_bytes"`
	// Lines is the number of output records (both streams): lines, with
	// lines over 64 KiB counted once per 64 KiB piece.
	Lines int64 `json:"lines"`
}
