package pipeline

import (
	"bytes"
	"fmt"
	"strings"
)

// MaxOutputBytes bounds a step's output file: outputs are small values
// (versions, names, short notes); files belong in artifacts.
const MaxOutputBytes = 1 << 20

// OutputFileError is a line of an output file that does not parse. Line
// counts from 1.
type OutputFileError struct {
	Line int
	Msg  string
}

func (e *OutputFileError) Error() string {
	return fmt.Sprintf("$%s line %d: %s", OutputEnv, e.Line, e.Msg)
}

// ParseOutputs reads an output file in the format GitHub Actions uses for
// $GITHUB_OUTPUT: one `key=value` per line, or a multi-line value written
//
//	key<<DELIMITER
//	line 1
//	line 2
//	DELIMITER
//
// whose value is the lines between, joined by "\n". As there, a line is
// split at whichever of "=" and "<<" comes first, empty lines are skipped,
// the closing delimiter must be the whole line, and a later key replaces an
// earlier one. Lines may end in "\r\n". Keys start with a letter or "_" and
// hold only letters, digits, "_" and "-"; values may not hold NUL, which no
// environment variable or argument can carry. A file larger than
// MaxOutputBytes is an error, as is any malformed line: an *OutputFileError
// names it.
func ParseOutputs(b []byte) (map[string]string, error) {
	if len(b) > MaxOutputBytes {
		return nil, fmt.Errorf("$%s is larger than 1 MiB: outputs are for small values; pass files as artifacts", OutputEnv)
	}
	out := map[string]string{}
	lines := splitLines(b)
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		key, value, end, msg := outputAt(lines, i)
		if msg == "" {
			msg = checkOutputKey(key)
		}
		if msg == "" && strings.IndexByte(value, 0) >= 0 {
			msg = fmt.Sprintf("the value of %q holds a NUL byte", key)
		}
		if msg != "" {
			return nil, &OutputFileError{Line: i + 1, Msg: msg}
		}
		out[key] = value
		i = end
	}
	return out, nil
}

// outputAt reads the output that starts at lines[i]: its key and value,
// the index of its last line, or what is wrong with it.
func outputAt(lines []string, i int) (key, value string, end int, msg string) {
	line := lines[i]
	eq, heredoc := strings.Index(line, "="), strings.Index(line, "<<")
	switch {
	case eq >= 0 && (heredoc < 0 || eq < heredoc):
		return line[:eq], line[eq+1:], i, ""
	case heredoc < 0:
		return "", "", i, fmt.Sprintf("want key=value or key<<DELIMITER, got %q", clip(line))
	}
	key, delim := line[:heredoc], line[heredoc+2:]
	if delim == "" {
		return key, "", i, fmt.Sprintf("%q has no delimiter after <<", clip(key))
	}
	for end = i + 1; end < len(lines); end++ {
		if lines[end] == delim {
			return key, strings.Join(lines[i+1:end], "\n"), end, ""
		}
	}
	return key, "", i, fmt.Sprintf("no line %q ends the value of %q", clip(delim), clip(key))
}

// splitLines cuts b at "\n", dropping one "\r" before each. A final
// newline ends the last line rather than starting an empty one.
func splitLines(b []byte) []string {
	b = bytes.TrimSuffix(b, []byte("\n"))
	if len(b) == 0 {
		return nil
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// checkOutputKey returns what is wrong with key, or "".
func checkOutputKey(key string) string {
	if key == "" {
		return "the key is empty"
	}
	if !ValidOutputKey(key) {
		return fmt.Sprintf("invalid key %q: a key starts with a letter or _ and holds only letters, digits, _ and -", clip(key))
	}
	return ""
}

// ValidOutputKey reports whether key may name an output.
func ValidOutputKey(key string) bool {
	for i, c := range key {
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && (c == '-' || '0' <= c && c <= '9'):
		default:
			return false
		}
	}
	return key != ""
}

// clip shortens text quoted in an error message.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
