package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// stepOutputs returns the outputs each step_finished event of a JSON log
// carries, by step.
func stepOutputs(t *testing.T, stdout string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, ev := range events(t, stdout) {
		if o, ok := ev["outputs"].(map[string]any); ok && ev["event"] == "step_finished" {
			out[ev["step"].(string)] = o
		}
	}
	return out
}

// reportSteps reads the run's report.json.
func reportSteps(t *testing.T, pipelineFile, runID string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(filepath.Dir(pipelineFile), ".runjob", "runs", runID, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Steps []map[string]any `json:"steps"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep.Steps
}

// Outputs flow through a chain of three steps: a key=value and a heredoc
// value, used in a command, a script and env; a step runs as a non-root
// user and still writes its file.
func TestOutputsFlowThroughAChain(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "version" {
  image  = "busybox:latest"
  script = <<-EOT
    echo "version=1.4.2" >> "$RUNJOB_OUTPUT"
    printf 'notes<<EOF\nfirst line\n\nthird = line\nEOF\n' >> "$RUNJOB_OUTPUT"
  EOT
}
step "build" {
  image   = "busybox:latest"
  user    = "1000:1000"
  command = ["sh", "-c", "echo building ${step.version.output.version}; echo tag=app:${step.version.output.version} >> $RUNJOB_OUTPUT"]
}
step "release" {
  image = "busybox:latest"
  env = {
    TAG   = step.build.output.tag
    NOTES = step.version.output.notes
  }
  script = "echo \"release $TAG\"; echo \"$NOTES\" | sed 's/^/notes: /'"
}
`)
	r := runjob(t, nil, p, "--log-format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"building 1.4.2", "release app:1.4.2", "notes: first line", "notes: third = line"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	outs := stepOutputs(t, r.stdout)
	if v := outs["version"]; v["version"] != "1.4.2" || v["notes"] != "first line\n\nthird = line" {
		t.Errorf("version's outputs in the JSON log: %v", v)
	}
	if outs["build"]["tag"] != "app:1.4.2" {
		t.Errorf("build's outputs in the JSON log: %v", outs["build"])
	}
	if !strings.Contains(r.stderr, "outputs: notes, version") {
		t.Errorf("summary does not name the outputs:\n%s", r.stderr)
	}
	steps := reportSteps(t, p, r.runID)
	if o, _ := steps[1]["outputs"].(map[string]any); o["tag"] != "app:1.4.2" {
		t.Errorf("report.json build outputs: %v", steps[1]["outputs"])
	}
	if _, has := steps[2]["outputs"]; has {
		t.Errorf("report.json: release wrote no outputs but has %v", steps[2]["outputs"])
	}
}

// A reference to a key the step did not write fails the referring step,
// not the run at load, naming both steps and the key.
func TestMissingOutputFailsTheReferringStep(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "build" {
  image  = "busybox:latest"
  script = "echo version=1 >> $RUNJOB_OUTPUT"
}
step "deploy" {
  image   = "busybox:latest"
  command = ["echo", "deploying ${step.build.output.tag}"]
}
`)
	r := runjob(t, nil, p)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	want := `step "deploy" refers to output "tag" of step "build", but "build" did not write it to $RUNJOB_OUTPUT (it wrote version)`
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
	if strings.Contains(r.stdout, "deploying") {
		t.Errorf("deploy ran:\n%s", r.stdout)
	}
}

// A malformed output file fails the step that wrote it, with the line. (A
// step whose outputs no step refers to writes to /dev/null instead: its
// output is never read, so it cannot be malformed.)
func TestMalformedOutputFailsItsStep(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "build" {
  image  = "busybox:latest"
  script = "printf 'ok=1\nnotes<<EOF\nunterminated\n' >> $RUNJOB_OUTPUT"
}
step "use" {
  image   = "busybox:latest"
  command = ["echo", step.build.output.ok]
}
`)
	r := runjob(t, nil, p)
	if want := `$RUNJOB_OUTPUT line 2: no line "EOF" ends the value of "notes"`; r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d, want 1 and %q:\n%s", r.code, want, r.stderr)
	}
	// Without a step that reads them, what build writes goes nowhere.
	p = write(t, `
step "build" {
  image  = "busybox:latest"
  script = "test \"$RUNJOB_OUTPUT\" = /dev/null && printf 'notes<<EOF\nunterminated\n' >> $RUNJOB_OUTPUT"
}
`)
	if r := runjob(t, nil, p); r.code != 0 {
		t.Fatalf("unread outputs: exit %d, want 0:\n%s", r.code, r.stderr)
	}
}

// A secret written to an output reaches the step that uses it, and is
// masked in the JSON log, the summary, report.json and every record file.
func TestSecretInAnOutputIsMaskedEverywhere(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
secret "token" {
  env = "RUNJOB_TEST_SECRET_TOKEN"
}
step "mint" {
  image  = "busybox:latest"
  env    = { TOKEN = secret.token }
  script = "echo \"minted=$TOKEN\" >> $RUNJOB_OUTPUT; echo plain=visible >> $RUNJOB_OUTPUT"
}
step "use" {
  image  = "busybox:latest"
  env    = { MINTED = step.mint.output.minted }
  script = "test \"$MINTED\" = \"$(printf 'env-S3cret-%s' Token-9f2)\" && echo got-the-real-value"
}
`)
	r := runjob(t, []string{"RUNJOB_TEST_SECRET_TOKEN=" + envSecret}, p, "--log-format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "got-the-real-value") {
		t.Errorf("use did not get the secret through the output:\n%s", r.stdout)
	}
	if o := stepOutputs(t, r.stdout)["mint"]; o["minted"] != "***" || o["plain"] != "visible" {
		t.Errorf("mint's outputs in the JSON log: %v", o)
	}
	texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for _, f := range recordFiles(t, filepath.Join(filepath.Dir(p), ".runjob", "runs", r.runID)) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts[f] = string(b)
	}
	for name, text := range texts {
		if strings.Contains(text, envSecret) {
			t.Errorf("the secret leaked into %s", name)
		}
	}
	if o, _ := reportSteps(t, p, r.runID)[0]["outputs"].(map[string]any); o["minted"] != "***" {
		t.Errorf("report.json mint outputs: %v", o)
	}
}
