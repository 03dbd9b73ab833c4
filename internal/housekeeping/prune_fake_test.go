package housekeeping

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
)

func names(t *testing.T, inv executor.Inventory) string {
	t.Helper()
	rs, err := inv.Resources(context.Background(), everyRun())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return strings.Join(out, " ")
}

// Prune removes what dead runs left, and keeps, with the reason, what a
// live run or another host's run has.
func TestPruneRemovesDeadRunsAndKeepsTheOthers(t *testing.T) {
	e, _ := staged(t)
	var out, errOut bytes.Buffer
	if err := Prune(context.Background(), e, PruneOptions{Stdout: &out, Stderr: &errOut}); err != nil {
		t.Fatalf("prune: %v\n%s%s", err, out.String(), errOut.String())
	}
	if got := names(t, e); got != "alive-container remote-container alive-network remote-network alive-volume remote-volume" {
		t.Errorf("left: %s", got)
	}
	for _, want := range []string{
		"removed container dead-container (run 20261122-234757-8f6abc)\n",
		"removed network dead-network (run 20261122-234757-8f6abc)\n",
		"removed volume dead-volume (run 20261122-234757-8f6abc)\n",
		"kept container alive-container (run ",
		"is still running\n",
		`kept volume remote-volume (run 20261122-234757-remote): it belongs to host "elsewhere", which this host cannot check (--all removes it)`,
		"prune: removed 3, kept 6\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr: %s", errOut.String())
	}
}

// --all removes everything; --run limits to some runs; --dry-run removes
// nothing but says what it would.
func TestPruneAllRunsAndDryRun(t *testing.T) {
	ctx := context.Background()
	e, o := staged(t)
	var out bytes.Buffer
	if err := Prune(ctx, e, PruneOptions{All: true, DryRun: true, Stdout: &out, Stderr: &out}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "would remove volume remote-volume") || !strings.Contains(out.String(), "prune: would remove 9, kept 0") {
		t.Errorf("dry run:\n%s", out.String())
	}
	if got := names(t, e); strings.Count(got, " ") != 8 {
		t.Errorf("dry run removed something: %s", got)
	}
	out.Reset()
	remote := o.remote[executor.LabelRunID]
	if err := Prune(ctx, e, PruneOptions{All: true, RunIDs: []string{remote}, Stdout: &out, Stderr: &out}); err != nil {
		t.Fatal(err)
	}
	if got := names(t, e); strings.Contains(got, "remote") || !strings.Contains(got, "dead-volume") || !strings.Contains(got, "alive-volume") {
		t.Errorf("--all --run %s left %s\n%s", remote, got, out.String())
	}
	if err := Prune(ctx, e, PruneOptions{All: true, Stdout: &out, Stderr: &out}); err != nil {
		t.Fatal(err)
	}
	if got := names(t, e); got != "" {
		t.Errorf("--all left %s", got)
	}
}

// A listing that fails is engine trouble.
func TestPruneListingFailsIsAnEngineError(t *testing.T) {
	e, _ := staged(t)
	e.FailList(errBoom)
	var out bytes.Buffer
	err := Prune(context.Background(), e, PruneOptions{Stdout: &out, Stderr: &out})
	if errkind.Of(err) != errkind.Engine || !errors.Is(err, errBoom) {
		t.Fatalf("prune = %v, want an engine error", err)
	}
}
