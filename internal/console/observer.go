package console

import (
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/bytesize"
)

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
		l = l.With().Str(FieldStep, ev.Step).Logger()
	}
	if ev.Node != "" {
		l = l.With().Str(FieldNode, ev.Node).Logger()
	}
	switch ev.Kind {
	case executor.EventStepQueued, executor.EventImageReady:
		if o.human {
			return
		}
		l.Info().Str(FieldEvent, string(ev.Kind)).Str(FieldImage, ev.Image).Msg(string(ev.Kind))
	case executor.EventRunStarted:
		l.Info().Str(FieldEvent, string(ev.Kind)).Msg("run started")
	case executor.EventImagePull:
		o.pull(l, ev)
	case executor.EventStepStarted:
		o.started(l, ev)
	case executor.EventStepRetrying:
		l.Warn().Str(FieldEvent, string(ev.Kind)).Int(FieldAttempt, ev.Attempt).Int64(FieldDelayMS, ev.Delay.Milliseconds()).
			Err(ev.Err).Msgf("attempt %d failed; retrying in %s", ev.Attempt, ev.Delay)
	case executor.EventStepTimeout:
		o.timeout(l, ev)
	case executor.EventArtifactExported:
		a := ev.Artifact
		l.Info().Str(FieldEvent, string(ev.Kind)).Str(FieldArtifact, a.Name).Str(FieldPath, a.Path).
			Str(FieldDir, a.Dir).Int(FieldFiles, a.Files).Int64(FieldBytes, a.Bytes).Msg("artifact exported")
	case executor.EventStepFinished:
		o.finished(l, ev)
	case executor.EventRunFinished:
		o.runFinished(l, ev.Run)
	}
}

func (o *logObserver) started(l zerolog.Logger, ev executor.Event) {
	msg := "step started"
	if ev.Node == executor.NodeBuild {
		msg = "build started"
	}
	if ev.Attempt > 1 {
		msg = fmt.Sprintf("step started (attempt %d)", ev.Attempt)
	}
	e := l.Info().Str(FieldEvent, string(ev.Kind)).Str(FieldImage, ev.Image).Str(FieldContainer, ev.Container)
	if !o.human || ev.Attempt > 1 {
		e = e.Int(FieldAttempt, ev.Attempt)
	}
	e.Msg(msg)
}

// finished logs a step's end: at error level for a failure, warn for any
// other status but ok.
func (o *logObserver) finished(l zerolog.Logger, ev executor.Event) {
	r := ev.Result
	e := l.Info()
	switch {
	case r.Status.Failed():
		e = l.Error()
	case !r.Status.Passed():
		e = l.Warn()
	}
	e = e.Str(FieldEvent, string(ev.Kind)).Str(FieldStatus, string(r.Status)).Int64(FieldDurationMS, r.Duration().Milliseconds())
	if n := len(r.Attempts); n > 0 && (!o.human || n > 1) {
		e = e.Int(FieldAttempt, n)
	}
	if r.Kept != "" {
		e = e.Str(FieldKept, r.Kept)
	}
	if r.ExitCode >= 0 {
		e = e.Int(FieldExitCode, r.ExitCode)
	}
	if r.OOMKilled {
		e = e.Bool(FieldOOMKilled, true)
	}
	if len(r.Outputs) > 0 {
		e = e.Dict(FieldOutputs, outputsDict(r.Outputs))
	}
	if r.ReusedFrom != "" {
		e = e.Str(FieldReusedFrom, r.ReusedFrom)
	}
	if ev.Node == executor.NodeBuild && r.ImageID != "" {
		e = e.Str(FieldImageID, r.ImageID)
	}
	e.Err(r.Err).Msg("step " + string(r.Status))
}

func (o *logObserver) runFinished(l zerolog.Logger, r *executor.Result) {
	status := "ok"
	if !r.OK() {
		status = "failed"
	}
	e := l.Info().Str(FieldEvent, string(executor.EventRunFinished)).Str(FieldStatus, status).Int(FieldSteps, len(r.Steps)).
		Int64(FieldDurationMS, r.Finished.Sub(r.Started).Milliseconds())
	if len(r.Leftovers) > 0 {
		e = e.Int(FieldLeftovers, len(r.Leftovers))
	}
	e.Msg("run finished")
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
	l.Info().Str(FieldEvent, string(ev.Kind)).Str(FieldImage, ev.Image).Int(FieldLayers, p.Layers).
		Int(FieldLayersDone, p.LayersDone).Int64(FieldBytes, p.Bytes).Int64(FieldBytesTotal, p.BytesTotal).
		Bool(FieldDone, p.Done).Msg(msg)
}

// outputsDict is a step's outputs as a JSON object, keys sorted.
func outputsDict(outputs map[string]string) *zerolog.Event {
	d := zerolog.Dict()
	for _, k := range executor.OutputNames(outputs) {
		d = d.Str(k, outputs[k])
	}
	return d
}
