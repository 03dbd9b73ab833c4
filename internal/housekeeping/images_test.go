package housekeeping

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
)

// Prune removes the untagged images dead runs built, after their
// containers, and keeps tagged ones, even with --all, saying why; the
// leftover count at the start of a run counts the former only.
func TestPruneRemovesUntaggedBuiltImagesAndKeepsTagged(t *testing.T) {
	o := testOwners(t)
	old := time.Now().Add(-time.Hour)
	e := fake.New()
	stage(e, "dead", o.dead)
	e.AddResource(executor.Resource{Kind: executor.ResourceImage, ID: "sha256:untagged", Name: "untagged", Labels: o.dead, Created: old})
	e.AddResource(executor.Resource{Kind: executor.ResourceImage, ID: "sha256:tagged", Name: "myapp:dev", Labels: o.dead,
		Tags: []string{"myapp:dev"}, Created: old})
	l, err := FindLeftovers(context.Background(), e)
	if err != nil || l.Resources != 4 || l.Runs != 1 {
		t.Fatalf("leftovers %+v %v; want the container, network, volume and untagged image of one run", l, err)
	}
	var out, errOut bytes.Buffer
	if err := Prune(context.Background(), e, PruneOptions{All: true, Stdout: &out, Stderr: &errOut}); err != nil {
		t.Fatalf("prune: %v\n%s%s", err, out.String(), errOut.String())
	}
	if got := names(t, e); got != "myapp:dev" {
		t.Errorf("left: %s", got)
	}
	for _, want := range []string{
		"removed image untagged (run 20261122-234757-8f6abc)\n",
		"kept image myapp:dev (run 20261122-234757-8f6abc): its tags were asked for (docker rmi removes it)\n",
		"prune: removed 4, kept 1\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if i, j := strings.Index(out.String(), "removed container"), strings.Index(out.String(), "removed image"); i < 0 || j < i {
		t.Errorf("the image was removed before the container that may use it:\n%s", out.String())
	}
}
