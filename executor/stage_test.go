package executor

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestStagingSweep: a staging directory no live run holds (a killed
// run's) is listed and removed; the live run's own is neither, and it
// goes with the run.
func TestStagingSweep(t *testing.T) {
	artDir := t.TempDir()
	live := testStage(t, artDir, "live", "gen", "out")
	<-live.swept // nothing to sweep yet
	private, err := live.path("gen", "out")
	must(t, err)
	dead := filepath.Join(StagingDir(artDir), "20260101-000000-abcdef-123")
	writeTree(t, filepath.Join(dead, "gen", "out"), "half")
	writeTree(t, private, "mine")
	runs, err := AbandonedStaging(artDir)
	must(t, err)
	if len(runs) != 1 || runs[0].Path != dead || runs[0].RunID != "20260101-000000-abcdef" {
		t.Fatalf("abandoned: %+v, want only %s", runs, dead)
	}
	must(t, RemoveStaging(runs[0]))
	if _, err := os.Stat(dead); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dead run's staging is still there: %v", err)
	}
	mine := StagedRun{RunID: "live", Path: filepath.Dir(filepath.Dir(private))}
	if err := RemoveStaging(mine); !errors.Is(err, ErrStagingInUse) {
		t.Errorf("removing a live run's staging: %v, want ErrStagingInUse", err)
	}
	if tokens, err := readTree(private); err != nil || tokens["mine"] != treeFiles {
		t.Errorf("the live run's copy: %v (%v)", tokens, err)
	}
	live.close()
	if _, err := os.Stat(StagingDir(artDir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("staging root left behind: %v", err)
	}
	if runs, err := AbandonedStaging(artDir); err != nil || len(runs) != 0 {
		t.Errorf("no staging root: %v, %v", runs, err)
	}
}

// TestNewStageSweepsLeftovers: the next run removes what a killed one left.
func TestNewStageSweepsLeftovers(t *testing.T) {
	artDir := t.TempDir()
	dead := filepath.Join(StagingDir(artDir), "killed-1")
	writeTree(t, filepath.Join(dead, "gen", "out.publish"), "half")
	st := testStage(t, artDir, "next", "gen", "out")
	st.close() // waits for the sweep
	if _, err := os.Stat(StagingDir(artDir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftovers or root still there: %v", err)
	}
}
