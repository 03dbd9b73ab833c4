package hclconfig

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestVarErrors(t *testing.T) {
	src := `
variable "greeting" {
  default = "hello"
}
variable "count" {
  default = 2
}
step "s" {
  image   = "busybox:latest"
  command = ["echo", var.greeting, var.count]
}`
	cases := map[string]struct {
		opts []Option
		want string
	}{
		"undeclared --var with suggestion":       {[]Option{WithVars(map[string]string{"greting": "x"})}, `declares no variable "greting". Did you mean "greeting"?`},
		"untyped --var takes the default's type": {[]Option{WithVars(map[string]string{"count": "many"})}, `--var count="many": a number is required (the default is a number)`},
		"missing var file":                       {[]Option{WithVarFiles("nope.hcl")}, "--var-file nope.hcl: open nope.hcl: no such file or directory"},
		"var file syntax error":                  {[]Option{WithVarFiles("testdata/invalid/syntax_error.hcl")}, "testdata/invalid/syntax_error.hcl:"},
		"env value of the wrong type":            {[]Option{WithEnviron([]string{"RUNJOB_VAR_count=many"})}, `RUNJOB_VAR_count="many": a number is required`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, diags := errorsOf(t, src, tc.opts...)
			if !diags.HasErrors() || !strings.Contains(out, tc.want) {
				t.Fatalf("diagnostics:\n%s\nwant to contain %q", out, tc.want)
			}
		})
	}
}

// A sensitive value appears nowhere a user could read it: not in rendered
// diagnostics (snippets included), not in their JSON fields.
func TestSensitiveValueNeverInDiagnostics(t *testing.T) {
	const secret = "hunter2-very-secret"
	src := `
variable "token" {
  type      = string
  sensitive = true
  validation {
    condition     = length(var.token) < 5
    error_message = "bad token ${var.token}"
  }
}
variable "pin" {
  type      = number
  sensitive = true
}
step "s" {
  image   = "busybox:latest"
  command = ["echo", var.token + 1]
  env     = { A = jsonencode(var.token), B = [var.token] }
}`
	out, diags := errorsOf(t, src, WithVars(map[string]string{"token": secret, "pin": secret}))
	if !diags.HasErrors() {
		t.Fatal("no errors")
	}
	b, _ := json.Marshal(diags)
	for _, text := range []string{out, string(b)} {
		if strings.Contains(text, secret) {
			t.Fatalf("secret leaked:\n%s", text)
		}
	}
	if !strings.Contains(out, "(sensitive)") {
		t.Errorf("no (sensitive) placeholder:\n%s", out)
	}
}

func TestFunctionSet(t *testing.T) {
	names := FunctionNames()
	for _, want := range []string{"format", "join", "upper", "lower", "merge", "concat", "length", "keys", "values",
		"lookup", "contains", "toset", "tolist", "tomap", "setproduct", "jsonencode", "jsondecode", "regex", "replace",
		"try", "can", "file", "templatefile", "env"} {
		if !slices.Contains(names, want) {
			t.Errorf("function %s missing", want)
		}
	}
}

func TestMask(t *testing.T) {
	got := Mask("token abcd and abcdef", []string{"abcdef", "abcd"})
	if got != "token (sensitive) and (sensitive)" {
		t.Fatalf("Mask = %q", got)
	}
	// Values under mask.MinLength are left alone (the loader warns).
	if got := Mask("on and off", []string{"on"}); got != "on and off" {
		t.Fatalf("short value masked: %q", got)
	}
}
