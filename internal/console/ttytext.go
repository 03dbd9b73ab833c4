package console

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Text from containers, made safe to print in place on a terminal, and
// cut to its width.

// clean makes a line from a container printable in place: only the last
// carriage-return segment (a progress bar's current state), escape
// sequences (colors, cursor movement) removed, other control characters
// dropped, tabs as spaces, invalid UTF-8 as U+FFFD.
func (t *terminal) clean(line []byte) string {
	line = lastCRSegment(line)
	var b strings.Builder
	for i := 0; i < len(line); {
		r, n := utf8.DecodeRune(line[i:])
		switch {
		case r == 0x1b:
			n = escapeLen(line[i:])
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		default:
			b.WriteRune(r) // RuneError for invalid bytes
		}
		i += n
	}
	return b.String()
}

// escapeLen is the length of the escape sequence at the start of p: a CSI
// (ESC [ params final), an OSC (ESC ] ... BEL or ST), or an ESC sequence.
func escapeLen(p []byte) int {
	if len(p) < 2 {
		return len(p)
	}
	switch p[1] {
	case '[':
		for i := 2; i < len(p); i++ {
			if p[i] >= 0x40 && p[i] <= 0x7e {
				return i + 1
			}
		}
		return len(p)
	case ']':
		for i := 2; i < len(p); i++ {
			if p[i] == 0x07 {
				return i + 1
			}
			if p[i] == 0x1b && i+1 < len(p) && p[i+1] == '\\' {
				return i + 2
			}
		}
		return len(p)
	}
	// ESC, intermediates (charset designations: ESC ( B), a final byte.
	i := 1
	for i < len(p) && p[i] >= 0x20 && p[i] <= 0x2f {
		i++
	}
	return min(i+1, len(p))
}

// fit cuts s (which may hold our own SGR colors, never other escapes) to
// cols display columns, ending in "…" when cut. Wide (East Asian) runes
// count two columns, so a cut line never wraps and breaks the redraw.
func (t *terminal) fit(s string, cols int) string {
	cols = max(cols, 1)
	if columns(s) <= cols {
		return s
	}
	var b strings.Builder
	used := 0
	for i := 0; i < len(s); {
		n, w := 0, 0
		if s[i] == 0x1b {
			n = escapeLen([]byte(s[i:]))
		} else {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			w = runeColumns(r)
		}
		if used+w > cols-1 {
			break
		}
		b.WriteString(s[i : i+n])
		used += w
		i += n
	}
	b.WriteString("…")
	return b.String()
}

// columns is the display width of s, escapes excluded.
func columns(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			i += escapeLen([]byte(s[i:]))
			continue
		}
		r, sz := utf8.DecodeRuneInString(s[i:])
		n += runeColumns(r)
		i += sz
	}
	return n
}

func runeColumns(r rune) int {
	if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
		return 2
	}
	return 1
}
