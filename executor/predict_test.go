package executor_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// predict runs Predict on a fresh fake engine over re's store and renders
// each prediction as step=reused(RUN)|runs(WHY)|undecided(WHY).
func (re *reuseEnv) predict(g *pipeline.Graph) (string, *fake.Engine) {
	re.t.Helper()
	eng := fake.New()
	preds, err := executor.New(eng, executor.WithReuse(re.store)).Predict(context.Background(), g)
	if err != nil {
		re.t.Fatal(err)
	}
	var out []string
	for _, p := range preds {
		switch {
		case p.Reused:
			out = append(out, fmt.Sprintf("%s=reused(%s)", p.Step, p.From))
		case p.Decided:
			out = append(out, fmt.Sprintf("%s=runs(%s)", p.Step, p.Why))
		default:
			out = append(out, fmt.Sprintf("%s=undecided(%s)", p.Step, p.Why))
		}
	}
	return strings.Join(out, " "), eng
}

// Predict says what a run would reuse, creating and pulling nothing and
// making no entry recent; steps after one that would run are undecided
// when their key needs what it makes.
func TestPredictSaysWhatWouldBeReused(t *testing.T) {
	re := newReuseEnv(t)
	if got, _ := re.predict(chain(t, nil)); got != "build=runs(no earlier run of it is stored) test=undecided(its input bin comes from build, which would run) package=undecided(it reads an output of build, which would run)" {
		t.Fatalf("empty store: %s", got)
	}
	res, _, _ := re.run(chain(t, nil), scriptChain("1.0", "app v1"))
	run := res.RunID
	got, eng := re.predict(chain(t, nil))
	if want := fmt.Sprintf("build=reused(%s) test=reused(%s) package=reused(%s)", run, run, run); got != want {
		t.Fatalf("unchanged:\n got %s\nwant %s", got, want)
	}
	for _, c := range eng.Calls() {
		if !strings.HasPrefix(c, "ImageID ") {
			t.Errorf("engine call %q: Predict only asks for image IDs", c)
		}
	}
	g := chain(t, func(p *pipeline.Pipeline) { p.Steps[1].Command = []string{"test", "-v"} })
	want := fmt.Sprintf("build=reused(%s) test=runs(command changed (since run %s)) package=reused(%s)", run, run, run)
	if got, _ := re.predict(g); got != want {
		t.Fatalf("test changed:\n got %s\nwant %s", got, want)
	}
	// What Predict said is what the run does.
	res, _, _ = re.run(g, scriptChain("1.0", "app v1"))
	if got := statuses(res); got != "build=reused test=ok package=reused" {
		t.Fatalf("the run after: %s", got)
	}
	g = chain(t, func(p *pipeline.Pipeline) { p.Steps[0].Pull = pipeline.PullAlways })
	want = "build=undecided(its image is pulled at every run (pull = always)) " +
		"test=undecided(its input bin comes from build, whose own reuse is decided when it runs) " +
		"package=undecided(it reads an output of build, whose own reuse is decided when it runs)"
	if got, _ := re.predict(g); got != want {
		t.Fatalf("pull always:\n got %s\nwant %s", got, want)
	}
}
