package schema_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/schema/schematest"
)

// compile compiles one embedded schema, asserting formats (date-time).

func TestTheFixtureReportFollowsTheSchema(t *testing.T) {
	s := schematest.Report(t)
	b, err := os.ReadFile(filepath.Join("..", "report", "testdata", "fixture.report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := schematest.Validate(s, string(b)); err != nil {
		t.Fatalf("report/testdata/fixture.report.json: %v", err)
	}
	renamed := strings.Replace(string(b), `"duration_ms"`, `"durationMs"`, 1)
	if schematest.Validate(s, renamed) == nil {
		t.Error("the report schema accepts a renamed field")
	}
}

const line = `{"level":"info","schema_version":1,"run_id":"20260101-000000-abcdef","pipeline":"p",` +
	`"step":"build","event":"step_started","image":"busybox","container":"c","attempt":1,` +
	`"time":"2026-01-01T00:00:00.123456789Z","message":"step started"}`

func TestTheLogSchemaIsStrict(t *testing.T) {
	s := schematest.LogEvent(t)
	if err := schematest.Validate(s, line); err != nil {
		t.Fatalf("a step_started line: %v", err)
	}
	for name, bad := range map[string]string{
		"a renamed field":        strings.Replace(line, `"container"`, `"container_name"`, 1),
		"a field of other event": strings.Replace(line, `"attempt":1`, `"attempt":1,"stream":"stdout"`, 1),
		"a missing field":        strings.Replace(line, `"image":"busybox",`, "", 1),
		"no schema_version":      strings.Replace(line, `"schema_version":1,`, "", 1),
		"another version":        strings.Replace(line, `"schema_version":1`, `"schema_version":2`, 1),
		"an unknown event":       strings.Replace(line, `"step_started"`, `"step_paused"`, 1),
		"a bad time":             strings.Replace(line, `"2026-01-01T00:00:00.123456789Z"`, `"yesterday"`, 1),
	} {
		if schematest.Validate(s, bad) == nil {
			t.Errorf("the log schema accepts %s: %s", name, bad)
		}
	}
	msg := `{"level":"warn","schema_version":1,"run_id":"20260101-000000-abcdef","pipeline":"p","error":"boom",` +
		`"container":"c","time":"2026-01-01T00:00:00Z","message":"could not stop container; removing it by force"}`
	if err := schematest.Validate(s, msg); err != nil {
		t.Errorf("a message without an event: %v", err)
	}
}
