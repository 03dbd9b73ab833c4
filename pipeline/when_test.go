package pipeline

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestAncestorsAreTransitiveAndInDeclarationOrder(t *testing.T) {
	g, err := NewGraph(build("notify:deploy", "build", "test:build", "lint", "deploy:test,lint"))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(g, g.Ancestors(0)); !slices.Equal(got, []string{"build", "test", "lint", "deploy"}) {
		t.Fatalf("ancestors(notify) = %v", got)
	}
	if got := g.Ancestors(1); len(got) != 0 {
		t.Fatalf("ancestors(build) = %v, want none", got)
	}
}

func TestOnFailureWithoutDependenciesNeverRuns(t *testing.T) {
	p := build("build", "notify")
	p.Steps[1].When = WhenOnFailure
	p.Steps[1].WhenPos = Pos{File: "t.hcl", Line: 7, Column: 10}
	_, err := NewGraph(p)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("err = %v, want one error", err)
	}
	if e := errs[0]; e.Summary != "Step never runs" || !strings.HasPrefix(e.Error(), `t.hcl:7:10: step "notify" runs only when one of its dependencies failed, and it has none`) {
		t.Fatalf("error = %q (%s)", e.Error(), e.Summary)
	}

	// always needs no dependency, and on_failure with one is fine.
	p = build("build", "notify:build", "cleanup")
	p.Steps[1].When, p.Steps[2].When = WhenOnFailure, WhenAlways
	if _, err := NewGraph(p); err != nil {
		t.Fatal(err)
	}
}

func TestInvalidStepConditionListsTheWords(t *testing.T) {
	p := build("a")
	p.Steps[0].When = "sometimes"
	_, err := NewGraph(p)
	if err == nil || !strings.Contains(err.Error(), `t.hcl:1:1: step "a": when = "sometimes", want on_success, on_failure, always, true or false`) {
		t.Fatalf("err = %v", err)
	}
}

func TestConditionAfterFailure(t *testing.T) {
	for c, want := range map[Condition]bool{"": false, WhenOnSuccess: false, WhenOnFailure: true, WhenAlways: true} {
		if got := c.AfterFailure(); got != want {
			t.Errorf("%q.AfterFailure() = %v, want %v", c, got, want)
		}
	}
}
