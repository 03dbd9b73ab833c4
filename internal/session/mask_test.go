package session

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/fake"
)

const maskPipeline = `
variable "tag" {
  sensitive = true
  default   = "svtag-Q7x1"
}
variable "dir" {
  sensitive = true
  default   = "/wd-Sv9k2"
}
variable "gone" {
  sensitive = true
  default   = "/gone-Sv6w3"
}
secret "tok" {
  env = "RUNJOB_SESSION_TOKEN"
}
step "build" {
  image   = "busybox:${var.tag}"
  workdir = var.dir
  env     = { T = secret.tok }
  command = ["sh", "-c", "echo ${var.dir}"]
  artifact "out" {
    path = var.gone
  }
}
step "after" {
  image      = "busybox:${var.tag}"
  depends_on = [step.build]
}
`

var maskValues = []string{"svtag-Q7x1", "wd-Sv9k2", "gone-Sv6w3", "tok-Sec-8z2w"}

// Whatever the format, no sensitive value or secret reaches stdout,
// stderr, the run record, JUnit or the step summary, though the step
// printed them, its image and workdir hold them and its error names one.
func TestRunMasksEverySink(t *testing.T) {
	for _, format := range []string{"plain", "json", "github"} {
		t.Run(format, func(t *testing.T) {
			g := loadFile(t, maskPipeline)
			dir := g.Pipeline().Dir
			summary := filepath.Join(dir, "summary.md")
			env := map[string]string{"RUNJOB_SESSION_TOKEN": "tok-Sec-8z2w", "GITHUB_STEP_SUMMARY": summary}
			eng := fake.New().On("build", fake.Script{Stdout: "token tok-Sec-8z2w in /wd-Sv9k2\n", Stderr: "tok-Sec-8z2w\n"})
			r := runFake(t, context.Background(), g, eng, Options{LogFormat: format, JUnit: filepath.Join(dir, "junit.xml"),
				LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
			if r.err == nil {
				t.Fatal("the run succeeded; the missing artifact should fail it")
			}
			texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "error": r.err.Error()}
			_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() && filepath.Base(p) != "pipeline.hcl" {
					b, _ := os.ReadFile(p)
					texts[p], texts["name "+p] = string(b), p
				}
				return nil
			})
			for _, want := range []string{"junit.xml", "report.json", "report.html"} {
				if !hasFile(texts, want) {
					t.Errorf("%s was not written", want)
				}
			}
			if format == "github" && !hasFile(texts, "summary.md") {
				t.Error("the step summary was not written")
			}
			if !strings.Contains(r.stdout+r.stderr, "***") {
				t.Errorf("nothing masked: the values never reached the output?\n%s%s", r.stdout, r.stderr)
			}
			for name, text := range texts {
				for _, v := range maskValues {
					if strings.Contains(text, v) {
						t.Errorf("%q leaked into %s", v, name)
					}
				}
			}
		})
	}
}

func hasFile(texts map[string]string, base string) bool {
	for name := range texts {
		if filepath.Base(name) == base && !strings.HasPrefix(name, "name ") {
			return true
		}
	}
	return false
}
