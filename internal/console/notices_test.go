package console

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/pipeline/hclconfig"
)

// While a batched view is open, a notice waits its turn behind what the
// view has written; once it is closed, notices go back to their default.
func TestNoticesFollowTheView(t *testing.T) {
	g, diags := hclconfig.New().Load(filepath.Join("testdata", "modes", "pipeline.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var def, errw bytes.Buffer
	n := NewNotices(&def)
	v, err := New("plain", Options{Graph: g, RunID: "r", Stdout: io.Discard, Stderr: &errw, Notices: n})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(v.Stderr(), "first\n")
	_, _ = io.WriteString(n, "notice\n")
	v.Close()
	_, _ = io.WriteString(n, "after\n")
	if errw.String() != "first\nnotice\n" || def.String() != "after\n" {
		t.Errorf("view's stderr %q, default %q", errw.String(), def.String())
	}
}

// The JSON log's time has nanoseconds, and building it set no zerolog
// global: console leaves process state alone.
func TestJSONTimeLeavesZerologAlone(t *testing.T) {
	g, diags := hclconfig.New().Load(filepath.Join("testdata", "modes", "pipeline.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	before := zerolog.TimeFieldFormat
	var out bytes.Buffer
	v, err := New("json", Options{Graph: g, RunID: "r", Stdout: &out, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	log := v.Logger()
	log.Info().Msg("hello")
	v.Close()
	if zerolog.TimeFieldFormat != before {
		t.Errorf("zerolog.TimeFieldFormat changed to %q", zerolog.TimeFieldFormat)
	}
	var line struct {
		Time    string `json:"time"`
		RunID   string `json:"run_id"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(out.Bytes(), &line); err != nil || line.RunID != "r" || line.Message != "hello" {
		t.Fatalf("%v: %q", err, out.String())
	}
	if _, err := time.Parse(time.RFC3339Nano, line.Time); err != nil || !strings.Contains(line.Time, ".") {
		t.Errorf("time %q: %v", line.Time, err)
	}
}
