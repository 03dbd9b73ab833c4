// Package schema holds the JSON Schemas (draft 2020-12) of what runjob
// writes for machines: every line of the JSON log (--log-format json) and
// report.json. They are the published contract; tests validate real runs'
// output against them, so a field added, renamed or removed without
// updating the schema fails the build. The files are also embedded here
// for programs that validate runjob's output in Go.
package schema

import _ "embed"

// LogVersion and ReportVersion are the schema_version each schema
// describes: the JSON log's and report.json's move apart (report.json went
// to 2 when a step's log became two stream files and an index).
const (
	LogVersion    = 1
	ReportVersion = 2
)

// LogEvent is schema/log-event.schema.json: one line of the JSON log.
//
//go:embed log-event.schema.json
var LogEvent []byte

// Report is schema/report.schema.json: a run's report.json.
//
//go:embed report.schema.json
var Report []byte

// LogEventURL and ReportURL are the schemas' $id.
const (
	LogEventURL = "https://github.com/runjob/runjob/schema/log-event.schema.json"
	ReportURL   = "https://github.com/runjob/runjob/schema/report.schema.json"
)
