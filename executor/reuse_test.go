package executor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/pipeline"
)

func TestReuseHitCreatesNothing(t *testing.T) {
	re := newReuseEnv(t)
	res, _, _ := re.run(chain(t, nil), scriptChain("1.0", "app v1"))
	if got := statuses(res); got != "build=ok test=ok package=ok" {
		t.Fatalf("first run: %s", got)
	}
	res, eng, out := re.run(chain(t, nil), scriptChain("1.0", "app v1"))
	if got := statuses(res); got != "build=reused test=reused package=reused" {
		t.Fatalf("second run: %s\n%s", got, out)
	}
	if c := created(eng); len(c) > 0 {
		t.Errorf("a run of reused steps created containers: %v", c)
	}
	first := res.Steps[0]
	if first.ReusedFrom == "" || first.ReusedFrom == res.RunID || first.ExitCode != 0 || len(first.Attempts) != 0 {
		t.Errorf("reused result: from %q, exit %d, %d attempts", first.ReusedFrom, first.ExitCode, len(first.Attempts))
	}
	if first.Outputs["version"] != "1.0" || len(first.Artifacts) != 1 || first.Artifacts[0].Files != 1 {
		t.Errorf("reused build: outputs %v, artifacts %+v", first.Outputs, first.Artifacts)
	}
	if b, err := os.ReadFile(filepath.Join(re.artifacts, "build", "bin", "app")); err != nil || string(b) != "app v1" {
		t.Errorf("restored artifact: %q, %v", b, err)
	}
	for _, want := range []string{"[build] runjob: reused from run " + first.ReusedFrom, "[build] building\n", "[build] warning: x\n", "[test] PASS\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A change to one step's command runs it again; its dependents are
// reused when what they take from it did not change, and run when it did.
func TestReuseMissRunsWhatChanged(t *testing.T) {
	re := newReuseEnv(t)
	re.run(chain(t, nil), scriptChain("1.0", "app v1"))
	g := chain(t, func(p *pipeline.Pipeline) { p.Steps[0].Command = []string{"make", "-j2"} })
	res, _, log := re.run(g, scriptChain("1.0", "app v1"))
	if got := statuses(res); got != "build=ok test=reused package=reused" {
		t.Fatalf("same artifact and output: %s\n%s", got, log)
	}
	if !strings.Contains(log, `"step":"build","message":"not reused: command changed (since run `) {
		t.Errorf("the miss does not say why:\n%s", log)
	}
	g = chain(t, func(p *pipeline.Pipeline) { p.Steps[0].Command = []string{"make", "-j3"} })
	res, _, log = re.run(g, scriptChain("1.0", "app v2"))
	if got := statuses(res); got != "build=ok test=ok package=reused" {
		t.Fatalf("changed artifact: %s\n%s", got, log)
	}
	if !strings.Contains(log, "not reused: input bin changed") {
		t.Errorf("the miss does not say why:\n%s", log)
	}
	g = chain(t, func(p *pipeline.Pipeline) { p.Steps[0].Command = []string{"make", "-j4"} })
	res, _, log = re.run(g, scriptChain("2.0", "app v2"))
	if got := statuses(res); got != "build=ok test=reused package=ok" {
		t.Fatalf("changed output: %s\n%s", got, log)
	}
	if !strings.Contains(log, "not reused: command changed, output version of step build changed") {
		t.Errorf("the miss does not say why:\n%s", log)
	}
}
