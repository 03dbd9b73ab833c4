package console

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"golang.org/x/sys/unix"
)

// terminal is where the live view draws: its size, whether it takes
// colors, and how text from containers is made safe to print on it.
type terminal struct {
	w     io.Writer
	fd    int // -1: not a terminal, size is the default
	color bool
}

func newTerminal(w io.Writer, lookupEnv func(string) (string, bool)) *terminal {
	t := &terminal{w: w, fd: -1, color: colorful(w, lookupEnv)}
	u := w
	if uw, ok := w.(interface{ Unwrap() io.Writer }); ok {
		u = uw.Unwrap()
	}
	if f, ok := u.(*os.File); ok {
		t.fd = int(f.Fd())
	}
	return t
}

// isTerminal reports whether w is (or directly wraps) a terminal. One
// level of Unwrap, as the writers console is given wrap the file once.
func isTerminal(w io.Writer) bool {
	if u, ok := w.(interface{ Unwrap() io.Writer }); ok {
		w = u.Unwrap()
	}
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// colorful reports whether w is a terminal that may get ANSI colors: not
// when NO_COLOR is set (to anything), as lookupEnv tells.
func colorful(w io.Writer, lookupEnv func(string) (string, bool)) bool {
	if lookupEnv != nil {
		if _, ok := lookupEnv("NO_COLOR"); ok {
			return false
		}
	}
	return isTerminal(w)
}

// size is the terminal's columns and rows, asked at every draw so a
// resize takes effect; 80x24 when it cannot be known.
func (t *terminal) size() (cols, rows int) {
	if t.fd >= 0 {
		if ws, err := unix.IoctlGetWinsize(t.fd, unix.TIOCGWINSZ); err == nil && ws.Col > 0 && ws.Row > 0 {
			return int(ws.Col), int(ws.Row)
		}
	}
	return 80, 24
}

// paint wraps s in an SGR color, or leaves it alone without colors.
func (t *terminal) paint(sgr, s string) string {
	if !t.color {
		return s
	}
	return "\x1b[" + sgr + "m" + s + "\x1b[0m"
}
