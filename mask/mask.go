// Package mask hides secret values in everything runjob prints or writes.
//
// A Masker knows the secrets of a run and the forms they commonly take in
// output: the value itself, each line of a multi-line value, and its base64
// encodings (standard and URL alphabets, padded or not, and the stable core
// of the value when it is embedded at any offset inside a longer base64
// text). Each occurrence is replaced with "***".
//
// Stream wraps a writer for output that arrives in arbitrary pieces: it holds
// back just enough bytes to catch a secret split across two writes, so no
// prefix of a secret ever leaves before the masker knows whether the rest
// follows. Memory is bounded by the longest pattern.
package mask

import (
	"encoding/base64"
	"slices"
	"strings"
)

// Replacement is what a secret becomes.
const Replacement = "***"

// MinLength is the shortest value masked. Masking shorter values would
// shred ordinary output ("a", "1", "on") while hiding nothing.
const MinLength = 4

// MinLineLength is the shortest line of a multi-line value masked on its
// own (see New).
const MinLineLength = 8

// Masker replaces secret values. The zero value and nil mask nothing. A
// Masker is immutable and safe for concurrent use.
type Masker struct {
	patterns [][]byte // longest first, so overlapping matches hide the most
	maxLen   int
	repl     []byte
}

// New returns a Masker for the given secret values. Values shorter than
// MinLength (after trimming surrounding whitespace) are not masked.
func New(values ...string) *Masker { return NewWithReplacement(Replacement, values...) }

// NewWithReplacement is New with another replacement text, e.g.
// "(sensitive)" where a plan shows what a value is rather than hides it in
// output.
func NewWithReplacement(repl string, values ...string) *Masker {
	seen := map[string]bool{}
	var pats []string
	add := func(s string) {
		if len(strings.TrimSpace(s)) >= MinLength && !seen[s] {
			seen[s] = true
			pats = append(pats, s)
		}
	}
	for _, v := range values {
		add(v)
		add(strings.TrimSpace(v))
		// A multi-line value (a key, a certificate) printed by a tool is
		// cut into lines by everything downstream: mask each line that
		// could be a fragment of a credential on its own. Lines with spaces
		// are prose or script (a value derived from a secret may be a whole
		// script), and masking them would hide innocent output.
		if strings.ContainsAny(v, "\r\n") {
			for _, line := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
				if line = strings.TrimSpace(line); len(line) >= MinLineLength && !strings.ContainsAny(line, " \t") {
					add(line)
				}
			}
		}
		for _, enc := range encodings(v) {
			add(enc)
		}
	}
	m := &Masker{repl: []byte(repl)}
	slices.SortFunc(pats, func(a, b string) int { return len(b) - len(a) })
	for _, p := range pats {
		m.patterns = append(m.patterns, []byte(p))
		m.maxLen = max(m.maxLen, len(p))
	}
	return m
}

// encodings returns the base64 forms of v: whole-value encodings in both
// alphabets with and without padding, and for each of the three offsets at
// which v can start inside a longer encoded text, the characters that depend
// on v alone.
func encodings(v string) []string {
	if len(v) < MinLength {
		return nil
	}
	var out []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		full := enc.EncodeToString([]byte(v))
		out = append(out, full, strings.TrimRight(full, "="))
		for offset := range 3 {
			// Encode v behind offset filler bytes; the first characters
			// mix in the filler and the last ones the unknown successor.
			s := enc.EncodeToString(append(make([]byte, offset), v...))
			start := (offset*8 + 5) / 6 // characters touched by the filler
			end := (offset + len(v)) * 8 / 6
			if end-start >= MinLength+2 {
				out = append(out, s[start:end])
			}
		}
	}
	return out
}

// Empty reports whether the Masker masks nothing.
func (m *Masker) Empty() bool { return m == nil || len(m.patterns) == 0 }

// String returns s with every secret replaced.
func (m *Masker) String(s string) string {
	if m.Empty() {
		return s
	}
	return string(m.Bytes([]byte(s)))
}

// Bytes returns b with every secret replaced. It returns b itself, not a
// copy, when nothing matched.
func (m *Masker) Bytes(b []byte) []byte {
	if m.Empty() {
		return b
	}
	spans := m.find(b)
	if len(spans) == 0 {
		return b
	}
	return m.replace(nil, b, spans, len(b))
}
