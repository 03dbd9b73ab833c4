package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/runjob/runjob/internal/goldenfile"
)

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func TestGoldenReportJSON(t *testing.T) {
	root := t.TempDir()
	recordFixture(t, root)
	got, err := os.ReadFile(filepath.Join(runDir(root), JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "fixture.report.json", got)
}

func TestGoldenJUnit(t *testing.T) {
	root := t.TempDir()
	rep := recordFixture(t, root)
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, rep); err != nil {
		t.Fatal(err)
	}
	// The failure bodies name the log's full path, which is under TempDir.
	got := bytes.ReplaceAll(buf.Bytes(), []byte(filepath.ToSlash(runDir(root))), []byte("$RUN"))
	golden(t, "fixture.junit.xml", got)
}

// The combined log format is part of the contract (doc.go): pin it. It is
// derived from the record (what `runjob logs --timestamps` prints).
func TestGoldenStepLog(t *testing.T) {
	root := t.TempDir()
	rep := recordFixture(t, root)
	var buf bytes.Buffer
	rw := NewRecordWriter(&buf)
	if err := ReplayLog(context.Background(), rep.Dir, rep.Steps[4].Log, ReplayOptions{}, rw.Piece); err != nil {
		t.Fatal(err)
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	golden(t, "fixture.test-go1.22.log", buf.Bytes())
}
