package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// leakValues are the sensitive values of leakPipeline, one per field a user
// can set, each distinct so a leak says which field it came through.
var leakValues = map[string]string{
	"image tag":         leakTag,
	"workdir":           "/wd-Sv9k2",
	"artifact path":     "/art-Sv4m8",
	"input to":          "/in-Sv3p6",
	"command":           "cmd-Sv5r1",
	"script":            "scr-Sv2q7",
	"health check":      "hc-Sv8t4",
	"missing artifact":  "/gone-Sv6w3",
	"secret (env)":      "tok-Sec-8z2w",
	"service env (var)": "senv-Sv1n5",
	"placement":         "pool-Sv7c2",
}

// leakTag is the sensitive image tag, unique per test process: concurrent
// test runs on one engine must not remove each other's tag.
var leakTag = fmt.Sprintf("svtag-%d-Q7x1", os.Getpid())

var leakPipeline = strings.ReplaceAll(leakPipelineSource, "svtag-Q7x1", leakTag)

const leakPipelineSource = `
variable "tag"   {
  sensitive = true
  default   = "svtag-Q7x1"
}
variable "wdir"  {
  sensitive = true
  default   = "/wd-Sv9k2"
}
variable "apath" {
  sensitive = true
  default   = "/art-Sv4m8"
}
variable "to"    {
  sensitive = true
  default   = "/in-Sv3p6"
}
variable "word"  {
  sensitive = true
  default   = "cmd-Sv5r1"
}
variable "scr"   {
  sensitive = true
  default   = "scr-Sv2q7"
}
variable "probe" {
  sensitive = true
  default   = "hc-Sv8t4"
}
variable "gone"  {
  sensitive = true
  default   = "/gone-Sv6w3"
}
variable "senv"  {
  sensitive = true
  default   = "senv-Sv1n5"
}
variable "pool"  {
  sensitive = true
  default   = "pool-Sv7c2"
}
secret "tok" {
  env = "RUNJOB_LEAK_TOKEN"
}

# Every step that can be is stored in the reuse store, and reused by the
# second run: no value reaches the store either.
pipeline { reuse = true }

service "svc" {
  image   = "busybox:latest"
  env     = { K = secret.tok, S = var.senv }
  command = ["sh", "-c", "echo svc $K $S; echo svc-err $K >&2; exec sleep 60"]
  healthcheck {
    command  = ["sh", "-c", "test -n ${var.probe}"]
    interval = "1s"
    retries  = 30
  }
}

step "gen" {
  image   = "busybox:${var.tag}"
  workdir = var.wdir
  env     = { TOKEN = secret.tok, W = var.word }
  command = ["sh", "-c", "pwd; echo ${var.word} $TOKEN; echo $TOKEN >&2; mkdir -p ${var.apath}; echo data > ${var.apath}/f"]
  artifact "out" {
    path = var.apath
  }
}

step "use" {
  image      = "busybox:latest"
  depends_on = [service.svc]
  env        = { TOKEN = secret.tok }
  input "in" {
    from = step.gen.artifact.out
    to   = var.to
  }
  script = <<-EOT
    ls ${var.to}
    echo "${var.scr}"
    echo "$TOKEN" >&2
  EOT
}

step "echoes" {
  image   = "busybox:${var.tag}"
  workdir = var.wdir
  env     = { TOKEN = secret.tok, W = var.word }
  command = ["sh", "-c", "echo ${var.word} $TOKEN $W; echo $TOKEN >&2; mkdir -p /keep && echo data > /keep/f"]
  artifact "keep" {
    path = "/keep"
  }
}

step "broken" {
  image   = "busybox:${var.tag}"
  workdir = var.wdir
  command = ["true"]
  artifact "missing" {
    path = var.gone
  }
}

step "fails" {
  image   = "busybox:${var.tag}"
  workdir = var.wdir
  command = ["sh", "-c", "echo ${var.word} failing; exit 3"]
  placement {
    constraints = ["node.labels.pool!=${var.pool}"]
  }
}
`

