package console

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/internal/goldenfile"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

// goldenRunID stands in for the generated run ID, so container names and
// the summary's last line are stable.
const goldenRunID = "20260101-000000-abcdef"

// runFake runs testdata/modes/pipeline.hcl on the fake engine, one step at
// a time (so the order is stable), through the view of format, and returns
// what runjob would print on stdout and stderr, summary included.
func runFake(t *testing.T, format string) (stdout, stderr string) {
	t.Helper()
	g, diags := hclconfig.New().Load(filepath.Join("testdata", "modes", "pipeline.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	eng := fake.New().PullDelay(time.Millisecond).
		On("build", fake.Script{Stdout: "compiling\nprogress 10%\rprogress 50%\rprogress 100%\r\nbuilt\n", Stderr: "warning: deprecated\n"}).
		On("test", fake.Script{Stdout: "ok 1\nnot ok 2 - \x1b[31mred\x1b[0m\n", Stderr: "FAIL", Exit: 3}).
		On("lint-everything", fake.Script{Stdout: "bytes \xff\xfe\x00\x07 end\n"})
	var out, errw bytes.Buffer
	v, err := New(format, Options{Graph: g, RunID: goldenRunID, Stdout: &out, Stderr: &errw,
		LookupEnv: os.LookupEnv, StepSummary: stepSummary(os.Getenv("GITHUB_STEP_SUMMARY"))})
	if err != nil {
		t.Fatal(err)
	}
	ex := executor.New(eng, executor.WithRunID(goldenRunID), executor.WithArtifactsDir(t.TempDir()),
		executor.WithObserver(v), executor.WithOutput(v), executor.WithLogger(v.Logger()))
	res, err := ex.Run(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	v.WriteSummary(res)
	v.Close()
	return out.String(), errw.String()
}

// stepSummary opens path for appending, as runjob does for
// $GITHUB_STEP_SUMMARY (without the masking: these tests have no secrets).
func stepSummary(path string) func() (io.WriteCloser, error) {
	return func() (io.WriteCloser, error) {
		return os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	}
}

// Only what depends on the clock (and the github stop token) varies between
// runs; it is replaced before comparing.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"time":"[^"]*"`), `"time":"T"`},
	{regexp.MustCompile(`\b\d\d:\d\d:\d\d\b`), "HH:MM:SS"},
	{regexp.MustCompile(`(duration_ms"?[:=])\d+`), "${1}N"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s)\b`), "D"},
	{regexp.MustCompile(`runjob-[0-9a-f]{32}`), "runjob-TOKEN"},
}

func normalize(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

// outputLine matches a step's output line in plain (prefix) and json.
var outputLine = regexp.MustCompile(`^[a-z-]+ +\| |"event":"output"`)

// byStream puts step output lines first, then everything else, each part in
// its order. Output and lifecycle events are two streams by design, written
// from different goroutines: their order relative to each other varies from
// run to run, the order within each does not.
func byStream(s string) string {
	var out, other []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if outputLine.MatchString(l) {
			out = append(out, l)
		} else {
			other = append(other, l)
		}
	}
	return strings.Join(out, "") + "--- events\n" + strings.Join(other, "")
}

func TestGoldenModes(t *testing.T) {
	for _, format := range []string{"plain", "json", "github"} {
		t.Run(format, func(t *testing.T) {
			summary := filepath.Join(t.TempDir(), "summary.md")
			t.Setenv("GITHUB_STEP_SUMMARY", summary)
			t.Setenv("NO_COLOR", "")
			stdout, stderr := runFake(t, format)
			golden(t, filepath.Join("testdata", "modes", format+".stdout.golden"), byStream(normalize(stdout)))
			golden(t, filepath.Join("testdata", "modes", format+".stderr.golden"), byStream(normalize(stderr)))
			md, err := os.ReadFile(summary)
			if format != "github" {
				if err == nil {
					t.Errorf("%s wrote $GITHUB_STEP_SUMMARY", format)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "modes", "github.summary.md.golden"), normalize(string(md)))
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	goldenfile.Check(t, path, []byte(got))
}
