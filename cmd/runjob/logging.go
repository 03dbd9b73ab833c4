package main

import (
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
)

// Log field names, defined once: they are the JSON log's schema (README).
const (
	fieldRunID      = "run_id"
	fieldPipeline   = "pipeline"
	fieldEvent      = "event"
	fieldStep       = "step"
	fieldImage      = "image"
	fieldContainer  = "container"
	fieldStream     = "stream"
	fieldLine       = "line"
	fieldStatus     = "status"
	fieldExitCode   = "exit_code"
	fieldOOMKilled  = "oom_killed"
	fieldDurationMS = "duration_ms"
	fieldArtifact   = "artifact"
	fieldPath       = "path"
	fieldDir        = "dir"
	fieldFiles      = "files"
	fieldBytes      = "bytes"
	fieldSteps      = "steps"
)

// newLogger builds runjob's one logger. json: JSON lines on stdout, so the
// whole run is one machine-readable stream. Otherwise: human-readable lines
// on stderr, colored only on a terminal and without NO_COLOR.
func newLogger(format string, stdout, stderr io.Writer) zerolog.Logger {
	zerolog.TimeFieldFormat = time.RFC3339Nano
	if format == "json" {
		return zerolog.New(stdout).With().Timestamp().Logger()
	}
	// The run ID and pipeline are in the summary; on a terminal they would
	// only push the interesting fields off the line.
	cw := zerolog.ConsoleWriter{Out: stderr, TimeFormat: "15:04:05", NoColor: !colorful(stderr),
		FieldsExclude: []string{fieldRunID, fieldPipeline, fieldEvent}}
	return zerolog.New(cw).With().Timestamp().Logger()
}

// colorful reports whether w is a terminal that may get ANSI colors.
func colorful(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// logObserver logs lifecycle events. In human mode it leaves out the
// chatty ones (queued, image ready); JSON gets every event.
type logObserver struct {
	log   zerolog.Logger
	human bool
}

func (o *logObserver) Event(ev executor.Event) {
	l := o.log
	if ev.Step != "" {
		l = l.With().Str(fieldStep, ev.Step).Logger()
	}
	switch ev.Kind {
	case executor.EventStepQueued, executor.EventImageReady:
		if o.human {
			return
		}
		l.Info().Str(fieldEvent, string(ev.Kind)).Str(fieldImage, ev.Image).Msg(string(ev.Kind))
	case executor.EventRunStarted:
		l.Info().Str(fieldEvent, string(ev.Kind)).Msg("run started")
	case executor.EventStepStarted:
		l.Info().Str(fieldEvent, string(ev.Kind)).Str(fieldImage, ev.Image).Str(fieldContainer, ev.Container).Msg("step started")
	case executor.EventArtifactExported:
		a := ev.Artifact
		l.Info().Str(fieldEvent, string(ev.Kind)).Str(fieldArtifact, a.Name).Str(fieldPath, a.Path).
			Str(fieldDir, a.Dir).Int(fieldFiles, a.Files).Int64(fieldBytes, a.Bytes).Msg("artifact exported")
	case executor.EventStepFinished:
		r := ev.Result
		e := l.Info()
		switch r.Status {
		case executor.StatusFailed, executor.StatusError:
			e = l.Error()
		case executor.StatusSkipped, executor.StatusCancelled:
			e = l.Warn()
		}
		e = e.Str(fieldEvent, string(ev.Kind)).Str(fieldStatus, string(r.Status)).Int64(fieldDurationMS, r.Duration().Milliseconds())
		if r.ExitCode >= 0 {
			e = e.Int(fieldExitCode, r.ExitCode)
		}
		if r.OOMKilled {
			e = e.Bool(fieldOOMKilled, true)
		}
		e.Err(r.Err).Msg("step " + string(r.Status))
	case executor.EventRunFinished:
		r := ev.Run
		status := "ok"
		if !r.OK() {
			status = "failed"
		}
		l.Info().Str(fieldEvent, string(ev.Kind)).Str(fieldStatus, status).Int(fieldSteps, len(r.Steps)).
			Int64(fieldDurationMS, r.Finished.Sub(r.Started).Milliseconds()).Msg("run finished")
	}
}
