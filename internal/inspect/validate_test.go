package inspect

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

type validateDoc struct {
	Valid        bool `json:"valid"`
	ErrorCount   int  `json:"error_count"`
	WarningCount int  `json:"warning_count"`
	Diagnostics  []struct {
		Severity, Summary, Detail string
		Range                     *struct {
			Filename   string
			Start, End struct{ Line, Column, Byte int }
		}
	}
}

func validate(t *testing.T, diags hcl.Diagnostics) (bool, string, validateDoc) {
	t.Helper()
	var b bytes.Buffer
	cw := &countingWriter{w: &b}
	valid, err := ValidateJSON(cw, diags)
	if err != nil {
		t.Fatal(err)
	}
	if cw.writes != 1 {
		t.Errorf("wrote %d times, want once", cw.writes)
	}
	var doc validateDoc
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	return valid, b.String(), doc
}

func TestValidateJSONValid(t *testing.T) {
	_, diags := load(t, demo)
	valid, out, doc := validate(t, diags)
	if !valid || !doc.Valid || doc.ErrorCount != 0 || doc.WarningCount != 0 || !strings.Contains(out, `"diagnostics": []`) {
		t.Fatalf("valid %v:\n%s", valid, out)
	}
}

func TestValidateJSONInvalid(t *testing.T) {
	src := strings.Replace(demo, `  workdir = "/src"`, `  workdir = "/src"
  comand  = ["x"]`, 1)
	_, diags := load(t, src)
	valid, out, doc := validate(t, diags)
	if valid || doc.Valid || doc.ErrorCount != 1 || doc.WarningCount != 0 || len(doc.Diagnostics) != 1 {
		t.Fatalf("valid %v:\n%s", valid, out)
	}
	d := doc.Diagnostics[0]
	if d.Severity != "error" || d.Summary != "Unsupported argument" || !strings.Contains(d.Detail, `"comand"`) ||
		d.Range == nil || !strings.HasSuffix(d.Range.Filename, "p.hcl") || d.Range.Start.Line != 16 || d.Range.Start.Column != 3 ||
		d.Range.Start.Byte == 0 || d.Range.End.Column <= 3 {
		t.Errorf("diagnostic = %+v, range %+v", d, d.Range)
	}
}

// A warning leaves the result valid; a diagnostic without a subject has no
// range.
func TestValidateJSONWarning(t *testing.T) {
	valid, out, doc := validate(t, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Careful", Detail: "a <b> & c"}})
	if !valid || !doc.Valid || doc.ErrorCount != 0 || doc.WarningCount != 1 {
		t.Fatalf("valid %v:\n%s", valid, out)
	}
	if d := doc.Diagnostics[0]; d.Severity != "warning" || d.Summary != "Careful" || d.Range != nil || strings.Contains(out, `"range"`) {
		t.Errorf("diagnostic = %+v\n%s", d, out)
	}
	if !strings.Contains(out, `"detail": "a <b> & c"`) {
		t.Errorf("HTML escaped:\n%s", out)
	}
}
