package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./report -run %s -update rewrites it); got:\n%s", path, t.Name(), got)
	}
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

// The combined log format is part of the contract (doc.go): pin it.
func TestGoldenStepLog(t *testing.T) {
	root := t.TempDir()
	recordFixture(t, root)
	got, err := os.ReadFile(filepath.Join(runDir(root), "logs", "test%5Bgo1.22%5D.log"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "fixture.test-go1.22.log", got)
}
