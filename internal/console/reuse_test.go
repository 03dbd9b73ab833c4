package console

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/internal/stepcache"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

// storedRunID is the run the reused steps of the golden runs come from.
const storedRunID = "20251231-000000-fedcba"

// runReused runs testdata/modes/reuse.hcl twice on the fake engine with
// one store, and returns what the second run printed through format.
func runReused(t *testing.T, format string) (stdout, stderr string) {
	t.Helper()
	g, diags := hclconfig.New().Load(filepath.Join("testdata", "modes", "reuse.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	store, err := stepcache.Open(t.TempDir(), stepcache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	artifacts := t.TempDir()
	eng := fake.New().
		On("build", fake.Script{Stdout: "compiling\nbuilt\n", Stderr: "warning: deprecated\n", Files: map[string]string{"/out/app": "app"}}).
		On("test", fake.Script{Stdout: "ok 1\n"}).On("deploy", fake.Script{Stdout: "deployed\n"})
	first := executor.New(eng, executor.WithRunID(storedRunID), executor.WithArtifactsDir(artifacts), executor.WithReuse(store))
	if res, err := first.Run(context.Background(), g); err != nil || !res.OK() {
		t.Fatalf("first run: %v", err)
	}
	var out, errw bytes.Buffer
	v, err := New(format, Options{Graph: g, RunID: goldenRunID, Stdout: &out, Stderr: &errw, LookupEnv: os.LookupEnv,
		StepSummary: stepSummary(os.Getenv("GITHUB_STEP_SUMMARY"))})
	if err != nil {
		t.Fatal(err)
	}
	ex := executor.New(eng, executor.WithRunID(goldenRunID), executor.WithArtifactsDir(artifacts), executor.WithReuse(store),
		executor.WithObserver(v), executor.WithOutput(v), executor.WithLogger(v.Logger()))
	res, err := ex.Run(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	v.WriteSummary(res)
	v.Close()
	return strings.ReplaceAll(out.String(), artifacts, "ARTIFACTS"), strings.ReplaceAll(errw.String(), artifacts, "ARTIFACTS")
}

// Every format shows a reused step as reused, with the run it came from,
// and its replayed output after the marker line.
func TestGoldenReused(t *testing.T) {
	for _, format := range []string{"plain", "json", "github"} {
		t.Run(format, func(t *testing.T) {
			t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(t.TempDir(), "summary.md"))
			t.Setenv("NO_COLOR", "")
			stdout, stderr := runReused(t, format)
			dir := filepath.Join("testdata", "reuse")
			golden(t, filepath.Join(dir, format+".stdout.golden"), byStream(normalizeReused(stdout)))
			golden(t, filepath.Join(dir, format+".stderr.golden"), byStream(normalizeReused(stderr)))
		})
	}
}

// normalizeReused is normalize, also for the summary's padding after a
// duration: a restore takes 0s or 1ms, and the column is as wide as that.
func normalizeReused(s string) string {
	return regexp.MustCompile(`D {2,}`).ReplaceAllString(normalize(s), "D  ")
}

func TestLiveViewShowsReused(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	v := newLiveView(&terminal{w: &bytes.Buffer{}, fd: -1}, func() time.Time { return t0 }, nil)
	line := v.resultLine(&executor.StepResult{Name: "build", Status: executor.StatusReused, ExitCode: 0,
		ReusedFrom: storedRunID, Started: t0, Finished: t0.Add(12 * time.Millisecond)})
	if !strings.Contains(line, "✓ build reused from run "+storedRunID) || strings.Contains(line, "exit") {
		t.Errorf("result line %q", line)
	}
}
