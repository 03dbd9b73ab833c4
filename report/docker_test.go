package report_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/report"
)

// A real run on the Docker engine, recorded as the CLI will wire it: the
// raw log files hold exactly the bytes the containers printed, the
// combined log one record per line the terminal saw, and the report the
// statuses the executor decided.
func TestRecordDockerRun(t *testing.T) {
	eng := dockertest.Engine(t)
	runID := executor.NewRunID()
	dockertest.NoLeftovers(t, eng, runID)

	const n = 3000
	script := fmt.Sprintf(`i=0; while [ $i -lt %d ]; do echo "out $i <&>"; echo "err $i" >&2; i=$((i+1)); done; printf '\001\377\n'; printf 'tail without newline'`, n)
	var wantOut, wantErr strings.Builder
	for i := range n {
		fmt.Fprintf(&wantOut, "out %d <&>\n", i)
		fmt.Fprintf(&wantErr, "err %d\n", i)
	}
	wantOut.WriteString("\x01\xff\ntail without newline")

	p := &pipeline.Pipeline{Name: "rec", Steps: []*pipeline.Step{
		{Name: "gen[a/b]", Image: "busybox:latest", Command: []string{"sh", "-c", script}},
		{Name: "par", Image: "busybox:latest", Command: []string{"sh", "-c", "echo parallel"}},
		{Name: "fails", Image: "busybox:latest", Command: []string{"sh", "-c", "echo about to fail; echo boom >&2; exit 3"},
			DependsOn: []pipeline.Dependency{{Step: "gen[a/b]"}}},
		{Name: "after", Image: "busybox:latest", Command: []string{"true"}, DependsOn: []pipeline.Dependency{{Step: "fails"}}},
	}}
	g, err := pipeline.NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "runs")
	rec, err := report.NewRecorder(root, runID, g)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{} // lines the "terminal" got, per step and stream
	terminal := executor.NewLineOutput(0, func(step string, stream executor.Stream, line []byte) {
		mu.Lock()
		seen[step+" "+string(stream)]++
		mu.Unlock()
	})
	ex := executor.New(eng, executor.WithRunID(runID), executor.WithConcurrency(2),
		executor.WithArtifactsDir(t.TempDir()),
		executor.WithOutput(report.MultiOutput(terminal, rec)),
		executor.WithObserver(report.MultiObserver(rec)))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := ex.Run(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := rec.Finish(res)
	if err != nil {
		t.Fatal(err)
	}

	if rep.Status != "failed" || rep.Counts.OK != 2 || rep.Counts.Failed != 1 || rep.Counts.Skipped != 1 {
		t.Errorf("run %s, counts %+v; want failed with 2 ok, 1 failed, 1 skipped", rep.Status, rep.Counts)
	}
	gen := rep.Steps[0]
	for path, want := range map[string]string{gen.Log.Stdout: wantOut.String(), gen.Log.Stderr: wantErr.String()} {
		got, err := os.ReadFile(filepath.Join(rep.Dir, path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, []byte(want)) {
			t.Errorf("%s: %d bytes differ from the %d the container printed", path, len(got), len(want))
		}
	}
	if gen.Log.StdoutBytes != int64(wantOut.Len()) || gen.Log.StderrBytes != int64(wantErr.Len()) {
		t.Errorf("byte counts %d/%d, want %d/%d", gen.Log.StdoutBytes, gen.Log.StderrBytes, wantOut.Len(), wantErr.Len())
	}
	if want := int64(seen["gen[a/b] stdout"] + seen["gen[a/b] stderr"]); gen.Log.Lines != want || want != 2*n+2 {
		t.Errorf("log has %d records, the terminal saw %d lines; want %d", gen.Log.Lines, want, 2*n+2)
	}
	fails := rep.Steps[2]
	if fails.Status != "failed" || fails.ExitCode == nil || *fails.ExitCode != 3 || !strings.HasPrefix(fails.Container, "runjob-"+runID) {
		t.Errorf("fails: %+v", fails)
	}
	// Docker reads a container's two streams from separate pipes, so their
	// relative order is not guaranteed; each line's stream is.
	tail, err := rep.ReadLogTail(&rep.Steps[2], 1<<20)
	got := map[string]string{}
	for _, l := range tail.Lines {
		got[l.Stream] += l.Text
	}
	if err != nil || len(tail.Lines) != 2 || got["stdout"] != "about to fail" || got["stderr"] != "boom" {
		t.Errorf("fails log %+v (%v), want stdout 'about to fail' and stderr 'boom'", tail.Lines, err)
	}
	if rep.Steps[3].Status != "skipped" || rep.Steps[3].Log != nil {
		t.Errorf("after: %+v, want skipped with no log", rep.Steps[3])
	}
	var junit bytes.Buffer
	if err := report.WriteJUnit(&junit, rep); err != nil || !strings.Contains(junit.String(), "boom") {
		t.Errorf("junit: %v; want the failed step's tail in it", err)
	}
	if _, err := os.Stat(filepath.Join(root, "latest", report.HTMLFile)); err != nil {
		t.Error(err)
	}
}
