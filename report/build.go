package report

import (
	"fmt"
	"maps"
	"time"

	"github.com/runjob/runjob/artifacts"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// Build turns a run's result into a Report. g supplies what the result does
// not carry (images, dependencies, configuration); it may be nil. Log files
// and queue times are filled in by Recorder.Finish, which calls Build.
func Build(res *executor.Result, g *pipeline.Graph) *Report {
	r := &Report{
		Schema:        SchemaVersion,
		SchemaVersion: SchemaVersion,
		RunID:         res.RunID,
		Pipeline:      res.Pipeline,
		Started:       res.Started.UTC(),
		Finished:      res.Finished.UTC(),
		DurationMS:    millis(res.Started, res.Finished),
		Steps:         make([]Step, 0, len(res.Steps)),
	}
	if g != nil {
		r.File = g.Pipeline().File
	}
	for _, sr := range res.Steps {
		r.Steps = append(r.Steps, buildStep(sr, g))
	}
	r.Status = RunStatus(r.Steps)
	r.Counts = count(r.Steps)
	return r
}

func buildStep(sr *executor.StepResult, g *pipeline.Graph) Step {
	s := Step{
		Name:       sr.Name,
		Status:     string(sr.Status),
		ExitCode:   exitCode(sr.ExitCode),
		OOMKilled:  sr.OOMKilled,
		Error:      errString(sr.Err),
		Started:    timePtr(sr.Started),
		Finished:   timePtr(sr.Finished),
		DurationMS: millis(sr.Started, sr.Finished),
		DependsOn:  []string{},
		Attempts:   []Attempt{},
		Artifacts:  []Artifact{},
	}
	if g != nil {
		if i, ok := g.Index(sr.Name); ok {
			ps := g.Step(i)
			s.Image, s.AllowFailure = ps.Image, ps.AllowFailure
			s.TimeoutMS = ps.Timeout.Milliseconds()
			for _, d := range g.Deps(i) {
				s.DependsOn = append(s.DependsOn, g.Step(d).Name)
			}
		}
	}
	s.ImageDigest, s.ReusedFrom = sr.ImageID, sr.ReusedFrom
	s.Outputs = maps.Clone(sr.Outputs)
	s.ProcessesAtTimeout = processes(sr.ProcessesAtTimeout)
	for _, a := range sr.Attempts {
		s.Attempts = append(s.Attempts, Attempt{
			Number: a.Number, Status: string(a.Status), ExitCode: exitCode(a.ExitCode),
			OOMKilled: a.Status == executor.StatusOOMKilled, Error: errString(a.Err), Container: a.Container,
			Started: timePtr(a.Started), Finished: timePtr(a.Finished), DurationMS: millis(a.Started, a.Finished),
		})
	}
	for _, a := range sr.Artifacts {
		s.Artifacts = append(s.Artifacts, Artifact{Name: a.Name, Path: a.Path, Dir: a.Dir, Files: a.Files, Bytes: a.Bytes,
			Manifest: manifest(a.Manifest)})
	}
	return s
}

// exitCode maps the executor's -1 ("did not exit") to nil.
func exitCode(code int) *int {
	if code < 0 {
		return nil
	}
	return &code
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// timePtr returns t in UTC (which also drops the monotonic reading, so
// reports compare equal after a JSON round trip), or nil for the zero time.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func millis(from, to time.Time) int64 {
	if from.IsZero() || to.IsZero() {
		return 0
	}
	return to.Sub(from).Milliseconds()
}

// manifest converts an artifact's manifest to the report's schema.
func manifest(m artifacts.Manifest) []ManifestEntry {
	out := make([]ManifestEntry, 0, len(m))
	for _, e := range m {
		me := ManifestEntry{Path: e.Path, Type: string(e.Type), Size: e.Size, SHA256: e.SHA256, Target: e.Target}
		if e.Type != artifacts.TypeSymlink {
			me.Mode = fmt.Sprintf("%04o", e.Mode.Perm())
		}
		out = append(out, me)
	}
	return out
}
