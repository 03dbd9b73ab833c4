package main

import (
	"io"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// newOutput returns where step output goes. Human modes print each line
// prefixed with its step name, padded so the lines align: stdout lines on
// runjob's stdout, stderr lines on its stderr, so the two stay apart. JSON
// mode logs each line as an "output" event. Either way a line is written
// with one call under the executor's line lock, so parallel steps never mix
// within a line.
func newOutput(format string, g *pipeline.Graph, log zerolog.Logger, stdout, stderr io.Writer) executor.Output {
	if format == "json" {
		return executor.NewLineOutput(0, func(step string, stream executor.Stream, line []byte) {
			log.Info().Str(fieldEvent, "output").Str(fieldStep, step).Str(fieldStream, string(stream)).
				Bytes(fieldLine, line).Send()
		})
	}
	width := 0
	for i := range g.Len() {
		width = max(width, len(g.Step(i).Name))
	}
	var buf []byte
	return executor.NewLineOutput(0, func(step string, stream executor.Stream, line []byte) {
		buf = append(buf[:0], step...)
		for range width - len(step) {
			buf = append(buf, ' ')
		}
		buf = append(buf, " | "...)
		buf = append(buf, line...)
		buf = append(buf, '\n')
		w := stdout
		if stream == executor.Stderr {
			w = stderr
		}
		_, _ = w.Write(buf)
	})
}
