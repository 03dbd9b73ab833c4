package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/report"
	"github.com/runjob/runjob/schema/schematest"
)

// reuseProject is a pipeline directory with a host input (src/) and its
// own reuse store, run again and again as a user would.
type reuseProject struct {
	t        *testing.T
	file     string
	cacheDir string
	env      []string
}

func newReuseProject(t *testing.T, src string, files map[string]string) *reuseProject {
	t.Helper()
	dockertest.Engine(t)
	p := &reuseProject{t: t, file: write(t, src), cacheDir: t.TempDir()}
	for name, body := range files {
		p.writeFile(name, body)
	}
	p.env = []string{"RUNJOB_CACHE_DIR=" + p.cacheDir}
	return p
}

func (p *reuseProject) dir() string { return filepath.Dir(p.file) }

func (p *reuseProject) writeFile(name, body string) {
	p.t.Helper()
	path := filepath.Join(p.dir(), name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// reuseRun is one run: its result, report and the containers it created.
type reuseRun struct {
	result
	report  *report.Report
	created []string
}

// run runs the pipeline (JSON log), and returns what happened; env adds
// to the project's environment.
func (p *reuseProject) run(env []string, args ...string) reuseRun {
	p.t.Helper()
	since := time.Now()
	r := runjob(p.t, append(slices.Clone(p.env), env...), append([]string{p.file, "--log-format", "json"}, args...)...)
	if r.runID == "" {
		p.t.Fatalf("no run (exit %d):\n%s", r.code, r.stderr)
	}
	rep, err := report.ReadFile(filepath.Join(p.dir(), ".runjob", "runs", r.runID, report.JSONFile))
	if err != nil {
		p.t.Fatal(err)
	}
	return reuseRun{result: r, report: rep, created: createdContainers(p.t, r.runID, since)}
}

// statuses is "step=status ..." in declaration order.
func (r reuseRun) statuses() string {
	var out []string
	for _, s := range r.report.Steps {
		out = append(out, s.Name+"="+s.Status)
	}
	return strings.Join(out, " ")
}

func (r reuseRun) step(name string) *report.Step {
	for i := range r.report.Steps {
		if r.report.Steps[i].Name == name {
			return &r.report.Steps[i]
		}
	}
	return nil
}

// createdContainers asks the engine which containers the run created,
// from its events: the run's containers are gone by the time it returns.
func createdContainers(t *testing.T, runID string, since time.Time) []string {
	return createdWith(t, "io.runjob.run-id="+runID, since)
}

// createdWith lists the steps of the containers created since whose
// labels match label (KEY=VALUE).
func createdWith(t *testing.T, label string, since time.Time) []string {
	t.Helper()
	out, err := exec.Command("docker", "events", "--since", since.Add(-time.Second).Format(time.RFC3339Nano),
		"--until", time.Now().Add(time.Second).Format(time.RFC3339Nano), "--filter", "type=container",
		"--filter", "event=create", "--filter", "label="+label,
		"--format", "{{index .Actor.Attributes \"io.runjob.step\"}}").Output()
	if err != nil {
		t.Fatalf("docker events: %v", err)
	}
	return strings.Fields(string(out))
}

// validateRun checks a run's JSON log and report.json against schema/.
func validateRun(t *testing.T, p *reuseProject, r reuseRun) {
	t.Helper()
	logSchema, reportSchema := schematest.LogEvent(t), schematest.Report(t)
	for i, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if err := schematest.Validate(logSchema, line); err != nil {
			t.Errorf("JSON log line %d: %v\nline: %s%s", i+1, err, line, schemaHint)
		}
	}
	b, err := os.ReadFile(filepath.Join(p.dir(), ".runjob", "runs", r.runID, report.JSONFile))
	if err == nil {
		err = schematest.Validate(reportSchema, string(b))
	}
	if err != nil {
		t.Errorf("report.json: %v%s", err, schemaHint)
	}
}

// manifestOf is the manifest of a published artifact directory.
func manifestOf(t *testing.T, dir string) artifacts.Manifest {
	t.Helper()
	m, err := artifacts.ManifestOf(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
