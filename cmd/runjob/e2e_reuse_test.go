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
	t.Helper()
	out, err := exec.Command("docker", "events", "--since", since.Add(-time.Second).Format(time.RFC3339Nano),
		"--until", time.Now().Add(time.Second).Format(time.RFC3339Nano), "--filter", "type=container",
		"--filter", "event=create", "--filter", "label=io.runjob.run-id="+runID,
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

const reuseHitPipeline = `
pipeline { reuse = true }

step "build" {
  image = "busybox:latest"
  input "src" {
    from = "src"
    to   = "/src"
  }
  command = ["sh", "-c", "mkdir -p /out && cp -p /src/* /out/ && date +%s%N > /out/stamp && echo built; echo warn >&2; echo version=1.$(cat /src/v) >> $RUNJOB_OUTPUT"]
  artifact "dist" { path = "/out" }
}

step "test" {
  image = "busybox:latest"
  input "dist" {
    from = step.build.artifact.dist
    to   = "/dist"
  }
  command = ["sh", "-c", "cat /dist/stamp; echo tested ${step.build.output.version}"]
}

step "notify" {
  image      = "busybox:latest"
  reuse      = false
  depends_on = [step.test]
  command    = ["sh", "-c", "echo notified ${step.build.output.version}"]
}
`

// The second run of an unchanged pipeline creates no container for its
// reusable steps; their artifacts are the first run's, byte for byte,
// their outputs are there for the steps that read them, their logs are
// replayed with a marker, and what is not reusable runs.
func TestE2EReuseHit(t *testing.T) {
	p := newReuseProject(t, reuseHitPipeline, map[string]string{"src/v": "7", "src/lib.c": "int x;\n"})
	first := p.run(nil)
	if first.code != 0 || first.statuses() != "build=ok test=ok notify=ok" {
		t.Fatalf("first run: %s (exit %d)\n%s", first.statuses(), first.code, first.stderr)
	}
	if len(first.created) != 3 {
		t.Fatalf("the first run created %v: the engine's events do not tell", first.created)
	}
	dist := filepath.Join(p.dir(), ".runjob", "artifacts", "build", "dist")
	before := manifestOf(t, dist)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	second := p.run(nil, "--junit", junit)
	if second.code != 0 || second.statuses() != "build=reused test=reused notify=ok" {
		t.Fatalf("second run: %s (exit %d)\n%s", second.statuses(), second.code, second.stderr)
	}
	if !slices.Equal(second.created, []string{"notify"}) {
		t.Errorf("containers created by the second run: %v, want notify's only", second.created)
	}
	if b := second.step("build"); b.ReusedFrom != first.runID || b.Outputs["version"] != "1.7" || len(b.Attempts) != 0 {
		t.Errorf("reused build: from %q, outputs %v, attempts %d", b.ReusedFrom, b.Outputs, len(b.Attempts))
	}
	if after := manifestOf(t, dist); !slices.Equal(after, before) {
		t.Errorf("restored artifact differs:\n%v\n%v", after, before)
	}
	if !strings.Contains(second.stdout, `"line":"notified 1.7"`) {
		t.Errorf("notify did not get the reused output:\n%s", second.stdout)
	}
	validateRun(t, p, second)
	if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), `<property name="reused_from" value="`+first.runID+`">`) {
		t.Errorf("JUnit of the reused run (%v):\n%s", err, b)
	}
	logs := runjob(t, nil, "logs", second.runID, "build", "--dir", p.file)
	want := "runjob: reused from run " + first.runID + ": its output follows"
	if logs.code != 0 || !strings.Contains(logs.stdout+logs.stderr, want) || !strings.Contains(logs.stdout, "built") ||
		!strings.Contains(logs.stdout+logs.stderr, "warn") {
		t.Errorf("runjob logs build of the reused run (exit %d):\n%s%s", logs.code, logs.stdout, logs.stderr)
	}
}
