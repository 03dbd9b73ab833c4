package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/runjob/runjob/internal/errkind"
)

// parse runs the command line with stub commands and returns the options
// the run or validate command would have received.
func parse(t *testing.T, args ...string) (*runOptions, *validateOptions, int, string) {
	t.Helper()
	var gotRun *runOptions
	var gotValidate *validateOptions
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr, commands{
		run:      func(_ context.Context, o *runOptions) error { gotRun = o; return nil },
		validate: func(_ context.Context, o *validateOptions) error { gotValidate = o; return nil },
	})
	root.SetArgs(args)
	code := exitCode(root.ExecuteContext(context.Background()), &stderr)
	return gotRun, gotValidate, code, stderr.String()
}

func TestFlagsMayFollowTheFile(t *testing.T) {
	for _, args := range [][]string{
		{"ci.hcl", "--var", "x=1", "-j", "4", "--var", "y=a=b"},
		{"run", "ci.hcl", "--var", "x=1", "-j", "4", "--var", "y=a=b"},
		{"--var", "x=1", "ci.hcl", "-j4", "--var=y=a=b"},
	} {
		o, _, code, stderr := parse(t, args...)
		if code != 0 || o == nil {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
		if o.File != "ci.hcl" || o.Concurrency != 4 || o.Vars["x"] != "1" || o.Vars["y"] != "a=b" {
			t.Fatalf("%q: options = %+v", args, o)
		}
	}
}

func TestValidateParsesVars(t *testing.T) {
	_, v, code, stderr := parse(t, "validate", "p.hcl", "--var", "a=b")
	if code != 0 || v == nil || v.File != "p.hcl" || v.Vars["a"] != "b" {
		t.Fatalf("exit %d, options %+v: %s", code, v, stderr)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"a.hcl", "b.hcl"},
		{"a.hcl", "--no-such-flag"},
		{"a.hcl", "--var", "novalue"},
		{"a.hcl", "--log-format", "xml"},
		{"validate"},
	} {
		o, _, code, stderr := parse(t, args...)
		if code != exitCodes[errkind.Usage] || o != nil {
			t.Errorf("%q: exit %d (ran: %v), want %d", args, code, o != nil, exitCodes[errkind.Usage])
		}
		if !strings.Contains(stderr, "runjob:") {
			t.Errorf("%q: no error message: %q", args, stderr)
		}
	}
}

func TestRunFlagsForPlanning(t *testing.T) {
	o, _, code, stderr := parse(t, "ci.hcl", "--only", "test", "--var-file", "a.hcl", "--dry-run", "--only", "lint", "--var-file=b.json")
	if code != 0 || o == nil {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !slices.Equal(o.Only, []string{"test", "lint"}) || !slices.Equal(o.VarFiles, []string{"a.hcl", "b.json"}) || !o.DryRun {
		t.Fatalf("options = %+v", o)
	}
}

// parseAll runs the command line with stubs for every command and returns
// what list, graph or fmt received.
func parseAll(t *testing.T, args ...string) (*listOptions, *fmtOptions, *validateOptions, int, string) {
	t.Helper()
	var lo *listOptions
	var fo *fmtOptions
	var vo *validateOptions
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr, commands{
		validate: func(_ context.Context, o *validateOptions) error { vo = o; return nil },
		list:     func(_ context.Context, o *listOptions) error { lo = o; return nil },
		graph:    func(_ context.Context, o *listOptions) error { lo = o; return nil },
		fmt:      func(_ context.Context, o *fmtOptions) error { fo = o; return nil },
	})
	root.SetArgs(args)
	code := exitCode(root.ExecuteContext(context.Background()), &stderr)
	return lo, fo, vo, code, stderr.String()
}

func TestNewCommandsTakeFlagsAfterTheFile(t *testing.T) {
	lo, _, _, code, stderr := parseAll(t, "list", "p.hcl", "--var", "a=b", "--var-file", "v.hcl")
	if code != 0 || lo.File != "p.hcl" || lo.Vars["a"] != "b" || !slices.Equal(lo.VarFiles, []string{"v.hcl"}) {
		t.Fatalf("list: exit %d, %+v: %s", code, lo, stderr)
	}
	lo, _, _, code, stderr = parseAll(t, "graph", "p.hcl", "--format", "mermaid", "--var", "a=b")
	if code != 0 || lo.Format != "mermaid" || lo.Vars["a"] != "b" {
		t.Fatalf("graph: exit %d, %+v: %s", code, lo, stderr)
	}
	_, fo, _, code, stderr := parseAll(t, "fmt", "a.hcl", "b.hcl", "--check")
	if code != 0 || !fo.Check || !slices.Equal(fo.Files, []string{"a.hcl", "b.hcl"}) {
		t.Fatalf("fmt: exit %d, %+v: %s", code, fo, stderr)
	}
	_, _, vo, code, stderr := parseAll(t, "validate", "p.hcl", "--json", "--var-file", "v.json")
	if code != 0 || !vo.JSON || !slices.Equal(vo.VarFiles, []string{"v.json"}) {
		t.Fatalf("validate: exit %d, %+v: %s", code, vo, stderr)
	}
	for _, args := range [][]string{{"graph", "p.hcl", "--format", "svg"}, {"fmt"}, {"list"}, {"list", "p.hcl", "--var", "x"}} {
		if _, _, _, code, _ := parseAll(t, args...); code != exitCodes[errkind.Usage] {
			t.Errorf("%q: exit %d, want %d", args, code, exitCodes[errkind.Usage])
		}
	}
}

func TestRunFlagsForReuse(t *testing.T) {
	o, _, code, stderr := parse(t, "ci.hcl", "--no-reuse", "--cache-dir", "/tmp/c")
	if code != 0 || o == nil || !o.NoReuse || o.CacheDir != "/tmp/c" {
		t.Fatalf("exit %d, options %+v: %s", code, o, stderr)
	}
	if o, _, _, _ := parse(t, "ci.hcl"); o == nil || o.NoReuse || o.CacheDir != "" {
		t.Fatalf("defaults: %+v", o)
	}
}
