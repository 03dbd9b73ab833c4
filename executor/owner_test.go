package executor_test

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/bytesize"
)

func TestLiveness(t *testing.T) {
	host, _ := os.Hostname()
	now := executor.NewRunID()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := cmd.Process.Pid // exited and reaped
	old := time.Now().Add(-time.Hour).UTC().Format("20060102-150405") + "-abcdef"
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   executor.Liveness
	}{
		{"this process", labels(now, host, os.Getpid()), executor.Alive},
		{"exited process", labels(now, host, dead), executor.Dead},
		{"no pid", labels(now, host, 0), executor.Dead},
		{"pid reused after the run started", labels(old, host, os.Getpid()), executor.Dead},
		{"another host", labels(now, "elsewhere.example", dead), executor.Unknown},
	} {
		if got := executor.OwnerOf(tc.labels).Liveness(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func labels(runID, host string, pid int) map[string]string {
	return map[string]string{executor.LabelRunID: runID, executor.LabelHost: host, executor.LabelPID: strconv.Itoa(pid)}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{512: "512 B", 16 << 20: "16 MiB", 1536 << 20: "1.5 GiB", 2048: "2 KiB"} {
		if got := bytesize.Format(n); got != want {
			t.Errorf("bytesize.Format(%d) = %q, want %q", n, got, want)
		}
	}
}
