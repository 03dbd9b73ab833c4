package console

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
)

// A step's held lines are bounded: the oldest go, and the group says how
// many and where they are.
func TestGitHubGroupIsBounded(t *testing.T) {
	var out bytes.Buffer
	v := newGitHubView(&out, io.Discard, nil, "tok", executor.ObserverFunc(func(executor.Event) {}))
	so, _ := v.Open("big")
	line := strings.Repeat("z", 1023) + "\n"
	for range (githubMaxBytes / 1024) * 2 {
		_, _ = io.WriteString(so, line)
	}
	_, _ = io.WriteString(so, "last\n")
	so.Close()
	v.Event(executor.Event{Kind: executor.EventStepFinished, Step: "big", Result: &executor.StepResult{Name: "big", Status: executor.StatusOK}})
	s := out.String()
	if len(s) > githubMaxBytes+64<<10 {
		t.Errorf("group of %d bytes, bound %d", len(s), githubMaxBytes)
	}
	if !strings.Contains(s, "earlier lines not shown") || !strings.HasSuffix(s, "last\n::tok::\n::endgroup::\n") {
		t.Errorf("group lacks the note or the last line: %.300q ... %q", s, s[len(s)-100:])
	}
}
