package hclconfig

import (
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"
)

// Limits that keep hostile or broken input from exhausting the machine.
// HCL's parsers recurse per nesting level, and a Go stack overflow cannot be
// recovered, so nesting is bounded before parsing.
const (
	maxFileSize = 64 << 20 // a pipeline, var file, file() or templatefile() source
	maxNesting  = 256      // brackets and braces open at once
)

// readLimited reads a whole file of at most maxFileSize bytes. It reads
// through a limit rather than trusting Stat, so /dev/zero is refused too.
func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, maxFileSize>>20)
	}
	return b, nil
}

// checkNesting reports source nested deeper than maxNesting. It counts
// brackets everywhere, strings included, which is cruder than the grammar
// but cannot be fooled into letting a deeper structure through.
func checkNesting(filename string, src []byte) hcl.Diagnostics {
	depth, line, col := 0, 1, 1
	for i, c := range src {
		switch c {
		case '(', '[', '{':
			if depth++; depth > maxNesting {
				at := hcl.Pos{Line: line, Column: col, Byte: i}
				return hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Nesting too deep",
					Detail:   fmt.Sprintf("Brackets and braces are nested more than %d levels deep here; runjob refuses such input.", maxNesting),
					Subject:  &hcl.Range{Filename: filename, Start: at, End: at},
				}}
			}
		case ')', ']', '}':
			depth = max(depth-1, 0)
		case '\n':
			line, col = line+1, 0
		}
		col++
	}
	return nil
}
