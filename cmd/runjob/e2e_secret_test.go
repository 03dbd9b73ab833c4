package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

const (
	envSecret  = "env-S3cret-Token-9f2"
	fileSecret = "file-Key-LineOne-77\nfile-Key-LineTwo-88"
)

const secretPipeline = `
secret "token" {
  env = "RUNJOB_TEST_SECRET_TOKEN"
}
secret "key" {
  file = "secrets/key.txt"
}
step "leaky" {
  image = "busybox:latest"
  env = {
    TOKEN  = secret.token
    HEADER = "Bearer ${secret.token}"
    KEY    = secret.key
  }
  script = <<-EOT
    echo "token=$TOKEN"
    echo "header=$HEADER"
    printf 'env-S3cr'; sleep 1; printf 'et-Token-9f2\n'
    echo "b64=$(printf %s "$TOKEN" | base64)"
    echo "url=$(printf %s "$TOKEN" | base64 | tr '+/' '-_' | tr -d '=')"
    echo "key=$KEY"
    printf 'file-Key-Line'; sleep 1; printf 'One-77\n'
    echo "to stderr $TOKEN" >&2
    exit 3
  EOT
}
`

// Secrets from the environment and from a file reach the step's env, and
// appear nowhere runjob writes: not on the terminal (plain or JSON), not in
// the run record, not in JUnit; not whole, split across writes, per line of
// a multi-line value, or base64-encoded.
func TestSecretsReachStepAndAreMasked(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, secretPipeline)
	writeSecretFile(t, p, fileSecret+"\n")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	env := []string{"RUNJOB_TEST_SECRET_TOKEN=" + envSecret}
	leaks := []string{
		envSecret, "env-S3cr", fileSecret, "file-Key-LineOne-77", "file-Key-LineTwo-88",
		base64.StdEncoding.EncodeToString([]byte(envSecret)),
		base64.RawURLEncoding.EncodeToString([]byte(envSecret)),
	}
	for _, format := range []string{"plain", "json"} {
		r := runjob(t, env, p, "--junit", junit, "--log-format", format)
		if r.code != 1 {
			t.Fatalf("%s: exit %d, want 1\n%s", format, r.code, r.stderr)
		}
		for _, want := range []string{"token=***", "header=Bearer ***", "b64=***", "url=***", "key=***"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s: %q missing: the step did not get the secret, or masking failed:\n%s", format, want, r.stdout)
			}
		}
		texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
		for _, f := range recordFiles(t, filepath.Join(filepath.Dir(p), ".runjob", "runs", r.runID)) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts[f] = string(b)
		}
		b, _ := os.ReadFile(junit)
		texts["junit"] = string(b)
		if len(texts) < 6 {
			t.Fatalf("%s: too few outputs to check: %d", format, len(texts))
		}
		for name, text := range texts {
			for _, leak := range leaks {
				if strings.Contains(text, leak) {
					t.Errorf("%s: %q leaked into %s", format, leak, name)
				}
			}
		}
	}
}

// validate, list, graph and --dry-run never read secrets: they work when
// the secret is absent, and never print it when present.
func TestSecretsAreNotReadBeforeRun(t *testing.T) {
	p := write(t, secretPipeline)
	for _, args := range [][]string{{"validate", p}, {"list", p}, {"graph", p}, {"run", "--dry-run", p}} {
		r := runjob(t, nil, args...)
		if r.code != 0 {
			t.Errorf("%v without secrets: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	writeSecretFile(t, p, fileSecret)
	for _, args := range [][]string{{"validate", p}, {"list", p}, {"graph", p}, {"run", "--dry-run", p}} {
		r := runjob(t, []string{"RUNJOB_TEST_SECRET_TOKEN=" + envSecret}, args...)
		if r.code != 0 || strings.Contains(r.stdout+r.stderr, "S3cret") || strings.Contains(r.stdout+r.stderr, "LineOne") {
			t.Errorf("%v: exit %d or secret shown:\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		if args[1] == "--dry-run" && !strings.Contains(r.stdout, "TOKEN=<secret:token>") {
			t.Errorf("dry-run does not show the placeholder:\n%s", r.stdout)
		}
	}
}

// A secret that cannot be read stops the run before anything starts, with
// exit 2 and a message naming the secret, its source and the step.
func TestMissingSecretFailsBeforeRunning(t *testing.T) {
	p := write(t, secretPipeline)
	r := runjob(t, []string{"RUNJOB_TEST_SECRET_TOKEN="}, p)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		`secret "token" (needed by step "leaky"): environment variable RUNJOB_TEST_SECRET_TOKEN is empty`,
		`secret "key" (needed by step "leaky"): cannot read file`,
		"pipeline.hcl:2:1",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.runID != "" || strings.Contains(r.stdout, "token=") {
		t.Errorf("the run started:\n%s%s", r.stdout, r.stderr)
	}
}

func writeSecretFile(t *testing.T, pipelineFile, value string) {
	t.Helper()
	dir := filepath.Join(filepath.Dir(pipelineFile), "secrets")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.txt"), []byte(value), 0o600); err != nil {
		t.Fatal(err)
	}
}

// recordFiles lists every file of a run record.
func recordFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if len(files) < 4 {
		t.Fatalf("run record %s holds only %v", dir, files)
	}
	return files
}
