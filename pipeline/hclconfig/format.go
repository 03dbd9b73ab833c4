package hclconfig

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// FormatFile reports whether file is not in canonical form, and rewrites it
// unless check is set.
func FormatFile(file string, check bool) (bool, error) {
	if strings.EqualFold(filepath.Ext(file), ".json") {
		return false, fmt.Errorf("%s: fmt formats HCL native syntax; this is a JSON file", file)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return false, err
	}
	if _, diags := hclwrite.ParseConfig(src, file, hcl.InitialPos); diags.HasErrors() {
		return false, fmt.Errorf("%s: %s", file, diagsLine(diags))
	}
	out := hclwrite.Format(src)
	if bytes.Equal(out, src) {
		return false, nil
	}
	if !check {
		fi, err := os.Stat(file)
		if err != nil {
			return false, err
		}
		if err := os.WriteFile(file, out, fi.Mode().Perm()); err != nil {
			return false, err
		}
	}
	return true, nil
}

// diagsLine renders syntax errors compactly, each at line:col.
func diagsLine(diags hcl.Diagnostics) string {
	var msgs []string
	for _, d := range diags.Errs() {
		msgs = append(msgs, d.Error())
	}
	return strings.Join(msgs, "; ")
}
