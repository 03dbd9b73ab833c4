package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// historyRun is one entry of `runjob runs --json`.
type historyRun struct {
	ID         string    `json:"id"`
	Pipeline   string    `json:"pipeline"`
	Status     string    `json:"status"`
	Started    time.Time `json:"started"`
	DurationMS int64     `json:"duration_ms"`
	Bytes      int64     `json:"bytes"`
	Dir        string    `json:"dir"`
}

func listRuns(t *testing.T, args ...string) []historyRun {
	t.Helper()
	r := runjob(t, nil, append([]string{"runs", "--json"}, args...)...)
	var runs []historyRun
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &runs) != nil {
		t.Fatalf("runs --json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	return runs
}

func runIDs(runs []historyRun) []string {
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	return ids
}

// Retention after each run: by count (--keep-runs, then RUNJOB_KEEP_RUNS)
// and by size (--keep-size), always keeping the run just written; `runs
// --json` lists what is left with its fields.
func TestHistoryRetentionCountAndSize(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
pipeline { name = "hist" }
step "s" {
  image   = "busybox:latest"
  command = ["sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"]
}`)
	var ids []string
	for range 3 {
		r := runjob(t, nil, p, "--keep-runs", "2")
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		ids = append(ids, r.runID)
	}
	runs := listRuns(t, p)
	if got := runIDs(runs); fmt.Sprint(got) != fmt.Sprint(ids[1:]) {
		t.Fatalf("after 3 runs with --keep-runs 2: %v, want %v", got, ids[1:])
	}
	for _, r := range runs {
		if r.Pipeline != "hist" || r.Status != "ok" || r.Started.IsZero() || r.Bytes < 300000 || r.Bytes > 450000 ||
			r.Dir != filepath.Join(filepath.Dir(p), ".runjob", "runs", r.ID) {
			t.Errorf("run %+v", r)
		}
	}
	r := runjob(t, []string{"RUNJOB_KEEP_RUNS=1"}, p)
	if got := runIDs(listRuns(t, p)); fmt.Sprint(got) != fmt.Sprint([]string{r.runID}) {
		t.Fatalf("RUNJOB_KEEP_RUNS=1 left %v, want only %s", got, r.runID)
	}
	runjob(t, nil, p, "--keep-runs", "0")
	r = runjob(t, nil, p, "--keep-runs", "0", "--keep-size", "500k") // each run is ~380 KB: the output, its tail in report.html
	if got := runIDs(listRuns(t, filepath.Dir(p))); fmt.Sprint(got) != fmt.Sprint([]string{r.runID}) {
		t.Fatalf("--keep-size 500k left %v, want only %s", got, r.runID)
	}
	if r := runjob(t, nil, p, "--keep-size", "lots"); r.code != 2 {
		t.Errorf("--keep-size lots: exit %d, want 2", r.code)
	}
}

// `runs prune` by age and by count, with --dry-run; latest follows.
func TestHistoryPruneAgeAndCount(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "s" {
  image   = "busybox:latest"
  command = ["echo", "hi"]
}`)
	var ids []string
	for range 3 {
		ids = append(ids, runjob(t, nil, p).runID)
	}
	root := filepath.Join(filepath.Dir(p), ".runjob", "runs")
	// Make the first run ten days old.
	name := filepath.Join(root, ids[0], "report.json")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-240 * time.Hour).UTC().Format(time.RFC3339)
	b = regexp.MustCompile(`"started": "[^"]*"`).ReplaceAll(b, []byte(`"started": "`+old+`"`))
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runjob(t, nil, "runs", "prune", p, "--older-than", "168h", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "would remove run "+ids[0]) || len(listRuns(t, p)) != 3 {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runjob(t, nil, "runs", "prune", p, "--older-than", "168h")
	if got := runIDs(listRuns(t, p)); r.code != 0 || fmt.Sprint(got) != fmt.Sprint(ids[1:]) {
		t.Fatalf("--older-than 168h: exit %d, left %v\n%s", r.code, got, r.stderr)
	}
	r = runjob(t, nil, "runs", "prune", filepath.Dir(p), "--keep", "1")
	if got := runIDs(listRuns(t, p)); r.code != 0 || fmt.Sprint(got) != fmt.Sprint(ids[2:]) {
		t.Fatalf("--keep 1: exit %d, left %v\n%s", r.code, got, r.stderr)
	}
	if target, _ := os.Readlink(filepath.Join(root, "latest")); target != ids[2] {
		t.Errorf("latest -> %q, want %s", target, ids[2])
	}
	if r := runjob(t, nil, "runs", "prune", p); r.code != 2 {
		t.Errorf("prune without a rule: exit %d, want 2", r.code)
	}
}

