package executor_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// A step that is not reusable runs after a reused one as after one that
// ran, with its artifact as input; late steps see a reused dependency as
// one that succeeded.
func TestReuseDependentsRunAsAfterARun(t *testing.T) {
	re := newReuseEnv(t)
	g := chain(t, func(p *pipeline.Pipeline) {
		p.Steps = append(p.Steps,
			&pipeline.Step{Name: "deploy", Image: "img", DependsOn: []pipeline.Dependency{{Step: "package"}},
				Inputs: []pipeline.Input{{Name: "bin", FromStep: "build", FromArtifact: "bin", To: "/deploy"}}},
			&pipeline.Step{Name: "report", Image: "img", When: pipeline.WhenAlways, Reuse: true,
				DependsOn: []pipeline.Dependency{{Step: "package"}}},
			&pipeline.Step{Name: "alert", Image: "img", When: pipeline.WhenOnFailure,
				DependsOn: []pipeline.Dependency{{Step: "package"}}})
	})
	res, _, _ := re.run(g, scriptChain("1.0", "app v1"))
	if got := statuses(res); got != "build=ok test=ok package=ok deploy=ok report=ok alert=skipped" {
		t.Fatalf("first run: %s", got)
	}
	res, eng, out := re.run(g, scriptChain("1.0", "app v1"))
	if got := statuses(res); got != "build=reused test=reused package=reused deploy=ok report=reused alert=skipped" {
		t.Fatalf("second run: %s\n%s", got, out)
	}
	if c := created(eng); strings.Join(c, " ") != "deploy" {
		t.Errorf("containers created: %v, want deploy's only", c)
	}
}

// Fail-fast cancels a reusable step that has not had its turn, as any
// other: it is cancelled, not reused.
func TestReuseFailFastCancelsBeforeReuse(t *testing.T) {
	re := newReuseEnv(t)
	p := &pipeline.Pipeline{Name: "ff", FailFast: true, Steps: []*pipeline.Step{
		{Name: "fail", Image: "img"},
		{Name: "slow", Image: "img"},
		{Name: "after", Image: "img", Reuse: true, DependsOn: []pipeline.Dependency{{Step: "slow"}}},
	}}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	if res, _, _ := re.run(g, nil); statuses(res) != "fail=ok slow=ok after=ok" {
		t.Fatalf("first run: %s", statuses(res))
	}
	gate := make(chan struct{})
	defer close(gate)
	res, _, _ := re.run(g, func(e *fake.Engine) {
		e.On("fail", fake.Script{Exit: 1}).On("slow", fake.Script{Gate: gate})
	})
	if got := statuses(res); got != "fail=failed slow=cancelled after=cancelled" {
		t.Fatalf("fail-fast run: %s", got)
	}
}

// --only keeps what the named step needs; those are reused too.
func TestReuseWithOnly(t *testing.T) {
	re := newReuseEnv(t)
	re.run(chain(t, nil), scriptChain("1.0", "app v1"))
	sub, err := chain(t, nil).Only("test")
	if err != nil {
		t.Fatal(err)
	}
	res, eng, _ := re.run(sub, scriptChain("1.0", "app v1"))
	if got := statuses(res); got != "build=reused test=reused" || len(created(eng)) > 0 {
		t.Fatalf("--only test: %s, created %v", got, created(eng))
	}
}

