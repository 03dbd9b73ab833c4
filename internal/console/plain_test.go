package console

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"

	"github.com/runjob/runjob/pipeline/hclconfig"
)

func TestPlainOutputColorsAndAligns(t *testing.T) {
	g, diags := hclconfig.New().Load(filepath.Join("testdata", "modes", "pipeline.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var out, errw bytes.Buffer
	o := plainOutput(g, &out, &errw, true, false)
	so, se := o.Open("build")
	_, _ = io.WriteString(so, "one\r\ntwo\n")
	_, _ = io.WriteString(se, "err")
	so.Close()
	se.Close()
	want := "\x1b[36mbuild          \x1b[0m | one\n\x1b[36mbuild          \x1b[0m | two\n"
	if out.String() != want {
		t.Errorf("stdout = %q, want %q", out.String(), want)
	}
	if errw.String() != "build           | err\n" {
		t.Errorf("stderr = %q", errw.String())
	}
}
