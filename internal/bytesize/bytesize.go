// Package bytesize renders byte counts for people, one way everywhere
// runjob shows a size: the summary, the live view, pull progress, limits
// in error messages, report.html. Binary units, as limits are usually
// written: 512 B, 16 MiB, 1.5 GiB.
package bytesize

import "fmt"

// Format renders n in the largest binary unit not above it, with one
// decimal unless the value is whole.
func Format(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %ciB", int64(v), "KMGTPE"[exp])
	}
	s := fmt.Sprintf("%.1f", v)
	if s[len(s)-2:] == ".0" { // 1.04 KiB rounds to a whole number
		s = s[:len(s)-2]
	}
	return s + " " + string("KMGTPE"[exp]) + "iB"
}
