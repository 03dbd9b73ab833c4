package inspect

import (
	"io"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/internal/errkind"
)

// ValidateJSON writes diags in the shape of `terraform validate -json`,
// for editors and CI, and reports whether they hold no error. The document
// has valid, error_count, warning_count and diagnostics (never null); each
// diagnostic has severity ("error" or "warning"), summary, detail and, when
// it has a subject, range {filename, start, end}, each position {line,
// column, byte}. The diagnostics are written as they are: the loader has
// already masked sensitive values in them.
func ValidateJSON(w io.Writer, diags hcl.Diagnostics) (valid bool, err error) {
	out := jsonResult{Valid: !diags.HasErrors(), Diagnostics: []jsonDiag{}}
	for _, d := range diags {
		jd := jsonDiag{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
			out.WarningCount++
		} else {
			out.ErrorCount++
		}
		if d.Subject != nil {
			jd.Range = &jsonRange{Filename: d.Subject.Filename, Start: jsonPos(d.Subject.Start), End: jsonPos(d.Subject.End)}
		}
		out.Diagnostics = append(out.Diagnostics, jd)
	}
	s, err := encodeJSON(out)
	if err != nil {
		return out.Valid, errkind.New(errkind.Engine, err)
	}
	return out.Valid, write(w, s)
}

type jsonResult struct {
	Valid        bool       `json:"valid"`
	ErrorCount   int        `json:"error_count"`
	WarningCount int        `json:"warning_count"`
	Diagnostics  []jsonDiag `json:"diagnostics"`
}

type jsonDiag struct {
	Severity string     `json:"severity"`
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail"`
	Range    *jsonRange `json:"range,omitempty"`
}

type jsonRange struct {
	Filename string      `json:"filename"`
	Start    jsonPosType `json:"start"`
	End      jsonPosType `json:"end"`
}

type jsonPosType struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

func jsonPos(p hcl.Pos) jsonPosType { return jsonPosType{Line: p.Line, Column: p.Column, Byte: p.Byte} }
