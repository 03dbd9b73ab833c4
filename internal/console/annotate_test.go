package console

import (
	"bytes"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// Diagnostics become annotations only in GitHub Actions, with their range,
// and a message cannot end the workflow command early.
func TestAnnotate(t *testing.T) {
	diags := hcl.Diagnostics{{
		Severity: hcl.DiagError, Summary: "Bad: thing", Detail: "50%\nof it",
		Subject: &hcl.Range{Filename: "a,b.hcl", Start: hcl.Pos{Line: 3, Column: 2}, End: hcl.Pos{Line: 3, Column: 9}},
	}, {Severity: hcl.DiagWarning, Summary: "w", Detail: "d"}}
	var buf bytes.Buffer
	Annotate(&buf, diags, envOf("GITHUB_ACTIONS", "false"))
	Annotate(&buf, diags, nil)
	if buf.Len() != 0 {
		t.Fatalf("annotated outside GitHub Actions: %q", buf.String())
	}
	Annotate(&buf, diags, envOf("GITHUB_ACTIONS", "true"))
	want := "::error file=a%2Cb.hcl,line=3,col=2,endLine=3,endColumn=9,title=Bad%3A thing::Bad: thing: 50%25%0Aof it\n" +
		"::warning title=w::w: d\n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}
}
