package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/bytesize"
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
	fieldAttempt    = "attempt"
	fieldDelayMS    = "delay_ms"
	fieldLayers     = "layers"
	fieldLayersDone = "layers_done"
	fieldBytesTotal = "bytes_total"
	fieldDone       = "done"
	fieldKept       = "kept_container"
	fieldLeftovers  = "leftovers"
	fieldRuns       = "runs"
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
	return isTerminal(w)
}

// logObserver logs lifecycle events. In human mode it leaves out the
// chatty ones (queued, image ready); JSON gets every event.
type logObserver struct {
	log   zerolog.Logger
	human bool
	// lastPull throttles human pull progress further, per image.
	lastPull map[string]time.Time
}

// humanPullEvery spaces pull progress lines on a terminal or in a plain
// log: enough to see a slow pull move, few enough to read.
const humanPullEvery = 2 * time.Second

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
	case executor.EventImagePull:
		o.pull(l, ev)
	case executor.EventStepStarted:
		msg := "step started"
		if ev.Attempt > 1 {
			msg = fmt.Sprintf("step started (attempt %d)", ev.Attempt)
		}
		e := l.Info().Str(fieldEvent, string(ev.Kind)).Str(fieldImage, ev.Image).Str(fieldContainer, ev.Container)
		if !o.human || ev.Attempt > 1 {
			e = e.Int(fieldAttempt, ev.Attempt)
		}
		e.Msg(msg)
	case executor.EventStepRetrying:
		l.Warn().Str(fieldEvent, string(ev.Kind)).Int(fieldAttempt, ev.Attempt).Int64(fieldDelayMS, ev.Delay.Milliseconds()).
			Err(ev.Err).Msgf("attempt %d failed; retrying in %s", ev.Attempt, ev.Delay)
	case executor.EventArtifactExported:
		a := ev.Artifact
		l.Info().Str(fieldEvent, string(ev.Kind)).Str(fieldArtifact, a.Name).Str(fieldPath, a.Path).
			Str(fieldDir, a.Dir).Int(fieldFiles, a.Files).Int64(fieldBytes, a.Bytes).Msg("artifact exported")
	case executor.EventStepFinished:
		r := ev.Result
		e := l.Info()
		switch {
		case r.Status.Failed():
			e = l.Error()
		case r.Status != executor.StatusOK:
			e = l.Warn()
		}
		e = e.Str(fieldEvent, string(ev.Kind)).Str(fieldStatus, string(r.Status)).Int64(fieldDurationMS, r.Duration().Milliseconds())
		if n := len(r.Attempts); n > 0 && (!o.human || n > 1) {
			e = e.Int(fieldAttempt, n)
		}
		if r.Kept != "" {
			e = e.Str(fieldKept, r.Kept)
		}
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
		e := l.Info().Str(fieldEvent, string(ev.Kind)).Str(fieldStatus, status).Int(fieldSteps, len(r.Steps)).
			Int64(fieldDurationMS, r.Finished.Sub(r.Started).Milliseconds())
		if len(r.Leftovers) > 0 {
			e = e.Int(fieldLeftovers, len(r.Leftovers))
		}
		e.Msg("run finished")
	}
}

// pull logs pull progress: every event in JSON, a line every couple of
// seconds (and the last) for humans.
func (o *logObserver) pull(l zerolog.Logger, ev executor.Event) {
	p := ev.Pull
	if o.human {
		if o.lastPull == nil {
			o.lastPull = map[string]time.Time{}
		}
		if now := time.Now(); p.Done || now.Sub(o.lastPull[ev.Image]) >= humanPullEvery {
			o.lastPull[ev.Image] = now
		} else {
			return
		}
	}
	msg := fmt.Sprintf("pulling %s: %d/%d layers, %s", ev.Image, p.LayersDone, p.Layers, bytesize.Format(p.Bytes))
	if p.BytesTotal > 0 {
		msg += " of " + bytesize.Format(p.BytesTotal)
	}
	if p.Done {
		msg = fmt.Sprintf("pulled %s: %d layers, %s", ev.Image, p.Layers, bytesize.Format(p.Bytes))
	}
	if o.human {
		l.Info().Msg(msg) // the message says it all; fields would repeat it
		return
	}
	l.Info().Str(fieldEvent, string(ev.Kind)).Str(fieldImage, ev.Image).Int(fieldLayers, p.Layers).
		Int(fieldLayersDone, p.LayersDone).Int64(fieldBytes, p.Bytes).Int64(fieldBytesTotal, p.BytesTotal).
		Bool(fieldDone, p.Done).Msg(msg)
}
