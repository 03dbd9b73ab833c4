package report

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxFileName bounds FileName's result, leaving room for the longest suffix
// (".stdout") under the 255-byte limit of common file systems.
const maxFileName = 200

// FileName maps a step name to the base name of its log files. The mapping
// is injective, so two steps never share a file, and keeps common names
// readable:
//
//   - bytes in [A-Za-z0-9_-] are kept, and so is "." except in first place
//     (so no name is hidden, "." or "..");
//   - every other byte, "%" included, becomes %XX (upper-case hex), as in
//     URLs: test[go1.22] -> test%5Bgo1.22%5D, a/b -> a%2Fb;
//   - a result longer than 200 bytes is cut to 180 and gets "~" and 16 hex
//     digits of the name's SHA-256 ("~" appears in no uncut result);
//   - the empty name becomes "%".
//
// Step names that differ only in letter case map to names that differ only
// in case; the Recorder adds a hash suffix to the later one so that they
// stay apart on case-insensitive file systems too.
func FileName(step string) string {
	if step == "" {
		return "%"
	}
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(step); i++ {
		c := step[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	out := b.String()
	if len(out) <= maxFileName {
		return out
	}
	cut := 180
	// Never cut inside a %XX escape.
	if i := strings.LastIndexByte(out[cut-2:cut], '%'); i >= 0 {
		cut = cut - 2 + i
	}
	return out[:cut] + "~" + nameHash(step)
}

// nameHash is 16 hex digits of the name's SHA-256.
func nameHash(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:8])
}

// nameSet assigns steps their file names: FileName, plus "~" and a hash
// for a step whose file name folds to one already assigned, so that names
// differing only in case stay apart on case-insensitive file systems.
// Assignments never change, whatever is added later.
type nameSet struct {
	names map[string]string // step -> file name
	taken map[string]bool   // lower-cased file names in use
}

func newNameSet(steps []string) *nameSet {
	ns := &nameSet{names: map[string]string{}, taken: map[string]bool{}}
	for _, s := range steps {
		ns.get(s)
	}
	return ns
}

// get returns the step's file name, assigning one on first use.
func (ns *nameSet) get(step string) string {
	if n, ok := ns.names[step]; ok {
		return n
	}
	n := FileName(step)
	if ns.taken[strings.ToLower(n)] {
		n = n[:min(len(n), 180)] + "~" + nameHash(step)
	}
	ns.taken[strings.ToLower(n)] = true
	ns.names[step] = n
	return n
}
