package console

import (
	"io"
	"testing"
)

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