// `logs --stdout` and `--stderr` give back exactly what the step printed,
// binary bytes and a last line without a newline included; without them
// each stream goes to its own.
func TestHistoryLogsExact(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "gen" {
  image   = "busybox:latest"
  command = ["sh", "-c", "seq 1 30000; printf 'bin\\001\\377\\r\\n'; echo oops >&2; printf 'no newline'"]
}`)
	if r := runjob(t, nil, p); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var want bytes.Buffer
	for i := 1; i <= 30000; i++ {
		fmt.Fprintln(&want, i)
	}
	want.WriteString("bin\x01\xff\r\nno newline")
	dir := filepath.Dir(p)
	r := runjob(t, nil, "logs", "--dir", dir, "gen", "--stdout")
	if r.code != 0 || r.stdout != want.String() {
		t.Errorf("logs --stdout: exit %d, %d bytes, want %d\n%s", r.code, len(r.stdout), want.Len(), r.stderr)
	}
	if r := runjob(t, nil, "logs", "--dir", p, "latest", "gen", "--stderr"); r.code != 0 || r.stdout != "oops\n" {
		t.Errorf("logs --stderr: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runjob(t, nil, "logs", "--dir", dir, "gen"); r.stdout != want.String() || r.stderr != "oops\n" {
		t.Errorf("logs: %d bytes on stdout, stderr %q", len(r.stdout), r.stderr)
	}
	r = runjob(t, nil, "logs", "--dir", dir, "gen", "--timestamps")
	if lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n"); len(lines) != 30003 ||
		!regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z out 1$`).MatchString(lines[0]) ||
		!strings.HasSuffix(lines[len(lines)-1], " out no newline") {
		t.Errorf("logs -t: %d lines, first %q", len(lines), lines[0])
	}
	if r := runjob(t, nil, "logs", "--dir", dir, "nope"); r.code != 2 || !strings.Contains(r.stderr, `no step "nope"`) {
		t.Errorf("unknown step: exit %d %s", r.code, r.stderr)
	}
}

// `logs -f` on a run in progress prints each line as the step prints it
// (a line a second), before the run ends, and ends when the step does.
func TestHistoryLogsFollow(t *testing.T) {
	dockertest.Engine(t)
	p := write(t, `
step "tick" {
  image   = "busybox:latest"
  command = ["sh", "-c", "for i in 1 2 3 4 5; do echo tick $i; sleep 1; done"]
}
step "after" {
  depends_on = [step.tick]
  image      = "busybox:latest"
  command    = ["sleep", "3"]
}`)
	run := exec.Command(binary, p, "--log-format", "plain")
	var runErr bytes.Buffer
	run.Stderr = &runErr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	runDone := make(chan struct{})
	var runEnd time.Time
	go func() { _ = run.Wait(); runEnd = time.Now(); close(runDone) }()
	t.Cleanup(func() { _ = run.Process.Signal(os.Interrupt); <-runDone })
	root := filepath.Join(filepath.Dir(p), ".runjob", "runs")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m, _ := filepath.Glob(filepath.Join(root, "*", "run.lock")); len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run never started a record")
		}
		time.Sleep(20 * time.Millisecond)
	}
	logs := exec.Command(binary, "logs", "-f", "--dir", filepath.Dir(p), "tick")
	out, err := logs.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := logs.Start(); err != nil {
		t.Fatal(err)
	}
	var arrived []time.Time
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if want := fmt.Sprintf("tick %d", len(arrived)+1); sc.Text() != want {
			t.Errorf("line %q, want %q", sc.Text(), want)
		}
		arrived = append(arrived, time.Now())
	}
	_ = logs.Wait()
	ended := time.Now()
	if len(arrived) != 5 {
		t.Fatalf("logs -f printed %d lines, want 5", len(arrived))
	}
	select {
	case <-runDone:
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not end")
	}
	if !arrived[0].Before(runEnd.Add(-3*time.Second)) || arrived[4].Sub(arrived[0]) < 3*time.Second {
		t.Errorf("lines arrived at %v, the run ended at %v: not while the step ran", arrived, runEnd)
	}
	// The step ends ~3s before the run does (the next step sleeps 3): the
	// follower ends with the step, not with the run.
	if !ended.Before(runEnd.Add(-time.Second)) {
		t.Errorf("logs -f ended at %v, the run at %v: want it to end with the step", ended, runEnd)
	}
	if t.Failed() {
		t.Logf("run's stderr:\n%s", runErr.String())
	}
}
