package console

import (
	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
)

// newJSON is the json format: every event and every output line one JSON
// object on stdout, so the whole run is one machine-readable stream.
func newJSON(e *env) Format {
	log := e.runLogger(zerolog.New(e.stdout))
	return parts{Output: jsonOutput(log), Observer: &logObserver{log: log}, log: log}
}

// jsonOutput logs each line as an "output" event. zerolog escapes control
// characters and replaces invalid UTF-8, so binary output stays valid JSON.
func jsonOutput(log zerolog.Logger) executor.Output {
	return executor.NewLineOutput(0, func(step string, stream executor.Stream, line []byte) {
		log.Info().Str(FieldEvent, "output").Str(FieldStep, step).Str(FieldStream, string(stream)).
			Bytes(FieldLine, line).Send()
	})
}
