package console

import (
	"bytes"
	"fmt"
	"io"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// Every format's Output is an executor.NewLineOutput: a line is handed
// over whole, one at a time across all steps, so parallel steps never mix
// within a line, and a line is at most executor.DefaultMaxLine bytes.

// newPlain is the plain format: step lines prefixed with the step's name,
// lifecycle lines on stderr between them. The prefixes' colors are decided
// on the streams as given, which wrap the terminal once; e.stdout and
// e.stderr are the batched ones on top.
func newPlain(e *env) Format {
	log := e.humanLogger(e.stderr)
	out := plainOutput(e.Graph, e.stdout, e.stderr, colorful(e.Stdout, e.LookupEnv), colorful(e.Stderr, e.LookupEnv))
	return parts{Output: out, Observer: &logObserver{log: log, human: true}, log: log}
}

// stepColors are the ANSI foreground colors steps' prefixes cycle through:
// the readable ones on both dark and light backgrounds.
var stepColors = []string{"36", "33", "35", "32", "34", "96", "93", "95", "92", "94"}

// plainOutput prints each line prefixed with its step name, padded so the
// lines align: stdout lines on runjob's stdout, stderr lines on its stderr,
// so the two stay apart. The prefix is colored per step where that stream
// is a terminal and NO_COLOR is unset.
func plainOutput(g *pipeline.Graph, stdout, stderr io.Writer, colorOut, colorErr bool) executor.Output {
	names := outputNames(g)
	width := 0
	for _, name := range names {
		width = max(width, len(name))
	}
	prefix := func(color bool) map[string][]byte {
		m := make(map[string][]byte, len(names))
		for i, name := range names {
			p := fmt.Sprintf("%-*s | ", width, name)
			if color {
				p = fmt.Sprintf("\x1b[%sm%-*s\x1b[0m | ", stepColors[i%len(stepColors)], width, name)
			}
			m[name] = []byte(p)
		}
		return m
	}
	prefixOut, prefixErr := prefix(colorOut), prefix(colorErr)
	var buf []byte
	return executor.NewLineOutput(0, func(step string, stream executor.Stream, line []byte) {
		w, p := stdout, prefixOut[step]
		if stream == executor.Stderr {
			w, p = stderr, prefixErr[step]
		}
		buf = append(append(append(buf[:0], p...), lastCRSegment(line)...), '\n')
		_, _ = w.Write(buf)
	})
}

// outputNames are the names output arrives under: the steps, then the
// services as svc:NAME.
func outputNames(g *pipeline.Graph) []string {
	p := g.Pipeline()
	names := make([]string, 0, len(p.Steps)+len(p.Services))
	for _, s := range p.Steps {
		names = append(names, s.Name)
	}
	for _, svc := range p.Services {
		names = append(names, "svc:"+svc.Name)
	}
	return names
}

// lastCRSegment is what a terminal would show of a line redrawn with
// carriage returns (a progress bar: "10%\r20%\r30%"): the last non-empty
// segment. A CRLF line ending is just dropped. Without this, the bar's
// earlier states would overwrite the prefix on a terminal. The run record
// keeps the line as the step printed it.
func lastCRSegment(line []byte) []byte {
	line = bytes.TrimRight(line, "\r")
	if i := bytes.LastIndexByte(line, '\r'); i >= 0 {
		return line[i+1:]
	}
	return line
}