// A step whose output holds a sensitive value is not stored, and says so;
// what a stored step printed is kept masked.
func TestReuseKeepsNoSecret(t *testing.T) {
	re := newReuseEnv(t)
	redact := executor.WithRedact(func(s string) string { return strings.ReplaceAll(s, "s3cret", "***") })
	p := &pipeline.Pipeline{Name: "sec", Steps: []*pipeline.Step{
		{Name: "login", Image: "img", Reuse: true, Env: map[string]string{"TOKEN": pipeline.SecretRef("tok")}},
		{Name: "use", Image: "img", Reuse: true, Command: []string{"use", pipeline.OutputRef("login", "session")}},
		{Name: "print", Image: "img", Reuse: true, Env: map[string]string{"TOKEN": pipeline.SecretRef("tok")}},
		{Name: "art", Image: "img", Reuse: true, Artifacts: []pipeline.Artifact{{Name: "a", Path: "/s3cret"}}},
	}}
	p.Steps[1].DependsOn = []pipeline.Dependency{{Step: "login"}}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	script := func(e *fake.Engine) {
		e.On("login", fake.Script{Files: map[string]string{executor.OutputPath: "session=s3cret-42\n"}})
		e.On("print", fake.Script{Stdout: "token is s3cret\n", Stderr: "s3", Files: map[string]string{}})
		e.On("art", fake.Script{Files: map[string]string{"/s3cret/f": "x"}})
	}
	secrets := executor.WithSecrets(map[string]string{"tok": "s3cret"})
	res, _, log := re.run(g, script, redact, secrets)
	if got := statuses(res); got != "login=ok use=ok print=ok art=ok" {
		t.Fatalf("first run: %s", got)
	}
	if !strings.Contains(log, `"step":"login"`) || !strings.Contains(log, "its output session holds a secret or sensitive value") ||
		!strings.Contains(log, "the path or a file name of its artifact a holds a secret") {
		t.Errorf("the log does not say why login and art are not stored:\n%s", log)
	}
	res, _, out := re.run(g, script, redact, secrets)
	if got := statuses(res); got != "login=ok use=reused print=reused art=ok" {
		t.Fatalf("second run: %s", got)
	}
	if !strings.Contains(out, "[print] token is ***\n") {
		t.Errorf("replayed output:\n%s", out)
	}
	grepTree(t, re.storeDir(t), "s3cret")
}

// grepTree fails when a file under dir holds s.
func grepTree(t *testing.T, dir, s string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		if b, err := os.ReadFile(p); err != nil || strings.Contains(string(b), s) {
			t.Errorf("%s holds %q (%v)", p, s, err)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walked %d files of %s: %v", n, dir, err)
	}
}

// A reusable step whose key is known while its dependency runs (it takes
// nothing from it) is looked up then: on a miss its container is created
// ahead, as any step's; on a hit nothing is created at all.
func TestReuseMissIsCreatedAhead(t *testing.T) {
	re := newReuseEnv(t)
	g := graph(t, "a", "b:a")
	for i := range g.Len() {
		g.Step(i).Reuse, g.Step(i).Command = true, []string{g.Step(i).Name}
	}
	gate := make(chan struct{})
	eng := fake.New().On("a", fake.Script{Gate: gate})
	done := make(chan *executor.Result)
	go func() {
		res, err := executor.New(eng, executor.WithArtifactsDir(re.artifacts), executor.WithReuse(re.store)).Run(context.Background(), g)
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	ahead := waitCall(t, eng, "Create b")
	close(gate)
	if res := <-done; statuses(res) != "a=ok b=ok" || !ahead {
		t.Fatalf("cold run: %s", statuses(res))
	}
	res, eng2, _ := re.run(g, nil)
	if statuses(res) != "a=reused b=reused" || len(created(eng2)) > 0 {
		t.Fatalf("warm run: %s, created %v", statuses(res), created(eng2))
	}
}

// A host input edited while its step runs (watch mode: a save in the
// editor) keeps the run from being stored: the key was computed over the
// old content, and what the step made may come from the new. Back at the
// old content, the step runs again rather than being reused from that run.
func TestReuseNotStoredWhenAnInputChangesWhileItRuns(t *testing.T) {
	re := newReuseEnv(t)
	src := filepath.Join(t.TempDir(), "main.c")
	if err := os.WriteFile(src, []byte("int main() { return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &pipeline.Pipeline{Name: "edit", Steps: []*pipeline.Step{
		{Name: "build", Image: "img", Reuse: true, Inputs: []pipeline.Input{{Name: "src", From: src, To: "/src/main.c"}}},
	}}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	edit := executor.WithObserver(executor.ObserverFunc(func(ev executor.Event) {
		if ev.Kind == executor.EventStepStarted {
			if err := os.WriteFile(src, []byte("int main() { return 1; }\n"), 0o644); err != nil {
				t.Error(err)
			}
		}
	}))
	res, _, log := re.run(g, nil, edit)
	if got := statuses(res); got != "build=ok" {
		t.Fatalf("first run: %s", got)
	}
	if !strings.Contains(log, "not stored for reuse: its input src changed while it ran") {
		t.Errorf("the log does not say why build was not stored:\n%s", log)
	}
	if err := os.WriteFile(src, []byte("int main() { return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, _, _ := re.run(g, nil); statuses(res) != "build=ok" {
		t.Fatalf("back at the old content: %s, want build run again", statuses(res))
	}
	if res, _, _ := re.run(g, nil); statuses(res) != "build=reused" {
		t.Fatalf("unchanged since: %s, want build reused", statuses(res))
	}
}
