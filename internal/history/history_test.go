package history

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/report"
)

var t0 = time.Date(2026, 1, 2, 15, 0, 0, 0, time.UTC)

// record writes a finished run started at t0+minutes, whose step prints out.
func record(t *testing.T, root string, minutes int, out string) string {
	t.Helper()
	g, err := pipeline.NewGraph(&pipeline.Pipeline{Name: "p", Steps: []*pipeline.Step{{Name: "s", Image: "busybox"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("2026010%d-%06d-aaaaaa", 2, minutes)
	rec, err := report.NewRecorder(root, id, g)
	if err != nil {
		t.Fatal(err)
	}
	o, e := rec.Open("s")
	_, _ = o.Write([]byte(out))
	_, _ = e.Write([]byte("err of " + id + "\n"))
	_ = o.Close()
	_ = e.Close()
	start := t0.Add(time.Duration(minutes) * time.Minute)
	res := &executor.Result{RunID: id, Pipeline: "p", Started: start, Finished: start.Add(time.Second),
		Steps: []*executor.StepResult{{Name: "s", Status: executor.StatusOK, Started: start, Finished: start}}}
	if _, err := rec.Finish(res); err != nil {
		t.Fatal(err)
	}
	return id
}

func ids(runs []Run) string {
	var s []string
	for _, r := range runs {
		s = append(s, r.ID[len(r.ID)-13:len(r.ID)-7])
	}
	return strings.Join(s, ",")
}

func TestSelect(t *testing.T) {
	var runs []Run
	for i := range 6 {
		runs = append(runs, Run{ID: fmt.Sprintf("x-%06d-aaaaaa", i), Started: t0.Add(time.Duration(i) * time.Hour), Bytes: 100})
	}
	runs[4].Running = true
	now := t0.Add(6 * time.Hour)
	for _, c := range []struct {
		p    Policy
		keep string
		want string
	}{
		{Policy{KeepRuns: 3}, runs[5].ID, "000000,000001,000002"},
		{Policy{KeepRuns: 1}, runs[5].ID, "000000,000001,000002,000003"}, // the running one is kept too
		{Policy{KeepBytes: 350}, "", "000000,000001,000002"},
		{Policy{OlderThan: 4*time.Hour + time.Minute}, "", "000000,000001"},
		{Policy{All: true}, runs[0].ID, "000001,000002,000003,000005"},
		{Policy{}, "", ""},
	} {
		if got := ids(Select(runs, c.p, c.keep, now)); got != c.want {
			t.Errorf("%+v keep %q: removes %q, want %q", c.p, c.keep, got, c.want)
		}
	}
}

func TestParsePolicy(t *testing.T) {
	env := map[string]string{EnvKeepRuns: "7", EnvKeepSize: "10m"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if p, err := ParsePolicy("", "", nil); err != nil || p != DefaultPolicy {
		t.Errorf("defaults: %+v %v", p, err)
	}
	if p, err := ParsePolicy("", "", lookup); err != nil || p.KeepRuns != 7 || p.KeepBytes != 10<<20 {
		t.Errorf("env: %+v %v", p, err)
	}
	if p, err := ParsePolicy("0", "0", lookup); err != nil || p.KeepRuns != 0 || p.KeepBytes != 0 {
		t.Errorf("flags win: %+v %v", p, err)
	}
	for _, bad := range [][2]string{{"-1", ""}, {"x", ""}, {"", "lots"}} {
		if _, err := ParsePolicy(bad[0], bad[1], nil); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Prune removes by count, never the run in progress nor the one kept, and
// moves latest to the newest run left.
func TestPruneAndList(t *testing.T) {
	root := t.TempDir()
	var all []string
	for i := range 4 {
		all = append(all, record(t, root, i, fmt.Sprintf("out %d\n", i)))
	}
	g, _ := pipeline.NewGraph(&pipeline.Pipeline{Name: "p", Steps: []*pipeline.Step{{Name: "s", Image: "busybox"}}})
	live, err := report.NewRecorder(root, "20260101-000000-live00", g) // older ID, still in progress
	if err != nil {
		t.Fatal(err)
	}
	runs, err := List(root)
	if err != nil || len(runs) != 5 {
		t.Fatalf("list: %d runs, %v", len(runs), err)
	}
	var out bytes.Buffer
	removed, err := Prune(PruneOptions{Root: root, Policy: Policy{All: true}, Keep: all[1], DryRun: true, Stdout: &out})
	if err != nil || len(removed) != 3 || !strings.Contains(out.String(), "would remove run "+all[0]) {
		t.Fatalf("dry run: %v %v\n%s", removed, err, out.String())
	}
	if runs, _ := List(root); len(runs) != 5 {
		t.Fatal("a dry run removed something")
	}
	if _, err := Prune(PruneOptions{Root: root, Policy: Policy{All: true}, Keep: all[1]}); err != nil {
		t.Fatal(err)
	}
	runs, _ = List(root)
	var left []string
	for _, r := range runs {
		left = append(left, r.ID+"="+r.Status)
	}
	// Sorted by start: the live run started now, after the recorded ones.
	if want := all[1] + "=ok,20260101-000000-live00=running"; strings.Join(left, ",") != want {
		t.Errorf("left %v, want %s", left, want)
	}
	if target, _ := os.Readlink(filepath.Join(root, report.LatestLink)); target != all[1] {
		t.Errorf("latest -> %q, want %s", target, all[1])
	}
	var js bytes.Buffer
	if err := WriteRuns(&js, runs, true); err != nil {
		t.Fatal(err)
	}
	var back []Run
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back) != 2 || back[1].Status != StatusRunning || back[0].Bytes == 0 {
		t.Errorf("json %s: %v", js.String(), err)
	}
	if _, err := live.Finish(&executor.Result{RunID: "20260101-000000-live00", Pipeline: "p"}); err != nil {
		t.Fatal(err)
	}
}

// Logs prints a step's streams byte for byte, one stream, or the
// combined records; an unknown run or step is a usage error.
func TestLogs(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, ".runjob", "runs")
	record(t, root, 0, "first\n")
	id := record(t, root, 1, "bin\x00\xff no newline")
	var out, errb bytes.Buffer
	o := LogsOptions{Path: dir, Step: "s", Out: &out, Err: &errb}
	if err := Logs(context.Background(), o); err != nil || out.String() != "bin\x00\xff no newline" || errb.String() != "err of "+id+"\n" {
		t.Fatalf("logs: %v %q %q", err, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	o.Run, o.Stderr = id[:15], true
	if err := Logs(context.Background(), o); err != nil || out.String() != "err of "+id+"\n" || errb.Len() != 0 {
		t.Fatalf("--stderr: %v %q %q", err, out.String(), errb.String())
	}
	out.Reset()
	o.Stderr, o.Timestamps, o.Run = false, true, "latest"
	if err := Logs(context.Background(), o); err != nil || len(strings.Split(out.String(), "\n")) != 3 ||
		!strings.Contains(out.String(), " out bin\x00\xff no newline\n") || !strings.Contains(out.String(), " err err of ") {
		t.Fatalf("-t: %v %q", err, out.String())
	}
	for _, bad := range []LogsOptions{{Path: dir, Run: "nope", Step: "s"}, {Path: dir, Step: "t"}, {Path: dir, Run: "2026", Step: "s"}} {
		bad.Out, bad.Err = &out, &errb
		if err := Logs(context.Background(), bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
