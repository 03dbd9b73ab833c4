package hclconfig

import (
	"fmt"
	"strings"
	"testing"
)

// generated returns a pipeline of n steps: each depends on up to three
// earlier ones (through depends_on, an input reference and an env
// reference), and uses variables, locals and functions.
func generated(n int) []byte {
	var b strings.Builder
	b.WriteString("variable \"tag\" {\n  default = \"v1\"\n}\n\nlocals {\n  image = \"busybox:${var.tag}\"\n}\n\n")
	for i := range n {
		fmt.Fprintf(&b, "step \"s%d\" {\n  image   = local.image\n  command = [\"echo\", upper(\"step %d\"), var.tag]\n", i, i)
		if i > 0 {
			fmt.Fprintf(&b, "  depends_on = [step.s%d]\n", i-1)
		}
		if i > 1 {
			fmt.Fprintf(&b, "  env = { PREV = step.s%d.name }\n", i-2)
		}
		if i > 2 {
			fmt.Fprintf(&b, "  input \"in\" {\n    from = step.s%d.artifact.out\n    to   = \"/in\"\n  }\n", i-3)
		}
		b.WriteString("  artifact \"out\" {\n    path = \"/out\"\n  }\n}\n\n")
	}
	return []byte(b.String())
}

// BenchmarkLoad1000 loads, validates and orders a generated 1000-step
// pipeline: what every runjob command does before anything else.
func BenchmarkLoad1000(b *testing.B) {
	src := generated(1000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		g, diags := New(WithEnviron(nil)).LoadSource("bench.hcl", src)
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if len(g.Order()) != 1000 {
			b.Fatal("order is not complete")
		}
	}
}

// BenchmarkParse1000 is HCL's parser alone on the same file: the floor
// under BenchmarkLoad1000.
func BenchmarkParse1000(b *testing.B) {
	src := generated(1000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := New().parse("bench.hcl", src); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
