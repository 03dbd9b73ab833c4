package console

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

// envOf is a LookupEnv over a fixed environment.
func envOf(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestResolveFormat(t *testing.T) {
	var buf bytes.Buffer
	gha := envOf("GITHUB_ACTIONS", "true")
	if got := resolve("auto", &buf, gha); got != "github" {
		t.Errorf("auto in GitHub Actions = %s", got)
	}
	if got := resolve("json", &buf, gha); got != "json" {
		t.Errorf("an explicit format changed to %s", got)
	}
	if got := resolve("auto", &buf, envOf("GITHUB_ACTIONS", "")); got != "plain" {
		t.Errorf("auto on a pipe = %s", got)
	}
}

// The registry is the one list of names: New builds each and rejects the
// rest, and the help names them all.
func TestRegistry(t *testing.T) {
	g, diags := hclconfig.New().Load(filepath.Join("testdata", "modes", "pipeline.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := strings.Join(Names(), " "); got != "auto tty plain json github" {
		t.Errorf("names %q", got)
	}
	for _, name := range Names() {
		v, err := New(name, Options{Graph: g, RunID: "r", Stdout: io.Discard, Stderr: io.Discard})
		if err != nil || v.Format == nil {
			t.Errorf("New(%q): %v", name, err)
			continue
		}
		v.Close()
		if !strings.Contains(Help(), name+" (") {
			t.Errorf("help lacks %s: %s", name, Help())
		}
	}
	if _, err := New("xml", Options{Graph: g, Stdout: io.Discard, Stderr: io.Discard}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("New(xml) = %v", err)
	}
}

func TestCleanStripsControlsAndEscapes(t *testing.T) {
	term := &terminal{w: io.Discard, fd: -1}
	for in, want := range map[string]string{
		"\x1b[31mred\x1b[0m":              "red",
		"10%\r50%\r100%\r":                "100%",
		"\x1b]0;title\x07a\tb\x00\x07c":   "a bc",
		"bad \xff\xfe utf8":               "bad \ufffd\ufffd utf8",
		"\x1b[2J\x1b[Hcleared\x1b(B\x1b[": "cleared",
		"全角 ok":                           "全角 ok",
	} {
		if got := term.clean([]byte(in)); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFitCountsColumns(t *testing.T) {
	term := &terminal{w: io.Discard, fd: -1}
	for _, c := range []struct {
		in   string
		cols int
		want string
	}{
		{"short", 20, "short"},
		{"exactly-twenty-chars", 20, "exactly-twenty-chars"},
		{"a line longer than twenty", 20, "a line longer than …"},
		{"全角文字全角文字全角文字", 9, "全角文字…"},
		{"\x1b[36m✓\x1b[0m build ok 1.2s exit 0", 10, "\x1b[36m✓\x1b[0m build o…"},
		{"anything", 0, "…"},
	} {
		if got := term.fit(c.in, c.cols); got != c.want {
			t.Errorf("fit(%q, %d) = %q, want %q", c.in, c.cols, got, c.want)
		}
		if got := columns(term.fit(c.in, c.cols)); got > max(c.cols, 1) {
			t.Errorf("fit(%q, %d) takes %d columns", c.in, c.cols, got)
		}
	}
}

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