// A sensitive value or a secret in any field a user can set appears in no
// byte runjob writes: stdout and stderr in every format, every file of the
// run record, the artifacts directory and the reuse store, the JUnit file
// and the GitHub step summary; nor does it name a file. The pipeline runs
// twice, so that the second run replays what the first stored.
func TestSensitiveValuesReachNoSink(t *testing.T) {
	tagLeakImage(t)
	env := []string{"RUNJOB_LEAK_TOKEN=" + leakValues["secret (env)"]}
	for _, format := range []string{"plain", "json", "github"} {
		t.Run(format, func(t *testing.T) {
			p := write(t, leakPipeline)
			dir := filepath.Dir(p)
			junit := filepath.Join(dir, "junit.xml")
			summary := filepath.Join(dir, "step-summary.md")
			fenv := append(env, "RUNJOB_CACHE_DIR="+filepath.Join(dir, "cache"))
			if format == "github" {
				fenv = append(fenv, "GITHUB_ACTIONS=true", "GITHUB_STEP_SUMMARY="+summary)
			}
			first := runjob(t, fenv, p, "--log-format", format)
			r := runjob(t, fenv, p, "--junit", junit, "--log-format", format)
			if r.code != 1 || first.code != 1 {
				t.Fatalf("exit %d and %d, want 1 (two steps fail)\n%s", first.code, r.code, r.stderr)
			}
			if !regexp.MustCompile(`(?m)^echoes +reused `).MatchString(r.stderr) {
				t.Fatalf("the second run did not reuse echoes:\n%s", r.stderr)
			}
			// --dry-run over that store predicts with the secrets in the keys.
			dry := runjob(t, fenv, p, "--dry-run")
			if !strings.Contains(dry.stdout, "would be reused (run "+first.runID+")") {
				t.Fatalf("--dry-run does not predict echoes' reuse:\n%s%s", dry.stdout, dry.stderr)
			}
			texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "first stdout": first.stdout, "first stderr": first.stderr,
				"--dry-run stdout": dry.stdout, "--dry-run stderr": dry.stderr}
			for _, f := range allFiles(t, dir) {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				texts[f] = string(b)
				texts["name of "+f] = f
			}
			for _, must := range []string{junit, filepath.Join(dir, ".runjob", "runs", r.runID, "report.json"),
				filepath.Join(dir, ".runjob", "runs", r.runID, "report.html")} {
				if _, ok := texts[must]; !ok {
					t.Fatalf("%s was not written", must)
				}
			}
			if format == "github" {
				if _, ok := texts[summary]; !ok {
					t.Fatalf("the step summary was not written")
				}
			}
			// The steps did get the values: the masks are there.
			if !strings.Contains(r.stdout+r.stderr, "***") {
				t.Errorf("no *** anywhere: the steps never printed their values?\n%s\n%s", r.stdout, r.stderr)
			}
			for name, text := range texts {
				for field, v := range leakValues {
					if strings.Contains(text, strings.TrimPrefix(v, "/")) {
						t.Errorf("the %s value %q leaked into %s", field, v, name)
					}
				}
			}
		})
	}
}

// The live view (tty) masks too: the screen shows no value.
func TestSensitiveValuesReachNoLiveView(t *testing.T) {
	tagLeakImage(t)
	screen := tmuxRun(t, leakPipeline, 200, "", "RUNJOB_LEAK_TOKEN="+leakValues["secret (env)"], "RUNJOB_CACHE_DIR="+t.TempDir())
	if !strings.Contains(screen, "EXIT=1") || !strings.Contains(screen, "***") {
		t.Fatalf("want exit 1 and masked values on the screen:\n%s", screen)
	}
	for field, v := range leakValues {
		if strings.Contains(screen, strings.TrimPrefix(v, "/")) {
			t.Errorf("the %s value %q leaked onto the screen:\n%s", field, v, screen)
		}
	}
}

// The views of a pipeline show sensitive values as (sensitive).
func TestSensitiveValuesReachNoView(t *testing.T) {
	p := write(t, leakPipeline)
	for _, args := range [][]string{{"list", p}, {"graph", p}, {"graph", "--format", "json", p},
		{"graph", "--format", "mermaid", p}, {"run", "--dry-run", p}, {"validate", "--json", p}} {
		r := runjob(t, []string{"RUNJOB_LEAK_TOKEN=" + leakValues["secret (env)"]}, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		for field, v := range leakValues {
			if strings.Contains(r.stdout+r.stderr, strings.TrimPrefix(v, "/")) {
				t.Errorf("%v: the %s value %q leaked:\n%s%s", args, field, v, r.stdout, r.stderr)
			}
		}
	}
}

// allFiles lists every file under dir, the pipeline file aside.
func allFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && filepath.Base(path) != "pipeline.hcl" {
			files = append(files, path)
		}
		return nil
	})
	return files
}

// tagLeakImage gives busybox the sensitive tag leakPipeline's steps use.
func tagLeakImage(t *testing.T) {
	t.Helper()
	dockertest.Engine(t)
	tag := "busybox:" + leakValues["image tag"]
	if out, err := exec.Command("docker", "tag", "busybox:latest", tag).CombinedOutput(); err != nil {
		t.Fatalf("docker tag: %v\n%s", err, out)
	}
	t.Cleanup(func() { dockertest.RemoveImage(tag) })
}

// On a swarm too: the values go to the nodes' containers (and a
// constraint to the manager's reservation), never into what runjob writes.
func TestSwarmSensitiveValuesReachNoSink(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	tagLeakImage(t)
	p := write(t, leakPipeline)
	r := runOnSwarm(t, s, []string{"RUNJOB_LEAK_TOKEN=" + leakValues["secret (env)"]}, p, "--log-format", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (two steps fail)\n%s", r.code, r.stderr)
	}
	texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for _, f := range allFiles(t, filepath.Dir(p)) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts[f], texts["name of "+f] = string(b), f
	}
	if !strings.Contains(r.stdout, "***") || !strings.Contains(r.stdout+r.stderr, "Docker Swarm at") {
		t.Errorf("not a masked run on the swarm:\n%s", r.stderr)
	}
	for name, text := range texts {
		for field, v := range leakValues {
			if strings.Contains(text, strings.TrimPrefix(v, "/")) {
				t.Errorf("the %s value %q leaked into %s", field, v, name)
			}
		}
	}
}
