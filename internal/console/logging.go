package console

import (
	"io"
	"time"

	"github.com/rs/zerolog"
)

// LogSchemaVersion is the JSON log's "schema_version", on every line: the
// version of schema/log-event.schema.json the lines follow. It changes
// only when a field or an event kind is removed, renamed or changes
// meaning; new optional fields and new event kinds keep it.
const LogSchemaVersion = 1

// Log field names, defined once: they are the JSON log's schema (docs/output.md, schema/),
// and every package that logs to the run's logger uses them.
const (
	FieldSchemaVersion = "schema_version"
	FieldRunID         = "run_id"
	FieldPipeline      = "pipeline"
	FieldEvent         = "event"
	FieldStep          = "step"
	FieldImage         = "image"
	FieldContainer     = "container"
	FieldStream        = "stream"
	FieldLine          = "line"
	FieldStatus        = "status"
	FieldExitCode      = "exit_code"
	FieldOOMKilled     = "oom_killed"
	FieldDurationMS    = "duration_ms"
	FieldArtifact      = "artifact"
	FieldPath          = "path"
	FieldDir           = "dir"
	FieldFiles         = "files"
	FieldBytes         = "bytes"
	FieldSteps         = "steps"
	FieldAttempt       = "attempt"
	FieldDelayMS       = "delay_ms"
	FieldLayers        = "layers"
	FieldLayersDone    = "layers_done"
	FieldBytesTotal    = "bytes_total"
	FieldDone          = "done"
	FieldKept          = "kept_container"
	FieldLeftovers     = "leftovers"
	FieldRuns          = "runs"
	FieldOutputs       = "outputs"
	FieldTimeoutMS     = "timeout_ms"
	FieldProcesses     = "processes"
	FieldPID           = "pid"
	FieldPPID          = "ppid"
	FieldUser          = "user"
	FieldCPUTime       = "cpu_time"
	FieldCommand       = "command"
	FieldNode          = "node"
	FieldImageID       = "image_id"
	FieldReusedFrom    = "reused_from"
)

// runLogger is the run's logger over l: timestamped, with the run ID and
// the pipeline on every message.
func (e *env) runLogger(l zerolog.Logger) zerolog.Logger {
	return l.Hook(timestamp{}).With().Int(FieldSchemaVersion, LogSchemaVersion).Str(FieldRunID, e.RunID).Str(FieldPipeline, e.Graph.Pipeline().Name).Logger()
}

// humanLogger writes human-readable lines to w, colored only on a terminal
// and without NO_COLOR.
func (e *env) humanLogger(w io.Writer) zerolog.Logger {
	// The run ID and pipeline are in the summary; on a terminal they would
	// only push the interesting fields off the line.
	cw := zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05", NoColor: !colorful(w, e.LookupEnv),
		FieldsExclude: []string{FieldSchemaVersion, FieldRunID, FieldPipeline, FieldEvent}}
	return e.runLogger(zerolog.New(cw))
}

// timestamp stamps every message with its time in RFC 3339 with
// nanoseconds, the JSON log's "time". zerolog's own Timestamp would read
// the global zerolog.TimeFieldFormat, which console leaves alone.
type timestamp struct{}

func (timestamp) Run(e *zerolog.Event, _ zerolog.Level, _ string) {
	e.Str(zerolog.TimestampFieldName, time.Now().Format(time.RFC3339Nano))
}
