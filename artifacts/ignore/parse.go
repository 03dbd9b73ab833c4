package ignore

import (
	"fmt"
	"path/filepath"
	"strings"
)

// parseLine turns one line of an ignore file into a pattern for
// gitignore.ParsePattern, or "" for a blank line or a comment. It checks the
// glob syntax, which the matcher would otherwise treat as "no match".
func parseLine(line string) (string, error) {
	line = strings.TrimSuffix(line, "\r")
	if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
		return "", nil
	}
	line = negateClasses(line)
	body := strings.TrimPrefix(line, "!")
	for part := range strings.SplitSeq(strings.TrimSpace(body), "/") {
		if _, err := filepath.Match(part, ""); err != nil {
			return "", fmt.Errorf("bad pattern %q: %w", line, err)
		}
	}
	return line, nil
}

// negateClasses rewrites git's negated character class "[!...]" as "[^...]",
// the spelling filepath.Match understands; left alone, "[!0-9]" would mean
// "'!' or a digit" there (go-git issue 2006). Escaped brackets and a "!"
// elsewhere in a class are untouched.
func negateClasses(p string) string {
	b := []byte(p)
	inClass := false
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '\\':
			i++ // skip the escaped byte
		case !inClass && b[i] == '[':
			inClass = true
			if i+1 < len(b) && b[i+1] == '!' {
				b[i+1] = '^'
				i++
			}
			if i+1 < len(b) && b[i+1] == ']' {
				i++ // a leading ']' is a member, not the end
			}
		case inClass && b[i] == ']':
			inClass = false
		}
	}
	return string(b)
}
