package housekeeping

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Prune removes the staging directories killed runs left in an artifacts
// directory (no process holds their lock), and lists them under --dry-run.
func TestPruneRemovesAbandonedStaging(t *testing.T) {
	artDir := t.TempDir()
	dead := filepath.Join(artDir, ".staging", "20261122-234757-8f6abc-42")
	if err := os.MkdirAll(filepath.Join(dead, "gen", "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dead, "gen", "out", "half"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, _ := staged(t)
	var out, errOut bytes.Buffer
	o := PruneOptions{DryRun: true, ArtifactsDirs: []string{artDir}, Stdout: &out, Stderr: &errOut}
	if err := Prune(context.Background(), e, o); err != nil {
		t.Fatalf("prune --dry-run: %v\n%s%s", err, out.String(), errOut.String())
	}
	want := "staging directory " + dead + " (run 20261122-234757-8f6abc)\n"
	if !strings.Contains(out.String(), "would remove "+want) {
		t.Errorf("dry run did not list the staging directory:\n%s", out.String())
	}
	if _, err := os.Stat(dead); err != nil {
		t.Fatalf("dry run removed it: %v", err)
	}
	out.Reset()
	o.DryRun, o.RunIDs = false, []string{"another-run"}
	if err := Prune(context.Background(), e, o); err != nil || strings.Contains(out.String(), "staging") {
		t.Fatalf("prune --run another-run touched it: %v\n%s", err, out.String())
	}
	out.Reset()
	o.RunIDs = nil
	if err := Prune(context.Background(), e, o); err != nil {
		t.Fatalf("prune: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "removed "+want) {
		t.Errorf("prune did not report the staging directory:\n%s", out.String())
	}
	if _, err := os.Stat(dead); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("still there: %v", err)
	}
}
