package hclconfig

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// Hostile inputs get diagnostics, not panics, stack overflows or stalls.
// Each case must also finish quickly; the whole test takes seconds.
func TestHostileInputs(t *testing.T) {
	huge := strings.Repeat("x", 10<<20)
	var many strings.Builder
	for i := range 100000 {
		fmt.Fprintf(&many, "step \"s%d\" {\n  image = \"busybox\"\n  depends_on = [step.nope%d]\n}\n", i, i)
	}
	cases := []struct {
		name, file, src string
		valid           bool
		want            string
	}{
		{"deep brackets", "p.hcl", "x = " + strings.Repeat("[", 1e6), false, "Nesting too deep"},
		{"deep braces in JSON", "p.json", strings.Repeat(`{"a":`, 1e6), false, "Nesting too deep"},
		{"deep interpolation", "p.hcl", `step "a" { image = "` + strings.Repeat("${", 1e5) + `" }`, false, "Nesting too deep"},
		{"10 MB string", "p.hcl", `step "a" {` + "\n" + `image = "busybox"` + "\n" + `command = ["` + huge + `"]` + "\n}\n", true, ""},
		{"10 MB heredoc", "p.hcl", "step \"a\" {\nimage = \"busybox\"\nscript = <<EOT\n" + huge + "\nEOT\n}\n", true, ""},
		{"100000 steps with unknown deps", "p.hcl", many.String(), false, "Unknown dependency"},
		{"binary garbage", "p.hcl", "\x00\x01\x02\xff\xfe step \x00 {", false, "Error"},
		{"binary garbage JSON", "p.json", "\x00\x01\x02\xff\xfe", false, "Error"},
		{"invalid UTF-8 in a string", "p.hcl", "step \"a\" {\n  image = \"\xff\xfe\"\n}\n", false, "Invalid character encoding"},
		{"invalid UTF-8 in a label", "p.hcl", "step \"\xc3\x28\" {\n  image = \"x\"\n}\n", false, "Error"},
		{"huge format width", "p.hcl", `step "a" { image = format("%999999999d", 1) }`, false, "width or precision"},
		{"huge setproduct", "p.hcl", "step \"a\" {\nimage = \"x\"\ncommand = [for p in setproduct(range(1000), range(1000), range(1000)) : \"x\"]\n}\n", false, "more than 10000"},
		{"for_each over a huge range", "p.hcl", "step \"a\" {\nfor_each = toset([for i in range(1e9) : tostring(i)])\nimage = \"x\"\n}\n", false, "more than 1024"},
		{"file of a device", "p.hcl", `step "a" { image = file("/dev/zero") }`, false, "not a regular file"},
		{"empty file", "p.hcl", "", false, "No steps"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := New(WithEnviron(nil))
			g, diags := l.LoadSource(tc.file, []byte(tc.src))
			var buf bytes.Buffer
			l.WriteDiagnostics(&buf, diags)
			out := buf.String()
			if tc.valid {
				if diags.HasErrors() {
					t.Fatalf("errors: %.2000s", out)
				}
				return
			}
			if g != nil || !diags.HasErrors() {
				t.Fatal("accepted")
			}
			if !strings.Contains(out, tc.want) {
				t.Fatalf("diagnostics do not mention %q:\n%.2000s", tc.want, out)
			}
		})
	}
}
