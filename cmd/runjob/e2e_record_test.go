package main

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

const secretValue = "s3cr3t-Value-42"

// A run leaves a run record (logs, report.json, report.html) and a JUnit
// file, and a sensitive value appears in none of them, nor on the terminal:
// not when printed whole, split across two writes, or base64-encoded.
func TestRunRecordAndMasking(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
variable "token" {
  type      = string
  sensitive = true
}
step "leaky" {
  image   = "busybox:latest"
  env     = { TOKEN = var.token }
  script  = <<-EOT
    echo "token=$TOKEN"
    printf 's3cr3t-Va'; sleep 1; printf 'lue-42\n'
    echo "b64=$(printf %s "$TOKEN" | base64)"
    echo "to stderr $TOKEN" >&2
    exit 2
  EOT
}
step "fine" {
  image   = "busybox:latest"
  command = ["echo", "all good"]
}`)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	for _, format := range []string{"plain", "json"} {
		r := runjob(t, nil, p, "--var", "token="+secretValue, "--junit", junit, "--log-format", format)
		if r.code != 1 {
			t.Fatalf("%s: exit %d, want 1\n%s", format, r.code, r.stderr)
		}
		b64 := base64.StdEncoding.EncodeToString([]byte(secretValue))
		for name, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if strings.Contains(text, secretValue) || strings.Contains(text, "s3cr3t-Va") || strings.Contains(text, b64) {
				t.Errorf("%s: secret leaked on %s:\n%s", format, name, text)
			}
		}
		if !strings.Contains(r.stdout, "token=***") || !strings.Contains(r.stdout, "b64=***") {
			t.Errorf("%s: masked lines missing:\n%s", format, r.stdout)
		}
		dir := filepath.Join(filepath.Dir(p), ".runjob", "runs", r.runID)
		var files []string
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, path)
			}
			return nil
		})
		files = append(files, junit)
		if len(files) < 5 {
			t.Fatalf("%s: run record holds only %v", format, files)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), secretValue) || strings.Contains(string(b), b64) {
				t.Errorf("%s: secret leaked into %s", format, f)
			}
		}
		var rep struct {
			RunID string `json:"run_id"`
			Steps []struct {
				Name        string `json:"name"`
				Status      string `json:"status"`
				ImageDigest string `json:"image_digest"`
				Attempts    []struct {
					Number int `json:"number"`
				} `json:"attempts"`
			} `json:"steps"`
		}
		b, _ := os.ReadFile(filepath.Join(dir, "report.json"))
		if err := json.Unmarshal(b, &rep); err != nil || rep.RunID != r.runID || len(rep.Steps) != 2 || rep.Steps[0].Status != "failed" {
			t.Errorf("%s: report.json = %+v (%v)", format, rep, err)
		}
		for _, st := range rep.Steps {
			if !strings.HasPrefix(st.ImageDigest, "sha256:") || len(st.Attempts) != 1 {
				t.Errorf("%s: step %s: image_digest %q, %d attempts", format, st.Name, st.ImageDigest, len(st.Attempts))
			}
		}
		var suite struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		}
		b, _ = os.ReadFile(junit)
		if err := xml.Unmarshal(b, &suite); err != nil || suite.Tests != 2 || suite.Failures != 1 {
			t.Errorf("%s: junit = %+v (%v)\n%s", format, suite, err, b)
		}
		if !strings.Contains(r.stderr, "run record: "+filepath.Join(dir, "report.html")) {
			t.Errorf("%s: no pointer to the run record:\n%s", format, r.stderr)
		}
	}
}
