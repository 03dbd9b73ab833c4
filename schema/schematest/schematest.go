// Package schematest compiles runjob's published JSON Schemas for tests
// that validate real output against them, with
// github.com/santhosh-tekuri/jsonschema/v6. Only tests import it.
package schematest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/runjob/runjob/schema"
)

// LogEvent is schema/log-event.schema.json, compiled.
func LogEvent(t testing.TB) *jsonschema.Schema {
	return compile(t, schema.LogEventURL, schema.LogEvent)
}

// Report is schema/report.schema.json, compiled.
func Report(t testing.TB) *jsonschema.Schema { return compile(t, schema.ReportURL, schema.Report) }

// compile compiles one embedded schema, asserting formats (date-time).
func compile(t testing.TB, url string, doc []byte) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", url, err)
	}
	return s
}

// Validate checks one JSON document against s.
func Validate(s *jsonschema.Schema, doc string) error {
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		return err
	}
	return s.Validate(v)
}
